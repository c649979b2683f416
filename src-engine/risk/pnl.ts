/**
 * Exact profit and loss of one account: pure functions over immutable values.
 *
 * Prices are held in ticks (price / tickSize) as Rationals, money in Money (integer 1/10,000 USD).
 * A fill or quote on the tick grid is an integer number of ticks and every tick value of a listed
 * future is a whole number of Money units, so every PnL figure is an exact integer and sums never
 * drift (architecture practice 8).
 *
 * Open positions are FIFO lots: a closing fill realizes against the oldest lots first, which is
 * how US futures brokers report realized PnL. Total PnL does not depend on the matching order, only
 * its split between realized and unrealized does.
 *
 * The one place exactness can end is a position re-based from a broker snapshot: its average
 * price may lie between ticks (2 lots at 6000.00 and 1 at 6000.25 → 6000.0833…). Such a lot keeps
 * its exact Rational price; the realized PnL of each closing fill and the unrealized PnL of each
 * contract are then rounded once, half away from zero, to 1/10,000 USD (documented rounding,
 * never accumulated: cash holds the rounded realized amounts, unrealized is recomputed from the
 * lots on every mark).
 */
import type { ContractCode } from '../domain/contractCode';
import { money, moneyFromRational, type Money } from '../domain/money';
import { Rational } from '../domain/rational';

export type Side = 'buy' | 'sell';

/** An open lot. `qty` is signed: positive long, negative short, never zero. */
export interface Lot {
  readonly qty: number;
  readonly priceTicks: Rational;
}

/** The open position in one contract. */
export interface ContractPosition {
  /** Oldest first. All lots have the sign of netQty. */
  readonly lots: readonly Lot[];
  readonly netQty: number;
  /** Σ lot.qty × lot.priceTicks: unrealized ticks = mark × netQty − costTicks, O(1) per quote. */
  readonly costTicks: Rational;
}

export const FLAT: ContractPosition = Object.freeze({ lots: Object.freeze<Lot[]>([]), netQty: 0, costTicks: Rational.ZERO });

/** A broker price (decimal number) in ticks. Exact: the decimal the broker wrote, divided by the exact tick size. */
export function priceToTicks(price: number, tickSize: Rational): Rational {
  return Rational.fromDecimalNumber(price).div(tickSize);
}

export function signedQty(side: Side, qty: number): number {
  if (!Number.isSafeInteger(qty) || qty <= 0) throw new RangeError(`fill quantity must be a positive integer, got ${qty}`);
  return side === 'buy' ? qty : -qty;
}

/**
 * Applies one fill (signed quantity at a price in ticks) to a position, FIFO.
 * Returns the new position and the realized PnL in ticks × contracts (positive = profit).
 */
export function applyFillToPosition(pos: ContractPosition, qty: number, priceTicks: Rational): { position: ContractPosition; realizedTicks: Rational } {
  if (!Number.isSafeInteger(qty) || qty === 0) throw new RangeError(`fill quantity must be a non-zero integer, got ${qty}`);
  // Same direction as the position (or flat): a new lot, nothing realized.
  if (pos.netQty === 0 || Math.sign(pos.netQty) === Math.sign(qty)) {
    return {
      position: { lots: [...pos.lots, { qty, priceTicks }], netQty: pos.netQty + qty, costTicks: pos.costTicks.add(priceTicks.mulInt(qty)) },
      realizedTicks: Rational.ZERO,
    };
  }
  // Opposite direction: close the oldest lots first; what is left over opens the other way.
  let remaining = qty; // signed, opposite to the lots
  let realized = Rational.ZERO;
  const lots = [...pos.lots];
  while (remaining !== 0 && lots.length > 0) {
    const lot = lots[0];
    if (lot === undefined) break;
    const closeQty = Math.min(Math.abs(lot.qty), Math.abs(remaining)) * Math.sign(lot.qty); // signed like the lot
    // A long lot closed by a sale earns (exit − entry) per contract; a short one (entry − exit).
    realized = realized.add(priceTicks.sub(lot.priceTicks).mulInt(closeQty));
    const left = lot.qty - closeQty;
    if (left === 0) lots.shift();
    else lots[0] = { qty: left, priceTicks: lot.priceTicks };
    remaining += closeQty;
  }
  if (remaining !== 0) lots.push({ qty: remaining, priceTicks });
  let netQty = 0;
  let costTicks = Rational.ZERO;
  for (const l of lots) {
    netQty += l.qty;
    costTicks = costTicks.add(l.priceTicks.mulInt(l.qty));
  }
  return { position: netQty === 0 ? FLAT : { lots, netQty, costTicks }, realizedTicks: realized };
}

/** Open PnL of a position at a mark, in ticks × contracts. Zero when flat. */
export function unrealizedTicks(pos: ContractPosition, markTicks: Rational): Rational {
  if (pos.netQty === 0) return Rational.ZERO;
  return markTicks.mulInt(pos.netQty).sub(pos.costTicks);
}

/** Ticks × contracts in Money. Exact whenever the ticks are whole; otherwise rounded once (see the header). */
export function ticksToMoney(ticks: Rational, tickValue: Rational): Money {
  return moneyFromRational(ticks.mul(tickValue));
}

/** A position re-based from a broker snapshot: one lot at the broker's average price. */
export function positionFromSnapshot(netPos: number, avgPriceTicks: Rational): ContractPosition {
  if (!Number.isSafeInteger(netPos)) throw new RangeError(`position must be an integer, got ${netPos}`);
  if (netPos === 0) return FLAT;
  return { lots: [{ qty: netPos, priceTicks: avgPriceTicks }], netQty: netPos, costTicks: avgPriceTicks.mulInt(netPos) };
}

// ---- an account's ledger ------------------------------------------------------------------------

/**
 * An account's money and positions. `cash` is the broker balance at the last re-base plus the
 * realized PnL of every fill since. Live broker balance events are deliberately NOT mixed in: they
 * report the same fills again, later, and would make PnL jump twice.
 */
export interface Ledger {
  readonly cash: Money;
  /** Only non-flat contracts. */
  readonly positions: ReadonlyMap<ContractCode, ContractPosition>;
}

export function ledger(cash: Money, positions: ReadonlyMap<ContractCode, ContractPosition> = new Map()): Ledger {
  return { cash, positions };
}

export interface FillInput {
  readonly contract: ContractCode;
  readonly side: Side;
  readonly qty: number;
  readonly priceTicks: Rational;
}

/** Applies a fill to a ledger: new ledger and the fill's realized PnL (already added to cash). */
export function applyFill(l: Ledger, fill: FillInput, tickValue: Rational): { ledger: Ledger; realized: Money } {
  const before = l.positions.get(fill.contract) ?? FLAT;
  const { position, realizedTicks } = applyFillToPosition(before, signedQty(fill.side, fill.qty), fill.priceTicks);
  const realized = ticksToMoney(realizedTicks, tickValue);
  const positions = new Map(l.positions);
  if (position.netQty === 0) positions.delete(fill.contract);
  else positions.set(fill.contract, position);
  return { ledger: { cash: money(l.cash + realized), positions }, realized };
}

/** Open PnL of one contract at a mark, in Money. */
export function unrealizedMoney(pos: ContractPosition, markTicks: Rational, tickValue: Rational): Money {
  return pos.netQty === 0 ? money(0) : ticksToMoney(unrealizedTicks(pos, markTicks), tickValue);
}

/** Σ |net position| over contracts: what a contract cap counts. */
export function openContracts(l: Ledger): number {
  let n = 0;
  for (const p of l.positions.values()) n += Math.abs(p.netQty);
  return n;
}

/**
 * Realized PnL of a day's fills replayed through FIFO, from a starting position per contract.
 * Used once, when an account is first seen in the middle of a trading day, to find what its
 * balance was at the day's start (balance now − realized today).
 */
export function replayRealized(
  start: ReadonlyMap<ContractCode, ContractPosition>,
  fills: readonly FillInput[],
  tickValueOf: (contract: ContractCode) => Rational,
): Money {
  let l = ledger(money(0), start);
  for (const f of fills) l = applyFill(l, f, tickValueOf(f.contract)).ledger;
  return l.cash;
}

/** A position as a broker snapshot reports it; `avgTicks` undefined when the broker gave no average price. */
export interface HeldPosition {
  readonly contract: ContractCode;
  readonly netQty: number;
  readonly avgTicks: Rational | undefined;
}

/**
 * Realized PnL of a day's fills (time order), replayed from the position held when the day began:
 * today's position minus the day's fills, seeded at the broker's average price (or, without one,
 * the day's first fill price in that contract). An approximation only when a position was carried
 * overnight and the broker's average mixes lots from both days; exact for an account that was flat
 * at the roll, which prop accounts are required to be.
 */
export function realizedOfDay(now: readonly HeldPosition[], dayFills: readonly FillInput[], tickValueOf: (contract: ContractCode) => Rational): Money {
  const startQty = new Map<ContractCode, number>();
  for (const p of now) startQty.set(p.contract, p.netQty);
  for (const f of dayFills) startQty.set(f.contract, (startQty.get(f.contract) ?? 0) - signedQty(f.side, f.qty));
  const start = new Map<ContractCode, ContractPosition>();
  for (const [contract, qty] of startQty) {
    if (qty === 0) continue;
    const seed = now.find((p) => p.contract === contract)?.avgTicks ?? dayFills.find((f) => f.contract === contract)?.priceTicks;
    if (seed) start.set(contract, positionFromSnapshot(qty, seed));
  }
  return replayRealized(start, dayFills, tickValueOf);
}

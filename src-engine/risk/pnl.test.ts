import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contractCode, type ContractCode } from '../domain/contractCode';
import { money, moneyFromRational, type Money } from '../domain/money';
import { Rational } from '../domain/rational';
import {
  applyFill,
  applyFillToPosition,
  FLAT,
  ledger,
  openContracts,
  positionFromSnapshot,
  priceToTicks,
  replayRealized,
  unrealizedMoney,
  type FillInput,
  type Ledger,
  type Side,
} from './pnl';

// ES: tick 0.25 = $12.50, point $50. ZN: tick 1/64 = $15.625.
const ES = { tickSize: Rational.of(1, 4), tickValue: Rational.parse('12.5'), pointValue: Rational.of(50) };
const ZN = { tickSize: Rational.of(1, 64), tickValue: Rational.parse('15.625'), pointValue: Rational.of(1000) };
const usd = (d: number): Money => money(d * 10_000);
const ESH6 = contractCode('ES', 2026, 3);
const ZNM6 = contractCode('ZN', 2026, 6);

const fill = (side: Side, qty: number, price: number, contract: ContractCode = ESH6, spec = ES): FillInput => ({ contract, side, qty, priceTicks: priceToTicks(price, spec.tickSize) });

function unrealizedAll(l: Ledger, marks: ReadonlyMap<ContractCode, number>, specs: ReadonlyMap<ContractCode, typeof ES>): Money {
  let u = 0;
  for (const [c, p] of l.positions) {
    const spec = specs.get(c) ?? ES;
    u += unrealizedMoney(p, priceToTicks(marks.get(c) ?? 0, spec.tickSize), spec.tickValue);
  }
  return money(u);
}

describe('FIFO PnL, exact examples', () => {
  it('long 2 ES @6000 marked at 5996 is −$400, at 5995 −$500', () => {
    const l = applyFill(ledger(usd(50_000)), fill('buy', 2, 6000), ES.tickValue).ledger;
    const pos = l.positions.get(ESH6) ?? FLAT;
    expect(unrealizedMoney(pos, priceToTicks(5996, ES.tickSize), ES.tickValue)).toBe(usd(-400));
    expect(unrealizedMoney(pos, priceToTicks(5995, ES.tickSize), ES.tickValue)).toBe(usd(-500));
    expect(openContracts(l)).toBe(2);
  });

  it('closing realizes oldest lots first', () => {
    let l = ledger(usd(50_000));
    l = applyFill(l, fill('buy', 1, 6000), ES.tickValue).ledger;
    l = applyFill(l, fill('buy', 1, 6010), ES.tickValue).ledger;
    const r = applyFill(l, fill('sell', 1, 6005), ES.tickValue);
    expect(r.realized).toBe(usd(250)); // against the 6000 lot
    const left = r.ledger.positions.get(ESH6);
    expect(left?.lots).toHaveLength(1);
    expect(left?.lots[0]?.priceTicks.cmp(priceToTicks(6010, ES.tickSize))).toBe(0);
  });

  it('a reversal closes and opens the other way in one fill', () => {
    let l = applyFill(ledger(usd(0)), fill('buy', 2, 6000), ES.tickValue).ledger;
    const r = applyFill(l, fill('sell', 3, 6001), ES.tickValue);
    expect(r.realized).toBe(usd(100));
    l = r.ledger;
    expect(l.positions.get(ESH6)?.netQty).toBe(-1);
    const pos = l.positions.get(ESH6) ?? FLAT;
    expect(unrealizedMoney(pos, priceToTicks(6000, ES.tickSize), ES.tickValue)).toBe(usd(50));
  });

  it('ZN 64ths stay exact: 1 tick = $15.625', () => {
    const l = applyFill(ledger(usd(0)), fill('buy', 3, 112.515625, ZNM6, ZN), ZN.tickValue).ledger;
    const pos = l.positions.get(ZNM6) ?? FLAT;
    expect(unrealizedMoney(pos, priceToTicks(112.53125, ZN.tickSize), ZN.tickValue)).toBe(money(3 * 156_250));
  });

  it('a re-based position at a fractional average keeps its exact price and rounds once', () => {
    // 3 contracts averaging 6000.083333… (2 @ 6000, 1 @ 6000.25) as a broker reports it.
    const avgTicks = Rational.of(72_001, 3); // 24000 + 1/3 ticks
    const pos = positionFromSnapshot(3, avgTicks);
    // At 6001: 3 × (24004 − 24000.333…) ticks = 11 ticks = $137.50, exactly.
    expect(unrealizedMoney(pos, priceToTicks(6001, ES.tickSize), ES.tickValue)).toBe(usd(137.5));
    // Closing one at 6001 realizes 3.666… ticks × $12.50 = $45.8333… → rounded once to $45.8333.
    const r = applyFillToPosition(pos, -1, priceToTicks(6001, ES.tickSize));
    expect(moneyFromRational(r.realizedTicks.mul(ES.tickValue))).toBe(money(458_333));
  });

  it('replays a day of fills from a starting position', () => {
    const start = new Map([[ESH6, positionFromSnapshot(1, priceToTicks(6000, ES.tickSize))]]);
    const realized = replayRealized(start, [fill('sell', 1, 6002), fill('buy', 1, 6001), fill('sell', 1, 6000)], () => ES.tickValue);
    expect(realized).toBe(usd(100 - 50));
  });
});

// ---- properties ---------------------------------------------------------------------------------

interface GenFill {
  readonly contract: ContractCode;
  readonly side: Side;
  readonly qty: number;
  readonly ticks: number;
}
const SPECS = new Map<ContractCode, typeof ES>([
  [ESH6, ES],
  [ZNM6, ZN],
]);
const BASE_TICKS = new Map<ContractCode, number>([
  [ESH6, 24_000],
  [ZNM6, 7_200],
]);
const base = (c: ContractCode): number => BASE_TICKS.get(c) ?? 0;
interface Marks {
  readonly es: number;
  readonly zn: number;
}
const markOf = (m: Marks, c: ContractCode): number => (c === ESH6 ? m.es : m.zn);

const genFill = fc.record({
  contract: fc.constantFrom(ESH6, ZNM6),
  side: fc.constantFrom<Side>('buy', 'sell'),
  qty: fc.integer({ min: 1, max: 7 }),
  ticks: fc.integer({ min: -400, max: 400 }),
});

function priceOf(f: { contract: ContractCode; ticks: number }): Rational {
  return Rational.of(base(f.contract) + f.ticks);
}

function runLedger(fills: readonly GenFill[], cash: Money): Ledger {
  let l = ledger(cash);
  for (const f of fills) {
    const spec = SPECS.get(f.contract) ?? ES;
    l = applyFill(l, { contract: f.contract, side: f.side, qty: f.qty, priceTicks: priceOf(f) }, spec.tickValue).ledger;
  }
  return l;
}

function unrealizedAt(l: Ledger, marks: Marks): Money {
  let u = 0;
  for (const [c, p] of l.positions) {
    const spec = SPECS.get(c) ?? ES;
    u += unrealizedMoney(p, Rational.of(base(c) + markOf(marks, c)), spec.tickValue);
  }
  return money(u);
}

describe('PnL properties', () => {
  it('realized + unrealized equals an independent cash-flow mark-to-market in exact rationals', () => {
    fc.assert(
      fc.property(fc.array(genFill, { maxLength: 40 }), fc.integer({ min: -500, max: 500 }), fc.integer({ min: -500, max: 500 }), (fills, esMark, znMark) => {
        const l = runLedger(fills, money(0));
        const marks = { es: esMark, zn: znMark };
        // Independent: every fill is a cash flow of −signedQty × price × pointValue; what is still
        // held is worth netQty × mark × pointValue. No lots, no FIFO.
        let total = Rational.ZERO;
        const net = new Map<ContractCode, number>();
        for (const f of fills) {
          const spec = SPECS.get(f.contract) ?? ES;
          const q = f.side === 'buy' ? f.qty : -f.qty;
          const price = priceOf(f).mul(spec.tickSize);
          total = total.sub(price.mul(spec.pointValue).mulInt(q));
          net.set(f.contract, (net.get(f.contract) ?? 0) + q);
        }
        for (const [c, q] of net) {
          const spec = SPECS.get(c) ?? ES;
          const mark = Rational.of(base(c) + markOf(marks, c)).mul(spec.tickSize);
          total = total.add(mark.mul(spec.pointValue).mulInt(q));
        }
        // The ledger is exact: no rounding happened, so the integers must agree to the unit.
        expect(l.cash + unrealizedAt(l, marks)).toBe(moneyFromRational(total));
        expect(total.mul(Rational.of(10_000)).den).toBe(1n);
      }),
      { numRuns: 300 },
    );
  });

  it('PnL does not depend on how a quantity is split into partial fills', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ fill: genFill, splits: fc.array(fc.integer({ min: 1, max: 6 }), { maxLength: 4 }) }), { maxLength: 25 }),
        fc.integer({ min: -500, max: 500 }),
        (items, mark) => {
          const whole = items.map((i) => i.fill);
          const split: GenFill[] = [];
          for (const { fill: f, splits } of items) {
            let left = f.qty;
            for (const s of splits) {
              if (left <= 1) break;
              const part = Math.min(s, left - 1);
              split.push({ ...f, qty: part });
              left -= part;
            }
            split.push({ ...f, qty: left });
          }
          const a = runLedger(whole, money(0));
          const b = runLedger(split, money(0));
          const marks = { es: mark, zn: -mark };
          expect(b.cash).toBe(a.cash);
          expect(unrealizedAt(b, marks)).toBe(unrealizedAt(a, marks));
          expect(openContracts(b)).toBe(openContracts(a));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a flat account has zero unrealized and holds nothing', () => {
    fc.assert(
      fc.property(fc.array(genFill, { maxLength: 30 }), fc.integer({ min: -500, max: 500 }), (fills, mark) => {
        // Close every contract at the end: the account is flat.
        const l0 = runLedger(fills, money(0));
        const closing: GenFill[] = [];
        for (const [c, p] of l0.positions) closing.push({ contract: c, side: p.netQty > 0 ? 'sell' : 'buy', qty: Math.abs(p.netQty), ticks: mark });
        const l = runLedger([...fills, ...closing], money(0));
        expect(l.positions.size).toBe(0);
        expect(openContracts(l)).toBe(0);
        expect(unrealizedAll(l, new Map(), SPECS)).toBe(0);
        // Everything is realized now: cash equals the mark-to-market of the open book at that mark.
        expect(l.cash).toBe(l0.cash + unrealizedAt(l0, { es: mark, zn: mark }));
      }),
      { numRuns: 200 },
    );
  });

  it('lots always carry the sign of the net position and sum to it', () => {
    fc.assert(
      fc.property(fc.array(genFill, { maxLength: 40 }), (fills) => {
        const l = runLedger(fills, money(0));
        for (const p of l.positions.values()) {
          expect(p.netQty).not.toBe(0);
          expect(p.lots.reduce((s, x) => s + x.qty, 0)).toBe(p.netQty);
          for (const lot of p.lots) expect(Math.sign(lot.qty)).toBe(Math.sign(p.netQty));
        }
      }),
    );
  });
});

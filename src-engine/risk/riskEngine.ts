/**
 * The risk engine of copy-semantics §7: orchestration only. PnL (pnl.ts), rules (rules.ts) and
 * trading days (tradingDay.ts) are pure functions; this class holds each account's ledger and
 * figures, feeds them through those functions on every fill, quote, snapshot and day roll, keeps
 * locks in the store, and tells the runtime what to do through `onAction`.
 *
 * Guarantees the runtime relies on:
 * - A breach (dailyLoss, trailingDrawdown) opens ONE lock per account and asks for a flatten; it
 *   stays until `unlock` succeeds, across restarts (the store holds it).
 * - Soft locks (dailyProfitTarget, consistency, session) block entries and end at the next 17:00 CT
 *   roll or by unlock; only the session rule asks for a flatten.
 * - Fail closed: an account with a PnL rule whose PnL cannot be known (no snapshot yet, connection
 *   down, a held contract without a price) has entryGate 'riskUnknown'.
 * - Actions are emitted after the state that caused them is consistent and stored, never from the
 *   constructor, and re-entrant calls from `onAction` are queued behind the current one.
 */
import { randomUUID } from 'node:crypto';
import type { RiskRulesInput } from '../api/config';
import type { Clock } from '../domain/clock';
import type { Logger } from '../domain/log';
import { formatMoney, money, type Money } from '../domain/money';
import { Rational } from '../domain/rational';
import { Refusal } from '../domain/refusal';
import { balanceDrift, conservativeCash, type BalanceDrift } from './balanceDrift';
import { compileFeeSchedule, feeOfFill, type FeeSchedule, type FeeSource, type FillFee } from './fees';
import { appendDayFill, appendPathPoint, compareLocks, endLock, type LockFill, type LockRecord, type PathPoint } from './locks';
import {
  applyFill,
  FLAT,
  ledger,
  openContracts,
  positionFromSnapshot,
  priceToTicks,
  realizedOfDay,
  unrealizedMoney,
  type ContractPosition,
  type FillInput,
  type HeldPosition,
  type Ledger,
} from './pnl';
import { rootOfContract, type ContractCode, type RiskCatalog, type RiskProduct } from './product';
import type { LockFilter, PersistedRiskState, RiskStore } from './riskStore';
import {
  checkPnlRule,
  checkSession,
  consistencyThreshold,
  compileRules,
  evaluatePnlRules,
  hasPnlRules,
  nextHighWaterMark,
  resetText,
  sessionFlattenTime,
  trailingThreshold,
  validateRules,
  type CompiledRules,
  type LockRule,
  type RiskFigures,
  type RuleFinding,
} from './rules';
import { nextRollAt, tradingDayEnd, tradingDayOf, tradingDayStart } from '../domain/tradingDay';

export type { ContractCode } from './product';

export interface RiskGate {
  /** An open breach lock: no copies at all. */
  readonly hardLocked: boolean;
  /** Orders that open or grow a position are held back. */
  readonly entryGate: 'softLock' | 'riskUnknown' | undefined;
  /** The contract cap, a clamp the copier applies (not a lock). */
  readonly maxContracts: number | undefined;
}

export type RiskAction =
  | { readonly kind: 'lockStarted'; readonly lock: LockRecord; /** cancel working orders and flatten the account now */ readonly flatten: boolean }
  | { readonly kind: 'lockEnded'; readonly lock: LockRecord }
  | { readonly kind: 'riskUnknown'; readonly accountId: string; readonly unknown: boolean; readonly reason?: string }
  /** Gauges moved (UI refresh); at most one per account per `changedIntervalMs`. */
  | { readonly kind: 'changed'; readonly accountId: string };

export interface RiskFill {
  readonly fillId: string;
  readonly contract: ContractCode;
  readonly side: 'buy' | 'sell';
  readonly qty: number;
  readonly price: number;
  readonly time: number;
  /** The broker's figure for this fill's fees, when it gave one with the fill. */
  readonly fees?: Money | undefined;
}

export interface RiskSnapshot {
  /** Broker cash balance, today's realized PnL included. */
  readonly balance: Money;
  readonly positions: readonly { readonly contract: ContractCode; readonly netPos: number; readonly avgPrice?: number }[];
  /** Today's fills already included in that balance. */
  readonly fills: readonly RiskFill[];
}

export type GaugeRule = 'dailyLoss' | 'trailingDrawdown' | 'maxContracts' | 'dailyProfitTarget' | 'consistency';

export interface RiskGauge {
  readonly rule: GaugeRule;
  readonly label: string;
  /** Money units for money rules, contracts for maxContracts. */
  readonly unit: 'money' | 'contracts';
  readonly value: number;
  readonly limit: number;
  /** 0..1 toward the limit. */
  readonly use: number;
}

export interface RiskView {
  readonly accountId: string;
  readonly tradingDay: string;
  readonly nextRollAt: number;
  /** False when the figures are the last known ones (or none): see riskUnknown. */
  readonly live: boolean;
  readonly riskUnknown: string | undefined;
  readonly cash: Money | undefined;
  readonly unrealized: Money | undefined;
  readonly netLiq: Money | undefined;
  readonly dayStartNetLiq: Money | undefined;
  readonly dayPnl: Money | undefined;
  readonly highWaterMark: Money | undefined;
  readonly trailingThreshold: Money | undefined;
  readonly openContracts: number;
  readonly positions: readonly { readonly contract: ContractCode; readonly netPos: number }[];
  readonly rules: RiskRulesInput;
  readonly gauges: readonly RiskGauge[];
  readonly sessionFlattenAt: number | undefined;
  readonly openLocks: readonly LockRecord[];
  readonly gate: RiskGate;
  readonly fees: FeesView;
  readonly drift: BalanceDrift | undefined;
}

/** Fees counted today and where their figure comes from (the latest fill's source). */
export interface FeesView {
  readonly today: Money;
  /** Undefined before the day's first fill: then `schedule` says what would be used without the broker's figure. */
  readonly source: FeeSource | undefined;
  readonly schedule: 'preset' | 'account' | undefined;
  readonly preset: string | undefined;
}

/** Live figures of one account; undefined where not known yet. */
export interface RiskNumbers {
  readonly dayPnl: Money | undefined;
  readonly netLiq: Money | undefined;
  readonly highWaterMark: Money | undefined;
  readonly trailingThreshold: Money | undefined;
  readonly openContracts: number;
  readonly riskUnknown: string | undefined;
  readonly fees: FeesView;
  /** The broker's balance and the engine's, while they differ by more than a cent. */
  readonly drift: BalanceDrift | undefined;
  /** The day PnL at which the consistency rule locks now (it moves with the account's history). */
  readonly consistencyThreshold: Money | undefined;
  /** The last broker snapshot whose balance differed from the engine's cash; the broker's was taken. */
  readonly snapshotDrift: (BalanceDrift & { readonly at: number }) | undefined;
}

export interface RiskEngineDeps {
  readonly catalog: RiskCatalog;
  readonly clock: Clock;
  readonly store: RiskStore;
  readonly log: Logger;
  readonly onAction: (a: RiskAction) => void;
  /** Lock ids; random UUIDs by default. */
  readonly newId?: () => string;
  /** Minimum clock time between two `changed` actions of one account; default 250 ms. */
  readonly changedIntervalMs?: number;
  /** How long the day's evidence may stay unwritten; default 5 s (locks write it at once). */
  readonly dayLogFlushMs?: number;
}

const NO_FEES: FeesView = Object.freeze({ today: money(0), source: undefined, schedule: undefined, preset: undefined });

const OPEN_GATE: RiskGate = Object.freeze({ hardLocked: false, entryGate: undefined, maxContracts: undefined });

interface Mark {
  readonly price: number;
  readonly ticks: Rational;
  readonly time: number;
}

interface Figures extends RiskFigures {
  /** The cash the figures use: the engine's, or the broker's while that is lower (balanceDrift.ts). */
  readonly cash: Money;
  readonly unrealized: Money;
}

interface AccountRt {
  readonly id: string;
  input: RiskRulesInput;
  rules: CompiledRules;
  pnlRules: boolean;
  connected: boolean;
  /** A broker snapshot has been applied in this process: the ledger is real. */
  rebased: boolean;
  ledger: Ledger;
  feeSchedule: FeeSchedule | undefined;
  /** Fee counted per fill id (this and the previous trading day), so a later broker figure can replace an estimate. */
  feeOf: Map<string, FillFee>;
  /** Broker fee figures that arrived before their fill. */
  readonly earlyFees: Map<string, Money>;
  /** Fees in today's figures. */
  dayFees: Money;
  lastFeeSource: FeeSource | undefined;
  /**
   * The broker's latest cash balance (snapshot or balance event), while it is newer than the last
   * fill the engine applied. A fill makes it stale: the broker's figure for that fill is on its way
   * (a balance event follows each fill that moves cash), and comparing before it arrives would see
   * a drift that is only latency. A fee event does not: it is already in the broker's balance.
   */
  brokerCash: Money | undefined;
  /** The last snapshot whose balance differed from the engine's own cash (the broker's was taken). */
  snapshotDrift: (BalanceDrift & { readonly at: number }) | undefined;
  /** Unrealized PnL per held contract at its latest mark; undefined until the contract has a price. */
  readonly unrealized: Map<ContractCode, Money | undefined>;
  /** Held contracts whose entry is unknown (no average price, unknown product) until the next snapshot. */
  unknownEntry: Set<ContractCode>;
  state: PersistedRiskState | undefined;
  /** The stored day figures belong to an earlier trading day: recomputed from the next snapshot. */
  dayStartPending: boolean;
  fills: LockFill[];
  fillsOmitted: number;
  path: PathPoint[];
  dayLogDirty: boolean;
  /** Fill ids of this and the previous trading day, for dedupe. */
  seen: Set<string>;
  seenBefore: Set<string>;
  sessionFiredFor: number | undefined;
  cancelSessionTimer: (() => void) | undefined;
  gate: RiskGate;
  unknownReason: string | undefined;
  lastFigures: Figures | undefined;
  changedAt: number | undefined;
  cancelChangedTimer: (() => void) | undefined;
}

export class RiskEngine {
  private readonly accounts = new Map<string, AccountRt>();
  /** Open locks by account, including accounts not (or no longer) registered. */
  private readonly open = new Map<string, LockRecord[]>();
  private readonly marks = new Map<ContractCode, Mark>();
  private readonly specs = new Map<ContractCode, RiskProduct | null>();
  private readonly pending: RiskAction[] = [];
  private depth = 0;
  private flushing = false;
  private disposed = false;
  private day: string;
  private dayStartMs: number;
  private nextRoll: number;
  private cancelRollTimer: (() => void) | undefined;
  private cancelFlushTimer: (() => void) | undefined;
  private readonly newId: () => string;
  private readonly changedIntervalMs: number;
  private readonly dayLogFlushMs: number;

  constructor(private readonly deps: RiskEngineDeps) {
    this.newId = deps.newId ?? randomUUID;
    this.changedIntervalMs = deps.changedIntervalMs ?? 250;
    this.dayLogFlushMs = deps.dayLogFlushMs ?? 5000;
    const now = deps.clock.now();
    this.day = tradingDayOf(now);
    this.dayStartMs = tradingDayStart(this.day);
    this.nextRoll = nextRollAt(now);
    for (const l of deps.store.openLocks()) {
      // A soft lock of an earlier day lapsed at that day's roll while the engine was down. Nobody
      // has been told it is open in this process, so it ends quietly (no action from a constructor).
      if (l.kind === 'soft' && l.tradingDay !== this.day) {
        this.save(() => deps.store.saveLock(endLock(l, tradingDayEnd(l.tradingDay), 'dayRoll')));
        continue;
      }
      this.openList(l.accountId).push(l);
    }
    this.armRoll();
  }

  // ---- accounts -------------------------------------------------------------------------------

  /** Registers or updates an account. Throws Refusal naming the field on invalid rules. */
  setAccount(accountId: string, rules: RiskRulesInput): void {
    this.run(() => {
      const existing = this.accounts.get(accountId);
      const state = existing ? existing.state : this.deps.store.loadAccountState(accountId);
      const balance = existing?.lastFigures?.netLiq ?? state?.lastNetLiq;
      const { rules: valid, issues } = validateRules(rules, {
        ...(balance !== undefined ? { balance } : {}),
        ...(state ? { startBalance: state.startBalance } : {}),
      });
      if (!valid) throw new Refusal(issues);
      const compiled = compileRules(valid);
      const a = existing ?? this.newAccount(accountId, state);
      a.input = valid;
      a.rules = compiled;
      a.feeSchedule = compileFeeSchedule(valid.fees);
      a.pnlRules = hasPnlRules(compiled);
      this.armSession(a);
      this.evaluate(a, true);
    });
  }

  /** Forgets an account's runtime; its stored state and locks stay (a removed account keeps its history and locks). */
  removeAccount(accountId: string): void {
    this.run(() => {
      const a = this.accounts.get(accountId);
      if (!a) return;
      this.persistState(a);
      this.flushDayLog(a);
      a.cancelSessionTimer?.();
      a.cancelChangedTimer?.();
      this.accounts.delete(accountId);
    });
  }

  /** After every (re)connect: the broker's balance, positions and today's fills (already in that balance). */
  rebase(accountId: string, snapshot: RiskSnapshot): void {
    this.run(() => {
      const a = this.accounts.get(accountId);
      if (!a) return;
      const now = this.deps.clock.now();
      const positions = new Map<ContractCode, ContractPosition>();
      const unknownEntry = new Set<ContractCode>();
      const held: HeldPosition[] = [];
      for (const p of snapshot.positions) {
        if (p.netPos === 0) continue;
        const spec = this.spec(p.contract);
        const avgTicks = spec && p.avgPrice !== undefined && Number.isFinite(p.avgPrice) ? priceToTicks(p.avgPrice, spec.tickSize) : undefined;
        let pos: ContractPosition;
        if (avgTicks) pos = positionFromSnapshot(p.netPos, avgTicks);
        else {
          // Without an average price the open PnL is unknown, unless this is the same position we
          // already hold lots for (a reconnect); otherwise fail closed until the next snapshot.
          const prev = a.ledger.positions.get(p.contract);
          if (spec && prev && prev.netQty === p.netPos && !a.unknownEntry.has(p.contract)) pos = prev;
          else {
            pos = positionFromSnapshot(p.netPos, this.marks.get(p.contract)?.ticks ?? Rational.ZERO);
            unknownEntry.add(p.contract);
          }
        }
        positions.set(p.contract, pos);
        held.push({ contract: p.contract, netQty: p.netPos, avgTicks });
      }
      // The engine's own cash against the broker's, when the snapshot holds no fill the engine has
      // not already counted: then any difference is the broker's alone (an adjustment, a fee the
      // engine never heard of). The broker's figure is taken either way; the difference is kept to show.
      const unseen = snapshot.fills.some((f) => !a.seen.has(f.fillId) && !a.seenBefore.has(f.fillId));
      const atSnapshot = a.rebased && !unseen ? balanceDrift(a.ledger.cash, snapshot.balance) : undefined;
      if (atSnapshot) {
        a.snapshotDrift = { ...atSnapshot, at: now };
        this.deps.log.warn('risk: the broker snapshot\'s balance differs from the engine\'s; the broker\'s is taken', { accountId, broker: formatMoney(atSnapshot.broker), engine: formatMoney(atSnapshot.engine) });
      }
      a.ledger = ledger(snapshot.balance, positions);
      a.brokerCash = snapshot.balance;
      a.unknownEntry = unknownEntry;
      a.unrealized.clear();
      for (const c of positions.keys()) this.recomputeUnrealized(a, c);

      const dayFills = snapshot.fills.filter((f) => f.time >= this.dayStartMs).sort((x, y) => x.time - y.time);
      for (const f of snapshot.fills) {
        a.seen.add(f.fillId);
        if (!a.feeOf.has(f.fillId) || f.fees !== undefined) a.feeOf.set(f.fillId, this.feeFor(a, f));
      }
      // The broker's balance is net of the day's fees already: they are counted, not charged again.
      let feesToday = 0;
      for (const f of dayFills) feesToday += a.feeOf.get(f.fillId)?.fees ?? 0;
      a.dayFees = money(feesToday);
      const lastDayFill = dayFills[dayFills.length - 1];
      if (lastDayFill) a.lastFeeSource = a.feeOf.get(lastDayFill.fillId)?.source;
      if (!a.state || a.dayStartPending || a.state.tradingDay !== this.day) {
        // First sight of the account this trading day: the day started at the balance minus what
        // today's fills realized (the broker's balance already contains them).
        const inputs: FillInput[] = [];
        for (const f of dayFills) {
          const spec = this.spec(f.contract);
          if (spec) inputs.push({ contract: f.contract, side: f.side, qty: f.qty, priceTicks: priceToTicks(f.price, spec.tickSize) });
        }
        const realizedToday = realizedOfDay(held, inputs, (c) => this.spec(c)?.tickValue ?? Rational.ZERO);
        const dayStart = money(snapshot.balance - realizedToday + a.dayFees);
        if (!a.state) {
          // The high-water mark starts at the balance when the account is first seen.
          a.state = { version: 1, tradingDay: this.day, startBalance: snapshot.balance, dayStartNetLiq: dayStart, highWaterMark: snapshot.balance, lastNetLiq: snapshot.balance, sessionFiredFor: a.sessionFiredFor, updatedAt: now };
        } else {
          // The engine was down at one or more rolls: the balance the day started with is the best
          // close we know of for an end-of-day high-water mark.
          const mode = a.rules.trailingDrawdown?.mode ?? 'endOfDay';
          a.state = { ...a.state, tradingDay: this.day, dayStartNetLiq: dayStart, highWaterMark: nextHighWaterMark(a.state.highWaterMark, dayStart, mode, 'roll'), lastNetLiq: dayStart, updatedAt: now };
        }
        a.dayStartPending = false;
        this.resetDayLog(a, this.dayStartMs, dayStart);
        this.persistState(a);
      }
      const known = new Set(a.fills.map((f) => f.fillId));
      for (const f of dayFills) {
        if (known.has(f.fillId)) continue;
        a.fillsOmitted += appendDayFill(a.fills, { fillId: f.fillId, contract: f.contract, side: f.side, qty: f.qty, price: f.price, time: f.time, realized: undefined, fees: a.feeOf.get(f.fillId)?.fees });
        a.dayLogDirty = true;
      }
      a.fills.sort((x, y) => x.time - y.time);
      a.rebased = true;
      this.scheduleDayLogFlush();
      this.evaluate(a, true);
    });
  }

  /** A fill on an account (leader or follower). Duplicates (same fillId) are ignored. */
  onFill(accountId: string, fill: RiskFill): void {
    this.run(() => {
      const a = this.accounts.get(accountId);
      if (!a || a.seen.has(fill.fillId) || a.seenBefore.has(fill.fillId)) return;
      if (!Number.isSafeInteger(fill.qty) || fill.qty <= 0 || !Number.isFinite(fill.price)) {
        this.deps.log.warn('risk: ignoring a malformed fill', { accountId, fillId: fill.fillId, qty: fill.qty, price: fill.price });
        return;
      }
      a.seen.add(fill.fillId);
      let realized: Money | undefined;
      const spec = this.spec(fill.contract);
      const early = a.earlyFees.get(fill.fillId);
      a.earlyFees.delete(fill.fillId);
      const fee = this.feeFor(a, early !== undefined && fill.fees === undefined ? { ...fill, fees: early } : fill);
      a.feeOf.set(fill.fillId, fee);
      if (a.rebased) {
        if (spec) {
          const r = applyFill(a.ledger, { contract: fill.contract, side: fill.side, qty: fill.qty, priceTicks: priceToTicks(fill.price, spec.tickSize) }, spec.tickValue);
          a.ledger = { ...r.ledger, cash: money(r.ledger.cash - fee.fees) };
          a.brokerCash = undefined;
          // Closing lots whose entry is unknown realizes an unknown amount: not reported.
          if (!a.unknownEntry.has(fill.contract)) realized = r.realized;
        } else {
          // Unknown product: its PnL cannot be computed; fail closed until the next snapshot.
          a.unknownEntry.add(fill.contract);
        }
        this.recomputeUnrealized(a, fill.contract);
      }
      // Before the first snapshot the fill is only evidence: the snapshot's balance will contain it.
      if (fill.time >= this.dayStartMs) {
        if (a.rebased) a.dayFees = money(a.dayFees + fee.fees);
        a.lastFeeSource = fee.source;
        a.fillsOmitted += appendDayFill(a.fills, { fillId: fill.fillId, contract: fill.contract, side: fill.side, qty: fill.qty, price: fill.price, time: fill.time, realized, fees: fee.fees });
        a.dayLogDirty = true;
        this.scheduleDayLogFlush();
      }
      this.evaluate(a, true);
    });
  }

  /**
   * The broker's fees for a fill delivered without them (Tradovate's fillFee). They replace what
   * was counted for it (a schedule's estimate, or nothing); a fee for a fill not seen yet waits for it.
   */
  onFee(accountId: string, fillId: string, fees: Money): void {
    this.run(() => {
      const a = this.accounts.get(accountId);
      if (!a) return;
      const counted = a.feeOf.get(fillId);
      if (!counted) {
        a.earlyFees.set(fillId, fees);
        return;
      }
      if (counted.source === 'broker' && counted.fees === fees) return;
      a.feeOf.set(fillId, { fees, source: 'broker' });
      const delta = fees - counted.fees;
      if (a.rebased) {
        a.ledger = { ...a.ledger, cash: money(a.ledger.cash - delta) };
        if (a.fills.some((f) => f.fillId === fillId)) a.dayFees = money(a.dayFees + delta);
      }
      const i = a.fills.findIndex((f) => f.fillId === fillId);
      const old = a.fills[i];
      if (old) {
        a.fills[i] = { ...old, fees };
        a.dayLogDirty = true;
        a.lastFeeSource = 'broker';
      }
      this.evaluate(a, true);
    });
  }

  /** The broker's cash balance as it reports it live: compared with the engine's own (balanceDrift.ts). */
  onBalance(accountId: string, balance: Money): void {
    this.run(() => {
      const a = this.accounts.get(accountId);
      if (!a || a.brokerCash === balance) return;
      const before = balanceDrift(a.ledger.cash, a.brokerCash);
      a.brokerCash = balance;
      const after = balanceDrift(a.ledger.cash, a.brokerCash);
      if (after && !before) this.deps.log.warn('risk: broker balance differs from the engine\'s', { accountId, broker: formatMoney(after.broker), engine: formatMoney(after.engine) });
      this.evaluate(a, true);
    });
  }

  /** A price for a contract; every account holding it is re-evaluated. Older quotes than the last are ignored. */
  onQuote(contract: ContractCode, price: number, time: number): void {
    this.run(() => {
      if (!Number.isFinite(price)) return;
      const spec = this.spec(contract);
      if (!spec) return;
      const prev = this.marks.get(contract);
      if (prev && time < prev.time) return;
      if (prev?.price === price) {
        this.marks.set(contract, { ...prev, time });
        return;
      }
      this.marks.set(contract, { price, ticks: priceToTicks(price, spec.tickSize), time });
      for (const a of this.accounts.values()) {
        if (!a.ledger.positions.has(contract)) continue;
        this.recomputeUnrealized(a, contract);
        this.evaluate(a, false);
      }
    });
  }

  setConnected(accountId: string, connected: boolean): void {
    this.run(() => {
      const a = this.accounts.get(accountId);
      if (!a || a.connected === connected) return;
      a.connected = connected;
      this.evaluate(a, true);
    });
  }

  // ---- reads ----------------------------------------------------------------------------------

  /** Hot path: O(1), no allocation (the gate object is replaced only when it changes). */
  gate(accountId: string): RiskGate {
    const a = this.accounts.get(accountId);
    if (a) return a.gate;
    // Not registered: still locked if a stored lock says so (fail closed).
    const list = this.open.get(accountId);
    return list && list.length > 0 ? computeGate(list, undefined, undefined) : OPEN_GATE;
  }

  /** Open locks of an account, breach first. */
  openLocks(accountId: string): readonly LockRecord[] {
    return [...(this.open.get(accountId) ?? [])].sort(compareLocks);
  }

  locks(filter: LockFilter = {}): LockRecord[] {
    return this.deps.store.locks(filter);
  }

  lock(id: string): LockRecord | undefined {
    return this.deps.store.lock(id);
  }

  view(accountId: string): RiskView {
    const a = this.accounts.get(accountId);
    const openLocks = this.openLocks(accountId);
    if (!a) {
      return {
        accountId, tradingDay: this.day, nextRollAt: this.nextRoll, live: false, riskUnknown: 'account not registered',
        cash: undefined, unrealized: undefined, netLiq: undefined, dayStartNetLiq: undefined, dayPnl: undefined,
        highWaterMark: undefined, trailingThreshold: undefined, openContracts: 0, positions: [], rules: {}, gauges: [],
        sessionFlattenAt: undefined, openLocks, gate: this.gate(accountId), fees: NO_FEES, drift: undefined,
      };
    }
    const live = this.figures(a);
    const f = live ?? this.lastKnownFigures(a);
    const td = a.rules.trailingDrawdown;
    const threshold = f && td ? trailingThreshold(f.highWaterMark, td) : undefined;
    const contracts = openContracts(a.ledger);
    return {
      accountId,
      tradingDay: this.day,
      nextRollAt: this.nextRoll,
      live: live !== undefined && a.connected,
      riskUnknown: a.unknownReason,
      cash: f?.cash,
      unrealized: f?.unrealized,
      netLiq: f?.netLiq,
      dayStartNetLiq: a.state && !a.dayStartPending ? a.state.dayStartNetLiq : undefined,
      dayPnl: f?.dayPnl,
      highWaterMark: f?.highWaterMark ?? a.state?.highWaterMark,
      trailingThreshold: threshold,
      openContracts: contracts,
      positions: [...a.ledger.positions].map(([contract, p]) => ({ contract, netPos: p.netQty })),
      rules: a.input,
      gauges: gauges(a.rules, f, contracts),
      sessionFlattenAt: sessionFlattenTime(a.rules, this.day),
      openLocks,
      gate: a.gate,
      fees: this.feesView(a),
      drift: a.rebased ? balanceDrift(a.ledger.cash, a.brokerCash) : undefined,
    };
  }

  /** The live numbers behind the gauges (runtime views); cheaper than view(). */
  numbers(accountId: string): RiskNumbers {
    const a = this.accounts.get(accountId);
    if (!a) return { dayPnl: undefined, netLiq: undefined, highWaterMark: undefined, trailingThreshold: undefined, openContracts: 0, riskUnknown: undefined, fees: NO_FEES, drift: undefined, consistencyThreshold: undefined, snapshotDrift: undefined };
    const f = this.figures(a) ?? this.lastKnownFigures(a);
    const td = a.rules.trailingDrawdown;
    return {
      dayPnl: f?.dayPnl,
      netLiq: f?.netLiq,
      highWaterMark: f?.highWaterMark ?? a.state?.highWaterMark,
      trailingThreshold: f && td ? trailingThreshold(f.highWaterMark, td) : undefined,
      openContracts: openContracts(a.ledger),
      riskUnknown: a.unknownReason,
      fees: this.feesView(a),
      drift: a.rebased ? balanceDrift(a.ledger.cash, a.brokerCash) : undefined,
      consistencyThreshold: f && a.rules.consistency ? consistencyThreshold(a.rules.consistency, f) : undefined,
      snapshotDrift: a.snapshotDrift,
    };
  }

  private feesView(a: AccountRt): FeesView {
    return { today: a.dayFees, source: a.lastFeeSource, schedule: a.feeSchedule?.source, preset: a.feeSchedule?.preset };
  }

  private feeFor(a: AccountRt, fill: { readonly contract: ContractCode; readonly qty: number; readonly fees?: Money | undefined }): FillFee {
    return feeOfFill(fill, a.feeSchedule);
  }

  /** Open positions priced for the views: entry from the lots, the latest mark, open PnL. */
  openPositions(accountId: string): { contract: ContractCode; netPos: number; avgPrice: number | undefined; mark: number | undefined; openPnl: Money | undefined }[] {
    const a = this.accounts.get(accountId);
    if (!a) return [];
    return [...a.ledger.positions].map(([contract, p]) => {
      const spec = this.spec(contract);
      const entryKnown = spec !== undefined && !a.unknownEntry.has(contract) && p.netQty !== 0;
      return {
        contract,
        netPos: p.netQty,
        avgPrice: entryKnown ? p.costTicks.div(Rational.of(p.netQty)).mul(spec.tickSize).toNumber() : undefined,
        mark: this.marks.get(contract)?.price,
        openPnl: entryKnown ? a.unrealized.get(contract) : undefined,
      };
    });
  }

  /** The trading day's last `limit` fills (oldest first), with what each realized. */
  dayFills(accountId: string, limit: number): readonly LockFill[] {
    const fills = this.accounts.get(accountId)?.fills ?? [];
    return fills.slice(Math.max(0, fills.length - limit));
  }

  // ---- unlock ---------------------------------------------------------------------------------

  /**
   * Lifts a lock (or every open lock of the account) after review. Refused while its rule still
   * holds, with the numbers and when the rule resets. Records when and what the user typed.
   */
  unlock(accountId: string, acknowledgement: string, lockId?: string): { ok: true; lock: LockRecord } | { ok: false; message: string } {
    const stopped = { ok: false as const, message: 'the risk engine is stopped' };
    return this.run(() => {
      const list = this.openLocks(accountId);
      const targets = lockId !== undefined ? list.filter((l) => l.id === lockId) : list;
      if (targets.length === 0) {
        return { ok: false as const, message: lockId !== undefined ? `account ${accountId} has no open lock ${lockId}` : `account ${accountId} has no open lock` };
      }
      const text = acknowledgement.trim();
      if (text === '') return { ok: false as const, message: 'type the acknowledgement to unlock' };
      const a = this.accounts.get(accountId);
      const now = this.deps.clock.now();
      const reasons: string[] = [];
      for (const l of targets) {
        const why = this.stillHolds(a, l.rule, now);
        if (why !== undefined) reasons.push(why);
      }
      if (reasons.length > 0) return { ok: false as const, message: reasons.join(' ') };
      const ended = targets.map((l) => endLock(l, now, 'unlocked', text));
      this.save(() => this.deps.store.transaction(() => ended.forEach((l) => this.deps.store.saveLock(l))));
      this.open.set(accountId, (this.open.get(accountId) ?? []).filter((l) => !targets.some((t) => t.id === l.id)));
      for (const l of ended) {
        this.deps.log.info('risk lock lifted by the user', { accountId, lockId: l.id, rule: l.rule });
        this.pending.push({ kind: 'lockEnded', lock: l });
      }
      if (a) this.evaluate(a, true);
      const first = ended[0];
      if (!first) return { ok: false as const, message: 'nothing to unlock' };
      return { ok: true as const, lock: first };
    }) ?? stopped;
  }

  dispose(): void {
    if (this.disposed) return;
    for (const a of this.accounts.values()) {
      this.persistState(a);
      this.flushDayLog(a);
      a.cancelSessionTimer?.();
      a.cancelChangedTimer?.();
    }
    this.cancelRollTimer?.();
    this.cancelFlushTimer?.();
    this.pending.length = 0;
    this.disposed = true;
  }

  // ---- internals: running, rolling ------------------------------------------------------------

  /** Every entry point: catch up a roll the timer has not delivered yet, then emit actions once state is consistent. */
  private run<T>(fn: () => T): T | undefined {
    if (this.disposed) return undefined;
    this.depth++;
    try {
      this.catchUpRoll();
      return fn();
    } finally {
      this.depth--;
      if (this.depth === 0) this.flush();
    }
  }

  private flush(): void {
    if (this.flushing) return;
    this.flushing = true;
    try {
      for (let a = this.pending.shift(); a !== undefined; a = this.pending.shift()) {
        try {
          this.deps.onAction(a);
        } catch (err) {
          this.deps.log.error('risk: action handler failed', { kind: a.kind, error: err instanceof Error ? err.message : String(err) });
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private armRoll(): void {
    this.cancelRollTimer?.();
    this.cancelRollTimer = this.deps.clock.at(this.nextRoll, () => {
      this.cancelRollTimer = undefined;
      this.run(() => undefined);
    });
  }

  /** Rolls the trading day if the clock has passed 17:00 CT (several days at once after a long jump). */
  private catchUpRoll(): void {
    const now = this.deps.clock.now();
    if (now < this.nextRoll) return;
    this.day = tradingDayOf(now);
    this.dayStartMs = tradingDayStart(this.day);
    this.nextRoll = nextRollAt(now);
    this.armRoll();
    for (const accountId of [...this.open.keys()]) this.endSoftLocks(accountId, now);
    for (const a of this.accounts.values()) this.rollAccount(a, now);
  }

  /** Day start := net liq now (open positions carry their unrealized into the new day), end-of-day HWM, fresh day log. */
  private rollAccount(a: AccountRt, now: number): void {
    a.seenBefore = a.seen;
    a.seen = new Set();
    a.dayFees = money(0);
    a.lastFeeSource = undefined;
    // Fees of the previous day's fills stay known (a late broker figure still corrects cash).
    for (const id of a.feeOf.keys()) if (!a.seenBefore.has(id)) a.feeOf.delete(id);
    if (a.state && a.state.tradingDay !== this.day) {
      if (a.rebased && !a.dayStartPending) {
        const closing = this.figures(a)?.netLiq ?? a.state.lastNetLiq;
        const mode = a.rules.trailingDrawdown?.mode ?? 'endOfDay';
        const closedDay = closing - a.state.dayStartNetLiq;
        const winningDaysProfit = money((a.state.winningDaysProfit ?? 0) + Math.max(0, closedDay));
        a.state = { ...a.state, tradingDay: this.day, dayStartNetLiq: closing, highWaterMark: nextHighWaterMark(a.state.highWaterMark, closing, mode, 'roll'), lastNetLiq: closing, updatedAt: now, winningDaysProfit };
        this.resetDayLog(a, now, closing);
        this.persistState(a);
        this.flushDayLog(a);
      } else {
        a.dayStartPending = true;
      }
    }
    this.armSession(a);
    this.evaluate(a, true);
  }

  private endSoftLocks(accountId: string, now: number): void {
    const list = this.open.get(accountId);
    if (!list) return;
    const lapsed = list.filter((l) => l.kind === 'soft' && l.tradingDay !== this.day);
    if (lapsed.length === 0) return;
    this.open.set(accountId, list.filter((l) => !lapsed.includes(l)));
    for (const l of lapsed) {
      const ended = endLock(l, now, 'dayRoll');
      this.save(() => this.deps.store.saveLock(ended));
      this.pending.push({ kind: 'lockEnded', lock: ended });
    }
  }

  // ---- internals: evaluation -------------------------------------------------------------------

  private newAccount(accountId: string, state: PersistedRiskState | undefined): AccountRt {
    const a: AccountRt = {
      id: accountId,
      input: {},
      rules: compileRules({}),
      pnlRules: false,
      connected: false,
      rebased: false,
      ledger: ledger(state?.lastNetLiq ?? money(0)),
      feeSchedule: undefined,
      feeOf: new Map(),
      earlyFees: new Map(),
      dayFees: money(0),
      lastFeeSource: undefined,
      brokerCash: undefined,
      snapshotDrift: undefined,
      unrealized: new Map(),
      unknownEntry: new Set(),
      state,
      dayStartPending: state !== undefined && state.tradingDay !== this.day,
      fills: [],
      fillsOmitted: 0,
      path: [],
      dayLogDirty: false,
      seen: new Set(),
      seenBefore: new Set(),
      sessionFiredFor: state?.sessionFiredFor,
      cancelSessionTimer: undefined,
      gate: OPEN_GATE,
      unknownReason: undefined,
      lastFigures: undefined,
      changedAt: undefined,
      cancelChangedTimer: undefined,
    };
    const log = this.deps.store.loadDayLog(accountId);
    if (log && state && !a.dayStartPending && log.tradingDay === this.day) {
      a.fills = [...log.fills];
      a.fillsOmitted = log.fillsOmitted;
      a.path = [...log.pnlPath];
      for (const f of a.fills) a.seen.add(f.fillId);
    }
    this.accounts.set(accountId, a);
    return a;
  }

  private spec(contract: ContractCode): RiskProduct | undefined {
    const cached = this.specs.get(contract);
    if (cached !== undefined) return cached ?? undefined;
    let found: RiskProduct | null = null;
    try {
      found = this.deps.catalog.require(rootOfContract(contract));
    } catch (err) {
      this.deps.log.error('risk: unknown product, its PnL cannot be computed', { contract, error: err instanceof Error ? err.message : String(err) });
    }
    this.specs.set(contract, found);
    return found ?? undefined;
  }

  private recomputeUnrealized(a: AccountRt, contract: ContractCode): void {
    const pos = a.ledger.positions.get(contract) ?? FLAT;
    if (pos.netQty === 0) {
      a.unrealized.delete(contract);
      return;
    }
    const mark = this.marks.get(contract);
    const spec = this.spec(contract);
    a.unrealized.set(contract, mark && spec ? unrealizedMoney(pos, mark.ticks, spec.tickValue) : undefined);
  }

  /** Live figures, or undefined when PnL cannot be known exactly now. */
  private figures(a: AccountRt): Figures | undefined {
    const s = a.state;
    if (!s || a.dayStartPending || !a.rebased || a.unknownEntry.size > 0) return undefined;
    let unrealized = 0;
    for (const u of a.unrealized.values()) {
      if (u === undefined) return undefined;
      unrealized += u;
    }
    const cash = conservativeCash(a.ledger.cash, a.brokerCash);
    const netLiq = money(cash + unrealized);
    // The high-water mark is kept from first sight even without a trailing rule (so adding one
    // later has a history); without a rule it moves end-of-day style, like a broker's balance high.
    const mode = a.rules.trailingDrawdown?.mode ?? 'endOfDay';
    return {
      cash,
      unrealized: money(unrealized),
      netLiq,
      dayPnl: money(netLiq - s.dayStartNetLiq),
      highWaterMark: nextHighWaterMark(s.highWaterMark, netLiq, mode, 'mark'),
      priorProfit: money(s.dayStartNetLiq - s.startBalance),
      priorWinningDays: s.winningDaysProfit ?? money(0),
    };
  }

  /** What we last knew, for views and unlock checks while live figures are unavailable. */
  private lastKnownFigures(a: AccountRt): Figures | undefined {
    if (a.lastFigures) return a.lastFigures;
    const s = a.state;
    if (!s || a.dayStartPending) return undefined;
    return { cash: s.lastNetLiq, unrealized: money(0), netLiq: s.lastNetLiq, dayPnl: money(s.lastNetLiq - s.dayStartNetLiq), highWaterMark: s.highWaterMark, priorProfit: money(s.dayStartNetLiq - s.startBalance), priorWinningDays: s.winningDaysProfit ?? money(0) };
  }

  private unknownReasonOf(a: AccountRt): string | undefined {
    if (!a.pnlRules) return undefined;
    if (!a.rebased) return 'waiting for the account snapshot from the broker';
    if (!a.connected) return 'broker connection down';
    if (a.unknownEntry.size > 0) return `PnL of ${[...a.unknownEntry].join(', ')} unknown (no entry price or unknown product) until the next account snapshot`;
    for (const [c, u] of a.unrealized) if (u === undefined) return `no price yet for ${c}`;
    return undefined;
  }

  /**
   * Re-evaluates one account: figures, high-water mark, PnL path, PnL rules (only while connected
   * with every price known), the session rule, then gate, riskUnknown and the `changed` refresh.
   */
  private evaluate(a: AccountRt, structural: boolean): void {
    const now = this.deps.clock.now();
    const f = this.figures(a);
    if (f && a.state && a.connected) {
      const s = a.state;
      a.state = { ...s, highWaterMark: f.highWaterMark, lastNetLiq: f.netLiq };
      // The high-water mark is what a restart cannot recover: store every rise at once.
      if (f.highWaterMark !== s.highWaterMark) this.persistState(a);
      appendPathPoint(a.path, { time: now, dayPnl: f.dayPnl, netLiq: f.netLiq });
      a.dayLogDirty = true;
      this.scheduleDayLogFlush();
      for (const finding of evaluatePnlRules(a.rules, f)) this.startLock(a, finding, f, now);
    }
    this.evaluateSession(a, now, f);
    const moved = f !== undefined && (a.lastFigures === undefined || f.netLiq !== a.lastFigures.netLiq || f.highWaterMark !== a.lastFigures.highWaterMark || f.dayPnl !== a.lastFigures.dayPnl);
    if (f) a.lastFigures = f;
    const gateChanged = this.refreshGate(a);
    this.refreshUnknown(a);
    if (structural || moved || gateChanged) this.scheduleChanged(a);
  }

  /**
   * Fires once per flatten instant: at the timer, or at the first evaluation after it (an engine
   * started, or a rule saved, after flattenAt locks and flattens at once: "flat after 15:10" is
   * what the rule promises). Changing flattenAt gives a new instant, which fires again.
   */
  private evaluateSession(a: AccountRt, now: number, f: Figures | undefined): void {
    const at = sessionFlattenTime(a.rules, this.day);
    if (at === undefined || now < at || a.sessionFiredFor === at) return;
    a.sessionFiredFor = at;
    if (a.state) {
      a.state = { ...a.state, sessionFiredFor: at };
      this.persistState(a);
    }
    const finding = checkSession(a.rules, this.day, now);
    if (finding) this.startLock(a, finding, f, now);
  }

  private armSession(a: AccountRt): void {
    a.cancelSessionTimer?.();
    a.cancelSessionTimer = undefined;
    const at = sessionFlattenTime(a.rules, this.day);
    if (at === undefined || at <= this.deps.clock.now()) return;
    a.cancelSessionTimer = this.deps.clock.at(at, () => {
      a.cancelSessionTimer = undefined;
      this.run(() => {
        if (this.accounts.get(a.id) === a) this.evaluate(a, true);
      });
    });
  }

  private startLock(a: AccountRt, finding: RuleFinding, f: Figures | undefined, now: number): void {
    const list = this.openList(a.id);
    // One breach lock per account: once it is open the account is flattened and locked; more
    // breaches add nothing. A soft lock is redundant under a breach, and never doubled per rule.
    if (list.some((l) => l.kind === 'breach')) return;
    if (finding.kind === 'soft' && list.some((l) => l.rule === finding.rule)) return;
    const values: Record<string, Money> = {};
    if (f) {
      Object.assign(values, { dayPnl: f.dayPnl, netLiq: f.netLiq, cash: f.cash, unrealized: f.unrealized, highWaterMark: f.highWaterMark });
      if (a.state) values.dayStartNetLiq = a.state.dayStartNetLiq;
      if (a.rules.trailingDrawdown) values.trailingThreshold = trailingThreshold(f.highWaterMark, a.rules.trailingDrawdown);
      values.feesToday = a.dayFees;
      const drift = balanceDrift(a.ledger.cash, a.brokerCash);
      if (drift) Object.assign(values, { brokerBalance: drift.broker, engineBalance: drift.engine });
    }
    const lock: LockRecord = {
      id: this.newId(),
      accountId: a.id,
      kind: finding.kind,
      rule: finding.rule,
      startedAt: now,
      tradingDay: this.day,
      evidence: {
        rule: finding.rule,
        threshold: finding.threshold,
        value: finding.value,
        values,
        summary: finding.summary,
        time: now,
        fills: [...a.fills],
        fillsOmitted: a.fillsOmitted,
        pnlPath: [...a.path],
      },
    };
    list.push(lock);
    this.save(() =>
      this.deps.store.transaction(() => {
        this.deps.store.saveLock(lock);
        if (a.state) this.deps.store.saveAccountState(a.id, { ...a.state, sessionFiredFor: a.sessionFiredFor, updatedAt: now });
        this.deps.store.saveDayLog(a.id, { tradingDay: this.day, fills: a.fills, fillsOmitted: a.fillsOmitted, pnlPath: a.path });
      }),
    );
    a.dayLogDirty = false;
    this.deps.log.warn('risk lock', { accountId: a.id, lockId: lock.id, kind: lock.kind, rule: lock.rule, summary: finding.summary });
    this.pending.push({ kind: 'lockStarted', lock, flatten: finding.kind === 'breach' || finding.rule === 'session' });
  }

  /** Undefined when the rule no longer holds; else the refusal text with the numbers and when it resets. */
  private stillHolds(a: AccountRt | undefined, rule: LockRule, now: number): string | undefined {
    if (!a) return `${rule}: the account is not connected to the risk engine, its figures cannot be checked.`;
    if (rule === 'session') {
      const s = checkSession(a.rules, this.day, now);
      return s ? `session: ${s.summary}. ${resetText('session', now)}` : undefined;
    }
    const f = this.figures(a) ?? this.lastKnownFigures(a);
    const ruleSet = rule === 'dailyLoss' ? a.rules.dailyLoss : rule === 'trailingDrawdown' ? a.rules.trailingDrawdown : rule === 'dailyProfitTarget' ? a.rules.dailyProfitTarget : a.rules.consistency;
    if (ruleSet === undefined) return undefined; // the rule was removed
    if (!f) return `${rule}: the account's PnL is unknown (${a.unknownReason ?? 'no figures yet'}), so the rule cannot be checked; wait for the broker connection.`;
    const finding = checkPnlRule(rule, a.rules, f);
    if (!finding) return undefined;
    const cmp = rule === 'dailyLoss' || rule === 'trailingDrawdown' ? '≤' : '≥';
    const what = rule === 'trailingDrawdown' ? 'net liquidation' : 'day PnL';
    const extra = rule === 'trailingDrawdown' ? ` (high-water mark ${formatMoney(f.highWaterMark)})` : '';
    return `${rule} still ${finding.kind === 'breach' ? 'breached' : 'reached'}: ${what} ${formatMoney(finding.value)} ${cmp} ${formatMoney(finding.threshold)}${extra}. ${resetText(rule, now)}`;
  }

  // ---- internals: gate, notifications, persistence ----------------------------------------------

  private refreshGate(a: AccountRt): boolean {
    const next = computeGate(this.open.get(a.id) ?? [], this.unknownReasonOf(a), a.rules.maxContracts);
    const g = a.gate;
    if (g.hardLocked === next.hardLocked && g.entryGate === next.entryGate && g.maxContracts === next.maxContracts) return false;
    a.gate = next;
    return true;
  }

  private refreshUnknown(a: AccountRt): void {
    const reason = this.unknownReasonOf(a);
    if (reason === a.unknownReason) return;
    a.unknownReason = reason;
    this.pending.push(reason !== undefined ? { kind: 'riskUnknown', accountId: a.id, unknown: true, reason } : { kind: 'riskUnknown', accountId: a.id, unknown: false });
  }

  private scheduleChanged(a: AccountRt): void {
    if (a.cancelChangedTimer) return; // one refresh is already on its way
    const now = this.deps.clock.now();
    if (a.changedAt === undefined || now - a.changedAt >= this.changedIntervalMs) {
      a.changedAt = now;
      this.pending.push({ kind: 'changed', accountId: a.id });
      return;
    }
    a.cancelChangedTimer = this.deps.clock.at(a.changedAt + this.changedIntervalMs, () => {
      a.cancelChangedTimer = undefined;
      this.run(() => {
        a.changedAt = this.deps.clock.now();
        if (this.accounts.get(a.id) === a) this.pending.push({ kind: 'changed', accountId: a.id });
      });
    });
  }

  private resetDayLog(a: AccountRt, time: number, netLiq: Money): void {
    a.fills = [];
    a.fillsOmitted = 0;
    a.path = [{ time, dayPnl: money(0), netLiq }];
    a.dayLogDirty = true;
  }

  private scheduleDayLogFlush(): void {
    if (this.cancelFlushTimer) return;
    this.cancelFlushTimer = this.deps.clock.at(this.deps.clock.now() + this.dayLogFlushMs, () => {
      this.cancelFlushTimer = undefined;
      if (this.disposed) return;
      for (const a of this.accounts.values()) {
        if (!a.dayLogDirty) continue;
        this.persistState(a);
        this.flushDayLog(a);
      }
    });
  }

  private flushDayLog(a: AccountRt): void {
    if (!a.dayLogDirty || !a.state || a.dayStartPending) return;
    a.dayLogDirty = false;
    this.save(() => this.deps.store.saveDayLog(a.id, { tradingDay: this.day, fills: a.fills, fillsOmitted: a.fillsOmitted, pnlPath: a.path }));
  }

  private persistState(a: AccountRt): void {
    const s = a.state;
    if (!s) return;
    this.save(() => this.deps.store.saveAccountState(a.id, { ...s, sessionFiredFor: a.sessionFiredFor, updatedAt: this.deps.clock.now() }));
  }

  /** A failed write is logged, never thrown into a fill or quote: the lock is enforced in memory either way. */
  private save(write: () => void): void {
    try {
      write();
    } catch (err) {
      this.deps.log.error('risk: could not write to the store', { error: err instanceof Error ? err.message : String(err) });
    }
  }

  private openList(accountId: string): LockRecord[] {
    let list = this.open.get(accountId);
    if (!list) {
      list = [];
      this.open.set(accountId, list);
    }
    return list;
  }
}

function computeGate(openLocks: readonly LockRecord[], unknownReason: string | undefined, maxContracts: number | undefined): RiskGate {
  const hardLocked = openLocks.some((l) => l.kind === 'breach');
  const soft = openLocks.some((l) => l.kind === 'soft');
  return Object.freeze({ hardLocked, entryGate: soft ? 'softLock' : unknownReason !== undefined ? 'riskUnknown' : undefined, maxContracts });
}

function gauges(r: CompiledRules, f: Figures | undefined, contracts: number): RiskGauge[] {
  const out: RiskGauge[] = [];
  const use = (v: number, limit: number): number => (limit <= 0 ? 1 : Math.min(1, Math.max(0, v / limit)));
  if (f && r.dailyLoss !== undefined) {
    const lost = Math.max(0, 0 - f.dayPnl);
    out.push({ rule: 'dailyLoss', label: 'Daily loss', unit: 'money', value: lost, limit: r.dailyLoss, use: use(lost, r.dailyLoss) });
  }
  if (f && r.trailingDrawdown) {
    const threshold = trailingThreshold(f.highWaterMark, r.trailingDrawdown);
    const room = f.highWaterMark - threshold;
    const usedDd = Math.max(0, f.highWaterMark - f.netLiq);
    out.push({ rule: 'trailingDrawdown', label: 'Trailing drawdown', unit: 'money', value: usedDd, limit: room, use: use(usedDd, room) });
  }
  if (r.maxContracts !== undefined) out.push({ rule: 'maxContracts', label: 'Open contracts', unit: 'contracts', value: contracts, limit: r.maxContracts, use: use(contracts, r.maxContracts) });
  if (f && r.dailyProfitTarget !== undefined) {
    const made = Math.max(0, f.dayPnl);
    out.push({ rule: 'dailyProfitTarget', label: 'Daily profit target', unit: 'money', value: made, limit: r.dailyProfitTarget, use: use(made, r.dailyProfitTarget) });
  }
  if (f && r.consistency) {
    const made = Math.max(0, f.dayPnl);
    const limit = consistencyThreshold(r.consistency, f);
    out.push({ rule: 'consistency', label: 'Consistency (best day share)', unit: 'money', value: made, limit, use: use(made, limit) });
  }
  return out;
}

/**
 * Lock records and their evidence (copy-semantics §7: "a lock keeps its evidence for review: rule,
 * threshold, values at the moment, time, and the fills and PnL path that led there").
 *
 * A record is a plain serialisable value: it is stored as is (JSON evidence) and survives restarts.
 */
import type { Money } from '../domain/money';
import type { ContractCode } from './product';
import type { LockKind, LockRule } from './rules';

export interface LockFill {
  readonly fillId: string;
  readonly contract: ContractCode;
  readonly side: 'buy' | 'sell';
  readonly qty: number;
  readonly price: number;
  readonly time: number;
  /** Realized PnL of this fill; undefined for fills learnt from a broker snapshot (already in its balance). */
  readonly realized: Money | undefined;
  /** Fees counted for this fill (absent in records from before fees were counted). */
  readonly fees?: Money | undefined;
}

export interface PathPoint {
  readonly time: number;
  readonly dayPnl: Money;
  readonly netLiq: Money;
}

export interface LockEvidence {
  readonly rule: LockRule;
  readonly threshold: Money;
  readonly value: Money;
  /** dayPnl, netLiq, cash, unrealized, dayStartNetLiq, highWaterMark, trailingThreshold… at the moment. */
  readonly values: Readonly<Record<string, Money>>;
  readonly summary: string;
  readonly time: number;
  /** The account's fills of the trading day up to the lock (the latest MAX_DAY_FILLS). */
  readonly fills: readonly LockFill[];
  /** Fills of the day left out because there were more than MAX_DAY_FILLS. */
  readonly fillsOmitted: number;
  /** The day's PnL path, sampled (≤ MAX_PATH_POINTS, first/last/extremes kept). */
  readonly pnlPath: readonly PathPoint[];
}

export interface LockRecord {
  readonly id: string;
  readonly accountId: string;
  readonly kind: LockKind;
  readonly rule: LockRule;
  readonly startedAt: number;
  readonly tradingDay: string;
  readonly evidence: LockEvidence;
  readonly endedAt?: number;
  readonly endReason?: 'unlocked' | 'dayRoll';
  /** What the user typed to unlock (the account's name, by the UI's rule); the time is `endedAt`. */
  readonly acknowledgement?: string;
}

export function isOpen(l: LockRecord): boolean {
  return l.endedAt === undefined;
}

export function endLock(l: LockRecord, at: number, reason: 'unlocked' | 'dayRoll', acknowledgement?: string): LockRecord {
  return { ...l, endedAt: at, endReason: reason, ...(acknowledgement !== undefined ? { acknowledgement } : {}) };
}

/** Breach locks first, then by start time: what a caller shows first. */
export function compareLocks(a: LockRecord, b: LockRecord): number {
  if (a.kind !== b.kind) return a.kind === 'breach' ? -1 : 1;
  return a.startedAt - b.startedAt;
}

// ---- the day's log: fills and PnL path ----------------------------------------------------------

export const MAX_PATH_POINTS = 500;
export const MAX_DAY_FILLS = 2000;

/**
 * A bounded sample of the day's PnL path. Points are appended when a figure changes; when the
 * buffer is full it is halved by keeping every other point, and always the first point, the last
 * one and the extremes of day PnL and net liq, so the shape a reviewer needs survives any length
 * of day in at most MAX_PATH_POINTS points. Amortised O(1) per point.
 */
export function appendPathPoint(path: PathPoint[], p: PathPoint, max = MAX_PATH_POINTS): void {
  const last = path[path.length - 1];
  if (last && last.dayPnl === p.dayPnl && last.netLiq === p.netLiq) return;
  path.push(p);
  if (path.length <= max) return;
  const keep = new Set<number>([0, path.length - 1]);
  const lo = { pnl: Infinity, liq: Infinity, iPnl: 0, iLiq: 0 };
  const hi = { pnl: -Infinity, liq: -Infinity, iPnl: 0, iLiq: 0 };
  path.forEach((q, i) => {
    if (q.dayPnl < lo.pnl) Object.assign(lo, { pnl: q.dayPnl, iPnl: i });
    if (q.dayPnl > hi.pnl) Object.assign(hi, { pnl: q.dayPnl, iPnl: i });
    if (q.netLiq < lo.liq) Object.assign(lo, { liq: q.netLiq, iLiq: i });
    if (q.netLiq > hi.liq) Object.assign(hi, { liq: q.netLiq, iLiq: i });
  });
  for (const i of [lo.iPnl, hi.iPnl, lo.iLiq, hi.iLiq]) keep.add(i);
  const kept = path.filter((_, i) => i % 2 === 0 || keep.has(i));
  path.length = 0;
  path.push(...kept);
}

/** Appends a fill to the day's list, dropping the oldest beyond the cap. Returns how many were dropped. */
export function appendDayFill(fills: LockFill[], f: LockFill, max = MAX_DAY_FILLS): number {
  fills.push(f);
  if (fills.length <= max) return 0;
  const drop = fills.length - max;
  fills.splice(0, drop);
  return drop;
}

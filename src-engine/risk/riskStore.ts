/**
 * What the risk engine persists, and the seam to where (SQLite in src-engine/store/riskRepository.ts,
 * memory in tests). Everything here survives a restart: open locks above all (a breach lock never
 * lifts by itself, a crash included), then the figures a restart cannot recover from the broker:
 * high-water mark, net liq at the start of the trading day, and the day's evidence.
 *
 * Rows read back are validated with these schemas: a damaged row must not silently unlock anyone.
 */
import { z } from 'zod';
import { isContractCode } from '../domain/contractCode';
import type { Money } from '../domain/money';
import type { LockRecord, LockFill, PathPoint } from './locks';

export interface PersistedRiskState {
  readonly version: 1;
  /** The trading day the day figures belong to. */
  readonly tradingDay: string;
  /** Balance when the account was first seen: where the high-water mark started. */
  readonly startBalance: Money;
  readonly dayStartNetLiq: Money;
  readonly highWaterMark: Money;
  /** Last net liq computed (the best close we know of when the engine was down at a roll). */
  readonly lastNetLiq: Money;
  /** The session flatten instant the session rule last fired for: it fires once per day and time. */
  readonly sessionFiredFor: number | undefined;
  readonly updatedAt: number;
  /**
   * The sum of the winning days' PnL since first seen, closed days only (a consistency rule on
   * winning days). Days the engine was down for are not in it: a smaller sum locks sooner.
   */
  readonly winningDaysProfit?: Money | undefined;
}

/** The day's fills and PnL path: evidence for a lock, kept across restarts within the day. */
export interface PersistedDayLog {
  readonly tradingDay: string;
  readonly fills: readonly LockFill[];
  readonly fillsOmitted: number;
  readonly pnlPath: readonly PathPoint[];
}

export interface LockFilter {
  readonly accountId?: string;
  readonly open?: boolean;
  /** Most recent first; default 200. */
  readonly limit?: number;
}

export interface RiskStore {
  loadAccountState(accountId: string): PersistedRiskState | undefined;
  saveAccountState(accountId: string, state: PersistedRiskState): void;
  loadDayLog(accountId: string): PersistedDayLog | undefined;
  saveDayLog(accountId: string, log: PersistedDayLog): void;
  /** Every open lock, any account. */
  openLocks(): LockRecord[];
  /** Insert or replace by id. */
  saveLock(lock: LockRecord): void;
  lock(id: string): LockRecord | undefined;
  locks(filter?: LockFilter): LockRecord[];
  /** Runs fn in one short transaction (a lock and the state that goes with it are written together). */
  transaction<T>(fn: () => T): T;
}

// ---- schemas for rows read back ----------------------------------------------------------------

const MoneySchema = z.number().int().transform((n) => n as Money);
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const PersistedRiskStateSchema = z.object({
  version: z.literal(1),
  tradingDay: Day,
  startBalance: MoneySchema,
  dayStartNetLiq: MoneySchema,
  highWaterMark: MoneySchema,
  lastNetLiq: MoneySchema,
  sessionFiredFor: z.number().optional(),
  updatedAt: z.number(),
  winningDaysProfit: MoneySchema.optional(),
});

// refine with a type guard narrows the output to ContractCode.
const ContractSchema = z.string().refine(isContractCode, 'not a contract code');

const LockFillSchema = z.object({
  fillId: z.string(),
  contract: ContractSchema,
  side: z.enum(['buy', 'sell']),
  qty: z.number().int(),
  price: z.number(),
  time: z.number(),
  realized: MoneySchema.optional(),
  fees: MoneySchema.optional(),
});

const PathPointSchema = z.object({ time: z.number(), dayPnl: MoneySchema, netLiq: MoneySchema });

export const PersistedDayLogSchema = z.object({
  tradingDay: Day,
  fills: z.array(LockFillSchema),
  fillsOmitted: z.number().int().nonnegative(),
  pnlPath: z.array(PathPointSchema),
});

export const LockRuleSchema = z.enum(['dailyLoss', 'trailingDrawdown', 'dailyProfitTarget', 'consistency', 'session']);

export const LockEvidenceSchema = z.object({
  rule: LockRuleSchema,
  threshold: MoneySchema,
  value: MoneySchema,
  values: z.record(z.string(), MoneySchema),
  summary: z.string(),
  time: z.number(),
  fills: z.array(LockFillSchema),
  fillsOmitted: z.number().int().nonnegative(),
  pnlPath: z.array(PathPointSchema),
});

export function parseState(value: unknown): PersistedRiskState | undefined {
  const r = PersistedRiskStateSchema.safeParse(value);
  return r.success ? { ...r.data, sessionFiredFor: r.data.sessionFiredFor } : undefined;
}

export function parseDayLog(value: unknown): PersistedDayLog | undefined {
  const r = PersistedDayLogSchema.safeParse(value);
  if (!r.success) return undefined;
  return { ...r.data, fills: r.data.fills.map((f) => ({ ...f, realized: f.realized })) };
}

/** Most recent first, id as a tie-break so listings are stable. */
export function compareByRecent(a: LockRecord, b: LockRecord): number {
  return b.startedAt - a.startedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * Configuration the user edits (groups, followers, risk rules), as runtime schemas. The same
 * schemas validate IPC messages from the renderer, scenario files and rows read back from SQLite,
 * so a bad value is refused at every door with the field it names.
 *
 * This module is part of the api contract: it imports nothing else of the engine.
 */
import { z } from 'zod';

/** A decimal given as a number (YAML, JSON) or as text; kept as text so no float ever sizes an order. */
export const DecimalInput = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/, 'must be a decimal number')]);
export type DecimalInput = z.infer<typeof DecimalInput>;

export const Root = z.string().regex(/^[A-Z0-9]{1,6}$/, 'must be a product root such as ES or MNQ');

export const SizingMode = z.enum(['multiplier', 'fixed', 'balance']);
export const Rounding = z.enum(['entryDownExitUp', 'nearest', 'alwaysDown']);
export const ContractSizing = z.enum(['contracts', 'notional']);
export const PartialExit = z.enum(['proportional', 'exitWithLeader']);
export const OrderCopy = z.enum(['mirror', 'fillsOnly']);
export const ReconnectPolicy = z.enum(['catchUp', 'skipEntries', 'flatten']);
export type SizingMode = z.infer<typeof SizingMode>;
export type Rounding = z.infer<typeof Rounding>;
export type ContractSizing = z.infer<typeof ContractSizing>;
export type PartialExit = z.infer<typeof PartialExit>;
export type OrderCopy = z.infer<typeof OrderCopy>;
export type ReconnectPolicy = z.infer<typeof ReconnectPolicy>;

/** Group settings; `mode`, `ratio`, `reconnectPolicy` and `maxCatchUpMs` are also follower defaults. */
export const GroupSettingsInput = z.strictObject({
  mode: SizingMode.optional(),
  ratio: DecimalInput.optional(),
  rounding: Rounding.optional(),
  sizing: ContractSizing.optional(),
  autoMiniMicro: z.boolean().optional(),
  partialExit: PartialExit.optional(),
  orderCopy: OrderCopy.optional(),
  mirrorGraceMs: z.number().int().min(0).max(60_000).optional(),
  quarantine: z.boolean().optional(),
  whitelist: z.array(Root).optional(),
  /** Contract mapping: leader root → follower root, any pair (e.g. CL → QM). */
  mappings: z.record(Root, Root).optional(),
  reconnectPolicy: ReconnectPolicy.optional(),
  maxCatchUpMs: z.number().int().min(0).max(600_000).optional(),
});
export type GroupSettingsInput = z.infer<typeof GroupSettingsInput>;

/**
 * Ratios per leader root. A key that is not a root is refused naming it (zod's own words, "Invalid
 * key in record", do not); values are checked by the engine, which names the root and the range.
 */
export const RatiosInput = z.record(Root, z.union([z.number(), z.string()]), {
  error: (issue) => (issue.code === 'invalid_key' ? `${JSON.stringify(issue.input)} is not a product root such as ES or MNQ` : undefined),
});
export type RatiosInput = z.infer<typeof RatiosInput>;

export const FollowerInput = z.strictObject({
  account: z.string().min(1),
  mode: SizingMode.optional(),
  ratio: DecimalInput.optional(),
  /** Ratio per leader root (`{ MNQ: 2 }`): wins over `ratio` for that root. */
  ratios: RatiosInput.optional(),
  /** Cross symbol: leader root → follower root, same family only. */
  cross: z.record(Root, Root).optional(),
  /** Sync toggle per leader root; absent means on. */
  sync: z.record(Root, z.boolean()).optional(),
  enabled: z.boolean().optional(),
  reconnectPolicy: ReconnectPolicy.optional(),
  maxCatchUpMs: z.number().int().min(0).max(600_000).optional(),
});
export type FollowerInput = z.infer<typeof FollowerInput>;

export const GroupName = z.string();

/** A whole group as saved: one save carries the whole new membership and settings. */
export const GroupInput = z.strictObject({
  name: GroupName,
  leader: z.string().min(1).nullable().optional(),
  followers: z.array(FollowerInput).optional(),
  settings: GroupSettingsInput.optional(),
});
export type GroupInput = z.infer<typeof GroupInput>;

export const TrailingDrawdownRule = z.strictObject({
  amount: z.number().positive(),
  mode: z.enum(['intraday', 'endOfDay']).optional(),
  /** Balance at which the threshold stops rising. */
  stopAt: z.number().positive().optional(),
});

export const ConsistencyRule = z.strictObject({
  profitTarget: z.number().positive(),
  maxDayShare: z.number().gt(0).max(1),
  /**
   * The firm's formula: best day ÷ total net profit (`totalProfit`), best day ÷ the sum of winning
   * days (`winningDays`), or, by default, a day capped at maxDayShare × profitTarget.
   */
  basis: z.enum(['profitTarget', 'totalProfit', 'winningDays']).optional(),
});

export const SessionRule = z.strictObject({
  /** Exchange (Chicago) wall time HH:MM. */
  flattenAt: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM'),
});

/**
 * Fees to count when the broker does not report a fill's own (commission and exchange fees per
 * contract per side, by root). `preset` names the firm's schedule they came from; without it
 * they are the trader's own figure.
 */
export const FeeScheduleInput = z.strictObject({
  perSide: z.record(Root, z.number().nonnegative()),
  preset: z.string().min(1).optional(),
});

export const RiskRulesInput = z.strictObject({
  dailyLoss: z.number().positive().optional(),
  trailingDrawdown: TrailingDrawdownRule.optional(),
  maxContracts: z.number().int().positive().optional(),
  dailyProfitTarget: z.number().positive().optional(),
  consistency: ConsistencyRule.optional(),
  session: SessionRule.optional(),
  fees: FeeScheduleInput.optional(),
});
export type RiskRulesInput = z.infer<typeof RiskRulesInput>;
export type RiskRuleName = keyof RiskRulesInput;

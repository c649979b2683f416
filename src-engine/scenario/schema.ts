/**
 * The scenario file format (scenario-format.md) as a strict schema. An unknown key anywhere is an
 * error, so a typo never passes silently; every error names the file and the line.
 */
import { z } from 'zod';
import { FollowerInput, GroupSettingsInput, RiskRulesInput, Root } from '../api/config';

const Side = z.enum(['buy', 'sell']);
const Price = z.number();
const AccountRef = z.string().min(1);

const Name = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1–40 letters, digits, _ or -');

export const AccountSpec = z.strictObject({
  id: Name,
  broker: z.enum(['tradovate', 'projectx', 'paper']),
  balance: z.number().positive(),
  risk: RiskRulesInput.optional(),
  /** Root → dollars per contract per side the simulator charges on every fill of this account. */
  fees: z.record(Root, z.number().nonnegative()).optional(),
  /** Accounts of one broker with the same login share one connection and its request budget. */
  login: Name.optional(),
});

const Duration = z.string().regex(/^\d+(\.\d+)?(ms|s|m|h|d)$/, 'must be a duration like 500ms, 30s, 5m, 2h, 1d');
const Count = z.number().int().positive();

/**
 * The simulators' request limits per login (copy-semantics §8a). Tradovate's are enforced only
 * when `tradovate` is given (omitted fields take the observed figures); ProjectX always enforces
 * its per-key limit, 200 a minute unless `perMinute` says otherwise.
 */
export const LimitsSpec = z.strictObject({
  tradovate: z.strictObject({ perMinute: Count.optional(), perHour: Count.optional(), tokensPerHour: Count.optional(), lockout: Duration.optional() }).optional(),
  projectx: z.strictObject({ perMinute: Count.optional() }).optional(),
});
export type LimitsSpec = z.infer<typeof LimitsSpec>;

export const GroupSpec = z.strictObject({
  name: z.string(),
  leader: AccountRef.optional(),
  settings: GroupSettingsInput.optional(),
  followers: z.array(FollowerInput).optional(),
});

const LeaderOrderStep = z.strictObject({
  account: AccountRef,
  side: Side,
  qty: z.number().int().positive(),
  symbol: Root,
  type: z.enum(['market', 'limit', 'stop']).optional(),
  price: Price.optional(),
  ref: z.string().min(1).optional(),
  bracket: z.strictObject({ stopLoss: Price.optional(), takeProfit: Price.optional() }).optional(),
});
const LeaderModifyStep = z.strictObject({ modify: z.string().min(1), price: Price.optional(), qty: z.number().int().positive().optional() });
const LeaderCancelStep = z.strictObject({ cancel: z.string().min(1) });

const Fault = z.strictObject({
  account: AccountRef,
  kind: z.enum(['rejectNext', 'disconnect', 'duplicateNextEvent', 'delay', 'expireToken', 'rateLimit', 'partialFill', 'balanceChange']),
  reason: z.string().optional(),
  /** balanceChange: dollars the broker adds to (or, negative, takes from) the cash balance with no fill. */
  amount: z.number().optional(),
  ms: z.number().int().positive().optional(),
  qty: z.number().int().positive().optional(),
});

export const ControlAction = z.enum([
  'pause',
  'resume',
  'pauseAll',
  'resumeAll',
  'flattenAll',
  'cancelOrders',
  'flattenPosition',
  'sync',
  'emergencyStop',
  'unlock',
  'releaseQuarantine',
]);

const Control = z.strictObject({
  action: ControlAction,
  group: z.string().optional(),
  account: AccountRef.optional(),
  symbol: Root.optional(),
  expectRefused: z.string().optional(),
});

const Edit = z.strictObject({
  group: z.string(),
  name: z.string().optional(),
  leader: AccountRef.nullable().optional(),
  settings: GroupSettingsInput.optional(),
  followers: z.array(FollowerInput).optional(),
  expectRefused: z.string().optional(),
});

const IsoTime = z.string().refine((s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 time with offset');

const OrderMatcher = z.strictObject({
  side: Side.optional(),
  qty: z.number().int().positive().optional(),
  symbol: Root.optional(),
  type: z.enum(['market', 'limit', 'stop']).optional(),
  price: Price.optional(),
  status: z.enum(['filled', 'working', 'rejected', 'cancelled']).optional(),
});
export type OrderMatcher = z.infer<typeof OrderMatcher>;

const WorkingMatcher = z.strictObject({
  side: Side.optional(),
  qty: z.number().int().positive().optional(),
  symbol: Root.optional(),
  type: z.enum(['market', 'limit', 'stop']).optional(),
  price: Price.optional(),
});
export type WorkingMatcher = z.infer<typeof WorkingMatcher>;

export const AccountExpectation = z.strictObject({
  position: z.record(Root, z.number().int()).optional(),
  orders: z.array(OrderMatcher).optional(),
  noOrders: z.literal(true).optional(),
  working: z.union([z.number().int().min(0), z.array(WorkingMatcher)]).optional(),
  locked: z.union([z.literal(false), z.enum(['breach', 'soft'])]).optional(),
  lockRule: z.string().optional(),
  quarantined: z.array(Root).optional(),
  outOfSync: z.array(Root).optional(),
  /** The engine's day PnL for the account, dollars, exact (net of fees). */
  dayPnl: z.number().optional(),
  /** Fees in the engine's figures today, dollars, and where the latest fill's figure came from. */
  fees: z.strictObject({ today: z.number(), source: z.enum(['broker', 'preset', 'account', 'none']).optional() }).optional(),
  /** The broker's and the engine's balance while they differ (false: they agree). */
  balanceDrift: z.union([z.literal(false), z.strictObject({ broker: z.number(), engine: z.number() })]).optional(),
});
export type AccountExpectation = z.infer<typeof AccountExpectation>;

const GroupExpectation = z.strictObject({
  status: z.enum(['Active', 'Paused', 'NotConfigured']),
  reason: z.enum(['user', 'noFollowers', 'leaderBreach', 'emergencyStop']).optional(),
});

/** `group` is the one reserved key; every other key is an account id (checked against `accounts`). */
export const Expectation = z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
  for (const [key, v] of Object.entries(value)) {
    const schema = key === 'group' ? z.record(z.string(), GroupExpectation) : AccountExpectation;
    const r = schema.safeParse(v);
    if (!r.success) for (const issue of r.error.issues) ctx.addIssue({ ...issue, path: [key, ...issue.path] });
  }
});

/** Each step is an object with exactly one key naming its kind. */
export const STEP_SCHEMAS = {
  leader: z.union([LeaderOrderStep, LeaderModifyStep, LeaderCancelStep]),
  quote: z.record(Root, Price),
  fault: Fault,
  control: Control,
  edit: Edit,
  restart: z.strictObject({}),
  advance: z.union([Duration, z.strictObject({ to: IsoTime })]),
  expect: Expectation,
} as const;
export type StepKind = keyof typeof STEP_SCHEMAS;

export type Step =
  | { readonly leader: z.infer<typeof LeaderOrderStep> | z.infer<typeof LeaderModifyStep> | z.infer<typeof LeaderCancelStep> }
  | { readonly quote: Readonly<Record<string, number>> }
  | { readonly fault: z.infer<typeof Fault> }
  | { readonly control: z.infer<typeof Control> }
  | { readonly edit: z.infer<typeof Edit> }
  | { readonly restart: Readonly<Record<string, never>> }
  | { readonly advance: string | { readonly to: string } }
  | { readonly expect: Readonly<Record<string, unknown>> };
export type LeaderOrderStep = z.infer<typeof LeaderOrderStep>;


export const Scenario = z.strictObject({
  name: z.string().min(1),
  accounts: z.array(AccountSpec).min(1),
  groups: z.array(GroupSpec).default([]),
  start: IsoTime.optional(),
  quotes: z.record(Root, Price).default({}),
  limits: LimitsSpec.optional(),
  /** Checked one by one by the loader (by kind), for errors that name the step's own line. */
  steps: z.array(z.unknown()),
});
export type Scenario = Omit<z.infer<typeof Scenario>, 'steps'> & { readonly steps: readonly Step[] };
export type AccountSpec = z.infer<typeof AccountSpec>;

export const DEFAULT_START = '2026-03-02T09:30:00-06:00';

export function durationMs(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text);
  if (!m) throw new Error(`not a duration: ${text}`);
  const n = Number(m[1]);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Math.round(n * unit);
}

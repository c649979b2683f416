/**
 * The Tradovate payloads the adapter depends on, as zod schemas (protocols/tradovate.md §2, §4,
 * §5, §7). Objects are loose: real entities carry fields the spec does not (`archived`,
 * `external`...), and those must never turn a good message into a protocol error. Only the fields
 * the engine needs are required; everything else is optional and nullable.
 */
import { z } from 'zod';

/** int64 ids: JSON numbers, large (≈6e11 live) but within the safe range. Strings of digits tolerated (community clients send them). */
export const wireId = z.union([z.number().int().min(0), z.string().regex(/^\d{1,15}$/).transform(Number)]);
const price = z.number();
const qty = z.number().int();
/** ISO timestamps (`2016-11-04T00:02:36.626Z`) → epoch ms; epoch numbers tolerated. */
const timestamp = z.union([
  z.number().int(),
  z.string().transform((s, ctx) => {
    const t = Date.parse(s);
    if (Number.isNaN(t)) {
      ctx.addIssue({ code: 'custom', message: `not a timestamp: ${s.slice(0, 40)}` });
      return z.NEVER;
    }
    return t;
  }),
]);

const opt = <T extends z.ZodType>(t: T) => t.nullish().transform((v) => v ?? undefined);

export const wireAction = z.enum(['Buy', 'Sell']);
export type WireAction = z.output<typeof wireAction>;

export const ORD_STATUSES = ['Canceled', 'Completed', 'Expired', 'Filled', 'PendingCancel', 'PendingNew', 'PendingReplace', 'Rejected', 'Suspended', 'Unknown', 'Working'] as const;
export type WireOrdStatus = (typeof ORD_STATUSES)[number];

export const ORDER_TYPES = ['Limit', 'MIT', 'Market', 'QTS', 'Stop', 'StopLimit', 'TrailingStop', 'TrailingStopLimit'] as const;
export type WireOrderType = (typeof ORDER_TYPES)[number];

// ---- auth ------------------------------------------------------------------------------------

export const penaltySchema = z.looseObject({
  'p-ticket': z.string().min(1),
  /** Seconds; integers on the real server, fractional from the simulator. */
  'p-time': z.number().min(0),
  'p-captcha': opt(z.boolean()),
});
export type Penalty = z.output<typeof penaltySchema>;

export const accessTokenResponseSchema = z.looseObject({
  accessToken: opt(z.string()),
  mdAccessToken: opt(z.string()),
  expirationTime: opt(timestamp),
  userId: opt(wireId),
  name: opt(z.string()),
  userStatus: opt(z.string()),
  errorText: opt(z.string()),
});
export type AccessTokenResponse = z.output<typeof accessTokenResponseSchema>;

// ---- entities --------------------------------------------------------------------------------

export const wireUserSchema = z.looseObject({ id: wireId, name: opt(z.string()) });

export const wireAccountSchema = z.looseObject({
  id: wireId,
  name: z.string(),
  userId: opt(wireId),
  active: opt(z.boolean()),
  archived: opt(z.boolean()),
});
export type WireAccount = z.output<typeof wireAccountSchema>;

export const wireCashBalanceSchema = z.looseObject({
  id: wireId,
  accountId: wireId,
  amount: z.number(),
  realizedPnL: opt(z.number()),
  timestamp: opt(timestamp),
});
export type WireCashBalance = z.output<typeof wireCashBalanceSchema>;

export const wirePositionSchema = z.looseObject({
  id: wireId,
  accountId: wireId,
  contractId: wireId,
  netPos: qty,
  netPrice: opt(price),
  timestamp: opt(timestamp),
});
export type WirePosition = z.output<typeof wirePositionSchema>;

export const wireOrderSchema = z.looseObject({
  id: wireId,
  accountId: wireId,
  contractId: opt(wireId),
  timestamp: opt(timestamp),
  action: wireAction,
  ordStatus: z.enum(ORD_STATUSES),
  ocoId: opt(wireId),
  parentId: opt(wireId),
  linkedId: opt(wireId),
  /** Not in the spec's Order; read when a server echoes it. */
  clOrdId: opt(z.string()),
});
export type WireOrder = z.output<typeof wireOrderSchema>;

export const wireOrderVersionSchema = z.looseObject({
  id: wireId,
  orderId: wireId,
  orderQty: qty,
  orderType: z.enum(ORDER_TYPES),
  price: opt(price),
  stopPrice: opt(price),
});
export type WireOrderVersion = z.output<typeof wireOrderVersionSchema>;

export const wireCommandSchema = z.looseObject({
  id: wireId,
  orderId: wireId,
  clOrdId: opt(z.string()),
  commandType: opt(z.string()),
  commandStatus: opt(z.string()),
  timestamp: opt(timestamp),
});
export type WireCommand = z.output<typeof wireCommandSchema>;

export const wireCommandReportSchema = z.looseObject({
  id: wireId,
  commandId: wireId,
  commandStatus: opt(z.string()),
  rejectReason: opt(z.string()),
  text: opt(z.string()),
  ordStatus: opt(z.string()),
});
export type WireCommandReport = z.output<typeof wireCommandReportSchema>;

export const wireExecutionReportSchema = z.looseObject({
  id: wireId,
  commandId: opt(wireId),
  orderId: wireId,
  execType: opt(z.string()),
  ordStatus: opt(z.string()),
  rejectReason: opt(z.string()),
  text: opt(z.string()),
  externalClOrdId: opt(z.string()),
});
export type WireExecutionReport = z.output<typeof wireExecutionReportSchema>;

export const wireFillSchema = z.looseObject({
  id: wireId,
  orderId: wireId,
  contractId: wireId,
  timestamp: opt(timestamp),
  action: wireAction,
  qty: qty.min(1),
  price,
  /** false = busted or corrected fill (§5.10). */
  active: opt(z.boolean()),
});
export type WireFill = z.output<typeof wireFillSchema>;

/**
 * The fees of one fill, under the fill's own id (`fillFee/deps?masterid=<fillId>`). Every part is
 * optional on the wire; their sum is what the fill cost. All in the account's currency (USD here).
 */
const feePart = opt(z.number());
export const wireFillFeeSchema = z.looseObject({
  id: wireId,
  clearingFee: feePart,
  exchangeFee: feePart,
  nfaFee: feePart,
  brokerageFee: feePart,
  ipFee: feePart,
  commission: feePart,
  orderRoutingFee: feePart,
});
export type WireFillFee = z.output<typeof wireFillFeeSchema>;

/** What a fill cost in all, in dollars. */
export function fillFeeTotal(f: WireFillFee): number {
  return (f.clearingFee ?? 0) + (f.exchangeFee ?? 0) + (f.nfaFee ?? 0) + (f.brokerageFee ?? 0) + (f.ipFee ?? 0) + (f.commission ?? 0) + (f.orderRoutingFee ?? 0);
}

export const wireContractSchema = z.looseObject({
  id: wireId,
  name: z.string().min(2),
  contractMaturityId: opt(wireId),
});
export type WireContract = z.output<typeof wireContractSchema>;

// ---- command results ---------------------------------------------------------------------------

export const placeOrderResultSchema = z.looseObject({
  orderId: opt(wireId),
  failureReason: opt(z.string()),
  failureText: opt(z.string()),
});
export type PlaceOrderResult = z.output<typeof placeOrderResultSchema>;

export const placeOsoResultSchema = placeOrderResultSchema.extend({
  oso1Id: opt(wireId),
  oso2Id: opt(wireId),
});
export type PlaceOsoResult = z.output<typeof placeOsoResultSchema>;

export const commandResultSchema = z.looseObject({
  commandId: opt(wireId),
  failureReason: opt(z.string()),
  failureText: opt(z.string()),
});
export type CommandResultWire = z.output<typeof commandResultSchema>;

/** "accepted" = failureReason absent or Success (§5.2). */
export function isFailure(r: { failureReason?: string | undefined }): boolean {
  return r.failureReason !== undefined && r.failureReason !== 'Success';
}

// ---- sync and market data ----------------------------------------------------------------------

/** Arrays are validated element by element by the adapter, so one odd entity is reported, not fatal. */
const list = opt(z.array(z.unknown()));
export const syncMessageSchema = z.looseObject({
  users: list,
  accounts: list,
  cashBalances: list,
  positions: list,
  orders: list,
  orderVersions: list,
  commands: list,
  commandReports: list,
  executionReports: list,
  fills: list,
  fillFees: list,
  contracts: list,
});
export type SyncMessage = z.output<typeof syncMessageSchema>;

const quoteEntry = z.looseObject({ price: opt(price), size: opt(z.number()) });
export const wireQuoteSchema = z.looseObject({
  timestamp: opt(timestamp),
  contractId: wireId,
  entries: z.looseObject({ Bid: opt(quoteEntry), Offer: opt(quoteEntry), Trade: opt(quoteEntry) }),
});
export type WireQuote = z.output<typeof wireQuoteSchema>;

export function describeZodError(e: z.ZodError): string {
  return e.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

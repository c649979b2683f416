/**
 * The ProjectX entities as they appear on the wire (REST payloads and hub events), as zod schemas.
 * Every field but the id is optional: samples and live payloads omit fields freely (§6.4, §12.3),
 * and a hub event may carry only what changed. Callers merge onto what they knew and then check
 * completeness with the `complete*` functions, so one code path serves REST and the hubs.
 */
import { z } from 'zod';
import { parseWireTime } from './wireTime';

/** Ids are int32/int64 numbers on the wire; a string of digits is tolerated and read as the number. */
const wireId = z.union([z.number().int(), z.string().regex(/^-?\d{1,17}$/).transform(Number)]);
/** Decimals are JSON numbers (printed with nine digits in samples); numeric strings are tolerated. */
const decimal = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/).transform(Number)]);
const smallInt = z.number().int();
const time = z.string().transform((s, ctx) => {
  const t = parseWireTime(s);
  if (t === undefined) {
    ctx.addIssue({ code: 'custom', message: `not a timestamp: ${s.slice(0, 40)}` });
    return z.NEVER;
  }
  return t;
});

/** Absent and null are the same thing on this wire ("payload field may be absent or null"). */
const opt = <T extends z.ZodType>(t: T) => t.nullish().transform((v) => v ?? undefined);

export const wireAccountSchema = z.looseObject({
  id: wireId,
  name: opt(z.string()),
  balance: opt(decimal),
  canTrade: opt(z.boolean()),
  isVisible: opt(z.boolean()),
  simulated: opt(z.boolean()),
});
export type WireAccount = z.output<typeof wireAccountSchema>;

export const wireContractSchema = z.looseObject({
  id: z.string().min(1),
  name: opt(z.string()),
  description: opt(z.string()),
  tickSize: opt(decimal),
  tickValue: opt(decimal),
  activeContract: opt(z.boolean()),
  symbolId: opt(z.string()),
});
export type WireContract = z.output<typeof wireContractSchema>;

export const wireOrderSchema = z.looseObject({
  id: wireId,
  accountId: opt(wireId),
  contractId: opt(z.string().min(1)),
  symbolId: opt(z.string()),
  creationTimestamp: opt(time),
  updateTimestamp: opt(time),
  status: opt(smallInt),
  type: opt(smallInt),
  side: opt(smallInt),
  size: opt(smallInt),
  limitPrice: opt(decimal),
  stopPrice: opt(decimal),
  fillVolume: opt(smallInt),
  filledPrice: opt(decimal),
  customTag: opt(z.string()),
  trailDistance: opt(decimal),
  trailPrice: opt(decimal),
  parentOrderId: opt(wireId),
  linkedOrderId: opt(wireId),
});
export type WireOrder = z.output<typeof wireOrderSchema>;

export const wirePositionSchema = z.looseObject({
  id: wireId,
  accountId: opt(wireId),
  contractId: opt(z.string().min(1)),
  contractDisplayName: opt(z.string()),
  creationTimestamp: opt(time),
  type: opt(smallInt),
  size: opt(smallInt),
  averagePrice: opt(decimal),
});
export type WirePosition = z.output<typeof wirePositionSchema>;

export const wireTradeSchema = z.looseObject({
  id: wireId,
  accountId: opt(wireId),
  contractId: opt(z.string().min(1)),
  creationTimestamp: opt(time),
  price: opt(decimal),
  profitAndLoss: opt(decimal),
  fees: opt(decimal),
  commissions: opt(decimal),
  side: opt(smallInt),
  size: opt(smallInt),
  voided: opt(z.boolean()),
  orderId: opt(wireId),
});
export type WireTrade = z.output<typeof wireTradeSchema>;

export const wireQuoteSchema = z.looseObject({
  symbol: opt(z.string()),
  symbolName: opt(z.string()),
  lastPrice: opt(decimal),
  bestBid: opt(decimal),
  bestAsk: opt(decimal),
  change: opt(decimal),
  changePercent: opt(decimal),
  open: opt(decimal),
  high: opt(decimal),
  low: opt(decimal),
  volume: opt(decimal),
  lastUpdated: opt(time),
  timestamp: opt(time),
});
export type WireQuote = z.output<typeof wireQuoteSchema>;

// ---- completeness ------------------------------------------------------------------------------

export interface CompleteOrder extends WireOrder {
  readonly accountId: number;
  readonly contractId: string;
  readonly status: number;
  readonly type: number;
  readonly side: number;
  readonly size: number;
}

export interface CompleteTrade extends WireTrade {
  readonly accountId: number;
  readonly contractId: string;
  readonly price: number;
  readonly side: number;
  readonly size: number;
  readonly orderId: number;
}

/** A position's contract may come as an id or only as a display name, so it is resolved apart. */
export interface CompletePosition extends WirePosition {
  readonly accountId: number;
  readonly size: number;
}

/** The fields an order snapshot cannot do without, or the names of those missing. */
export function completeOrder(o: WireOrder): CompleteOrder | string[] {
  const missing = missingFields(o, ['accountId', 'contractId', 'status', 'type', 'side', 'size']);
  return missing.length > 0 ? missing : (o as CompleteOrder);
}

export function completeTrade(t: WireTrade): CompleteTrade | string[] {
  const missing = missingFields(t, ['accountId', 'contractId', 'price', 'side', 'size', 'orderId']);
  return missing.length > 0 ? missing : (t as CompleteTrade);
}

export function completePosition(p: WirePosition): CompletePosition | string[] {
  const missing = missingFields(p, ['accountId', 'size']);
  return missing.length > 0 ? missing : (p as CompletePosition);
}

function missingFields<T extends object>(value: T, keys: readonly (keyof T & string)[]): string[] {
  return keys.filter((k) => value[k] === undefined);
}

/** Merges a sparse update onto what was known: fields the update omits keep their old values. */
export function mergeSparse<T extends object>(known: T | undefined, update: T): T {
  if (!known) return update;
  const out = { ...known };
  for (const [k, v] of Object.entries(update)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

/** A zod error as one readable line (path: message; ...), for protocolError details and logs. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

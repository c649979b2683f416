/**
 * Decoding of hub events. The gateway documents one bare entity per event, but clients have seen
 * an `{action, data}` envelope, arrays with null padding, and sparse entities (§12.3). This
 * module turns any of those into a flat list of (action, entity) items; merging sparse entities
 * onto known state is the caller's job (it knows what it knew).
 */
import type { z } from 'zod';
import type { Decoded } from './restCodec';
import {
  describeZodError,
  wireAccountSchema,
  wireOrderSchema,
  wirePositionSchema,
  wireQuoteSchema,
  wireTradeSchema,
  type WireAccount,
  type WireOrder,
  type WirePosition,
  type WireQuote,
  type WireTrade,
} from './wireModels';

export const USER_EVENTS = {
  account: 'GatewayUserAccount',
  order: 'GatewayUserOrder',
  position: 'GatewayUserPosition',
  trade: 'GatewayUserTrade',
} as const;

export const MARKET_EVENTS = { quote: 'GatewayQuote', trade: 'GatewayTrade', depth: 'GatewayDepth' } as const;

/** `action` 1 = added/updated, 0 = removed/closed when the envelope carries one. */
export interface HubItem<T> {
  readonly action: number | undefined;
  readonly entity: T;
}

export type UserHubEvent =
  | { readonly kind: 'account'; readonly items: readonly HubItem<WireAccount>[] }
  | { readonly kind: 'order'; readonly items: readonly HubItem<WireOrder>[] }
  | { readonly kind: 'position'; readonly items: readonly HubItem<WirePosition>[] }
  | { readonly kind: 'trade'; readonly items: readonly HubItem<WireTrade>[] }
  /** A target we do not use (GatewayLogout, anything new): ignored on purpose. */
  | { readonly kind: 'ignored'; readonly target: string };

export type MarketHubEvent =
  | { readonly kind: 'quote'; readonly contractId: string; readonly quotes: readonly WireQuote[] }
  | { readonly kind: 'ignored'; readonly target: string };

const MAX_NESTING = 3;

interface RawItem {
  readonly action: number | undefined;
  readonly value: unknown;
}

/** Peels envelopes and arrays off one event argument. */
function unwrap(arg: unknown, action: number | undefined, depth: number, out: RawItem[]): string | undefined {
  if (depth > MAX_NESTING) return 'payload nested too deeply';
  if (arg === null) return depth === 0 ? 'payload is null' : undefined; // null padding inside a batch
  if (Array.isArray(arg)) {
    for (const item of arg) {
      const err = unwrap(item, action, depth + 1, out);
      if (err !== undefined) return err;
    }
    return undefined;
  }
  if (typeof arg !== 'object') return `payload is a ${typeof arg}, not an object`;
  const rec = arg as Record<string, unknown>;
  const ownAction = typeof rec.action === 'number' ? rec.action : action;
  if ('data' in rec && (typeof rec.data === 'object' || Array.isArray(rec.data))) {
    if (rec.data === null) return undefined; // an envelope with nothing in it
    return unwrap(rec.data, ownAction, depth + 1, out);
  }
  out.push({ action: ownAction, value: arg });
  return undefined;
}

function decodeItems<S extends z.ZodType>(target: string, args: readonly unknown[], schema: S): Decoded<HubItem<z.output<S>>[]> {
  if (args.length === 0) return { ok: false, error: `${target} without arguments` };
  const raw: RawItem[] = [];
  for (const a of args) {
    const err = unwrap(a, undefined, 0, raw);
    if (err !== undefined) return { ok: false, error: `${target}: ${err}` };
  }
  const items: HubItem<z.output<S>>[] = [];
  for (const r of raw) {
    const parsed = schema.safeParse(r.value);
    if (!parsed.success) return { ok: false, error: `${target}: ${describeZodError(parsed.error)}` };
    items.push({ action: r.action, entity: parsed.data });
  }
  return { ok: true, value: items };
}

export function decodeUserEvent(target: string, args: readonly unknown[]): Decoded<UserHubEvent> {
  const wrap = <K extends 'account' | 'order' | 'position' | 'trade', T>(kind: K, d: Decoded<HubItem<T>[]>): Decoded<{ kind: K; items: HubItem<T>[] }> =>
    d.ok ? { ok: true, value: { kind, items: d.value } } : d;
  switch (target) {
    case USER_EVENTS.account:
      return wrap('account', decodeItems(target, args, wireAccountSchema));
    case USER_EVENTS.order:
      return wrap('order', decodeItems(target, args, wireOrderSchema));
    case USER_EVENTS.position:
      return wrap('position', decodeItems(target, args, wirePositionSchema));
    case USER_EVENTS.trade:
      return wrap('trade', decodeItems(target, args, wireTradeSchema));
    default:
      return { ok: true, value: { kind: 'ignored', target } };
  }
}

/** Market events carry two arguments, `[contractId, payload]`; the payload may be a batch. */
export function decodeMarketEvent(target: string, args: readonly unknown[]): Decoded<MarketHubEvent> {
  if (target !== MARKET_EVENTS.quote) return { ok: true, value: { kind: 'ignored', target } };
  const [contractId, payload] = args;
  if (typeof contractId !== 'string' || contractId.length === 0) return { ok: false, error: `${target}: first argument is not a contract id` };
  const items = decodeItems(target, [payload], wireQuoteSchema);
  if (!items.ok) return items;
  return { ok: true, value: { kind: 'quote', contractId, quotes: items.value.map((i) => i.entity) } };
}

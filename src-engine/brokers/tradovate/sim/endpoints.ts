/**
 * The simulator's REST operations, shared by HTTP and the trading socket (any REST endpoint is
 * callable over the socket, §3.2). Answers follow the wire notes: business failures on status 200
 * with `failureReason`/`failureText` (§5.2), generic entity operations (list, item, items, deps,
 * ldeps, find) over the WireBook tables, errors as text on non-2xx.
 */
import { z } from 'zod';
import type { ContractCode } from '../../../domain/contractCode';
import { parseContractCode } from '../../../domain/contractCode';
import { moneyToDollars } from '../../../domain/money';
import type { OrderType, Side } from '../../../orders/broker';
import type { SimExchange } from '../../simcore/exchange';
import type { PlaceSpec } from '../../simcore/types';
import { fromTradovateSymbol } from '../symbols';
import { entityTypeOf, failureReasonFor, type Entity, type EntityType, type PropsOut, type WireBook } from './wireBook';

export interface RequestContext {
  readonly login: string;
  readonly userId: number;
  readonly accounts: ReadonlySet<number>;
}

export interface Answer {
  readonly status: number;
  readonly data?: unknown;
  /** Entities the operation created outside the exchange's own events (a Cancel command). */
  readonly props?: readonly PropsOut[];
}

export interface EndpointStats {
  /** API orders sent without `isAutomated: true` (§6.2: a compliance duty, not an API error). */
  notAutomated: number;
}

const ok = (data?: unknown): Answer => ({ status: 200, ...(data !== undefined ? { data } : {}) });
const error = (status: number, text: string): Answer => ({ status, data: text });
const failure = (failureReason: string, failureText: string, extra: Record<string, unknown> = {}): Answer => ok({ ...extra, failureReason, failureText });

const id = z.union([z.number().int().min(0), z.string().regex(/^\d{1,15}$/).transform(Number)]);
const orderTypeSchema = z.enum(['Limit', 'MIT', 'Market', 'QTS', 'Stop', 'StopLimit', 'TrailingStop', 'TrailingStopLimit']);
const restrained = z.looseObject({
  action: z.enum(['Buy', 'Sell']),
  orderType: orderTypeSchema,
  clOrdId: z.string().max(64).optional(),
  price: z.number().optional(),
  stopPrice: z.number().optional(),
});
const placeSchema = z.looseObject({
  accountSpec: z.string().max(64).optional(),
  accountId: id.optional(),
  clOrdId: z.string().max(64).optional(),
  action: z.enum(['Buy', 'Sell']),
  symbol: z.union([z.string().max(64), z.number().int()]),
  orderQty: z.number().int().min(0),
  orderType: orderTypeSchema,
  price: z.number().optional(),
  stopPrice: z.number().optional(),
  isAutomated: z.boolean().optional(),
  bracket1: restrained.optional(),
  bracket2: restrained.optional(),
});
const modifySchema = z.looseObject({ orderId: id, orderQty: z.number().int().min(0), orderType: orderTypeSchema, price: z.number().optional(), stopPrice: z.number().optional(), isAutomated: z.boolean().optional(), clOrdId: z.string().max(64).optional() });
const cancelSchema = z.looseObject({ orderId: id, isAutomated: z.boolean().optional(), clOrdId: z.string().max(64).optional() });
const liquidateSchema = z.looseObject({ accountId: id, contractId: id, admin: z.boolean() });
const accountIdSchema = z.looseObject({ accountId: id });

export class Endpoints {
  readonly stats: EndpointStats = { notAutomated: 0 };

  constructor(
    private readonly exchange: SimExchange,
    private readonly book: WireBook,
  ) {}

  /** `endpoint` is `entity/operation`, any case. */
  handle(ctx: RequestContext, endpoint: string, query: URLSearchParams, body: unknown): Answer {
    const [entityPart = '', op = '', ...more] = endpoint.toLowerCase().split('/');
    if (more.length > 0) return error(404, `Unknown endpoint ${endpoint}`);
    const args = new Args(query, body);
    switch (`${entityPart}/${op}`) {
      case 'auth/me':
        return ok({ userId: ctx.userId, name: ctx.login, fullName: ctx.login, email: `${ctx.login.toLowerCase()}@sim.invalid`, emailVerified: true, isTrial: false });
      case 'order/placeorder':
        return this.place(ctx, body, false);
      case 'order/placeoso':
        return this.place(ctx, body, true);
      case 'order/placeoco':
        return failure('Unsupported', 'the simulator does not implement placeoco');
      case 'order/modifyorder':
        return this.modify(ctx, body);
      case 'order/cancelorder':
        return this.cancel(ctx, body);
      case 'order/liquidateposition':
        return this.liquidate(ctx, body);
      case 'cashbalance/getcashbalancesnapshot':
        return this.cashSnapshot(ctx, body);
    }
    const type = entityTypeOf(entityPart);
    if (!type) return error(404, `Unknown entity type ${entityPart}`);
    return this.generic(ctx, type, op, args);
  }

  // ---- generic entity operations -----------------------------------------------------------------

  private generic(ctx: RequestContext, type: EntityType, op: string, args: Args): Answer {
    const visible = (e: Entity | undefined): e is Entity => e !== undefined && this.book.isVisible(type, e, ctx.accounts, ctx.userId);
    switch (op) {
      case 'list':
        return ok(this.book.visible(type, ctx.accounts, ctx.userId));
      case 'item': {
        const n = args.int('id');
        const e = n === undefined ? undefined : this.book.item(type, n);
        return visible(e) ? ok(e) : error(404, `${type} not found`);
      }
      case 'items':
        return ok(args.ints('ids').map((n) => this.book.item(type, n)).filter(visible));
      case 'deps':
      case 'ldeps': {
        const masters = new Set(op === 'deps' ? [args.int('masterid')].filter((n) => n !== undefined) : args.ints('masterids'));
        const field = this.book.master(type);
        if (!field) return error(404, `${type} has no master entity`);
        return ok(this.book.visible(type, ctx.accounts, ctx.userId).filter((e) => masters.has(Number(e[field]))));
      }
      case 'find': {
        const name = args.text('name');
        const e = name === undefined ? undefined : this.book.findByName(type, name);
        return visible(e) ? ok(e) : error(404, `${type} ${name ?? ''} not found`);
      }
      default:
        return error(404, `Unknown operation ${type}/${op}`);
    }
  }

  // ---- orders -------------------------------------------------------------------------------------

  private place(ctx: RequestContext, body: unknown, oso: boolean): Answer {
    const parsed = placeSchema.safeParse(body);
    if (!parsed.success) return error(400, `Invalid request: ${parsed.error.issues[0]?.message ?? 'bad body'}`);
    const b = parsed.data;
    const accountId = this.resolveAccount(ctx, b.accountId, b.accountSpec);
    if (accountId === undefined) return failure('UnknownReason', 'Access is denied');
    const contract = this.resolveSymbol(b.symbol);
    if (contract === undefined) return failure('InvalidContract', `Unknown symbol ${String(b.symbol)}`);
    const side: Side = b.action === 'Buy' ? 'buy' : 'sell';
    const typed = orderTerms(b.orderType, b.price, b.stopPrice);
    if (!typed.ok) return failure('Unsupported', typed.text);
    if (b.isAutomated !== true) this.stats.notAutomated++;

    let bracket: PlaceSpec['bracket'];
    const legTypes: ('stop' | 'limit')[] = [];
    if (oso) {
      if (!b.bracket1) return error(400, 'Invalid request: bracket1 is required');
      const legs = [b.bracket1, ...(b.bracket2 ? [b.bracket2] : [])];
      let stopLoss: number | undefined;
      let takeProfit: number | undefined;
      for (const leg of legs) {
        const legSide: Side = leg.action === 'Buy' ? 'buy' : 'sell';
        if (legSide === side) return failure('Unsupported', 'the simulator runs bracket legs opposite to the entry only');
        if (leg.orderType === 'Stop' && leg.stopPrice !== undefined && stopLoss === undefined) {
          stopLoss = leg.stopPrice;
          legTypes.push('stop');
        } else if (leg.orderType === 'Limit' && leg.price !== undefined && takeProfit === undefined) {
          takeProfit = leg.price;
          legTypes.push('limit');
        } else {
          return failure('Unsupported', 'the simulator runs one Stop (stopPrice) and one Limit (price) bracket leg');
        }
      }
      bracket = { stopLoss, takeProfit };
    }

    const result = this.exchange.place(accountId, { contract, side, qty: b.orderQty, type: typed.type, price: typed.price, tag: b.clOrdId, source: 'api', bracket });
    if (!result.ok) return failure(failureReasonFor(result.reason), result.reason, result.order ? { orderId: result.order.orderId } : {});
    if (!oso) return ok({ orderId: result.order.orderId });
    // The exchange orders legs stop first; answer oso1/oso2 in the order the brackets were sent.
    const legOf = (t: 'stop' | 'limit') => result.legs.find((l) => l.type === t)?.orderId;
    const [first, second] = legTypes;
    return ok({ orderId: result.order.orderId, ...(first ? { oso1Id: legOf(first) } : {}), ...(second ? { oso2Id: legOf(second) } : {}) });
  }

  private modify(ctx: RequestContext, body: unknown): Answer {
    const parsed = modifySchema.safeParse(body);
    if (!parsed.success) return error(400, `Invalid request: ${parsed.error.issues[0]?.message ?? 'bad body'}`);
    const b = parsed.data;
    const order = this.ownOrder(ctx, b.orderId);
    if (!order) return failure('UnknownReason', `Order ${b.orderId} not found`);
    const typed = orderTerms(b.orderType, b.price, b.stopPrice);
    if (!typed.ok) return failure('Unsupported', typed.text);
    if (typed.type !== order.type) return failure('Unsupported', 'the simulator cannot change an order type');
    if (b.isAutomated !== true) this.stats.notAutomated++;
    const r = this.exchange.modify(order.accountId, order.orderId, { qty: b.orderQty, price: typed.price });
    if (!r.ok) return failure(failureReasonFor(r.reason), r.reason);
    return ok({ commandId: this.book.latestCommand(order.orderId) });
  }

  private cancel(ctx: RequestContext, body: unknown): Answer {
    const parsed = cancelSchema.safeParse(body);
    if (!parsed.success) return error(400, `Invalid request: ${parsed.error.issues[0]?.message ?? 'bad body'}`);
    const order = this.ownOrder(ctx, parsed.data.orderId);
    if (!order) return failure('UnknownReason', `Order ${parsed.data.orderId} not found`);
    const r = this.exchange.cancel(order.accountId, order.orderId);
    if (!r.ok) return failure(failureReasonFor(r.reason), r.reason);
    const { out, commandId } = this.book.newCommand(order.orderId, order.accountId, 'Cancel', parsed.data.isAutomated === true, parsed.data.clOrdId);
    return { status: 200, data: { commandId }, props: [out] };
  }

  private liquidate(ctx: RequestContext, body: unknown): Answer {
    const parsed = liquidateSchema.safeParse(body);
    if (!parsed.success) return error(400, `Invalid request: ${parsed.error.issues[0]?.message ?? 'bad body'}`);
    const { accountId, contractId } = parsed.data;
    if (!ctx.accounts.has(accountId)) return failure('UnknownReason', 'Access is denied');
    const contract = this.book.contractCodeOf(contractId);
    if (!contract) return failure('InvalidContract', `Unknown contract ${contractId}`);
    const r = this.exchange.liquidate(accountId, contract);
    if (r === undefined) return ok({});
    return r.ok ? ok({ orderId: r.order.orderId }) : failure(failureReasonFor(r.reason), r.reason);
  }

  private cashSnapshot(ctx: RequestContext, body: unknown): Answer {
    const parsed = accountIdSchema.safeParse(body);
    if (!parsed.success) return error(400, 'Invalid request: accountId is required');
    const acc = this.exchange.account(parsed.data.accountId);
    if (!acc || !ctx.accounts.has(acc.id)) return ok({ errorText: 'Access is denied' });
    const cash = moneyToDollars(acc.balance);
    let openPnL = 0;
    let open = false;
    for (const p of this.exchange.positions(acc.id)) {
      const q = this.exchange.quote(p.contract);
      if (p.netPos === 0 || !q) continue;
      open = true;
      const pointValue = this.exchange.catalog.require(parseContractCode(p.contract).root).pointValue.toNumber();
      openPnL += (q.price - p.avgPrice) * pointValue * p.netPos;
    }
    const realized = cash - moneyToDollars(acc.spec.balance);
    // P&L fields are omitted when they do not apply (§7).
    return ok({ totalCashValue: cash, netLiq: cash + openPnL, initialMargin: 0, maintenanceMargin: 0, ...(realized !== 0 ? { realizedPnL: realized, weekRealizedPnL: realized } : {}), ...(open ? { openPnL, totalPnL: realized + openPnL } : {}) });
  }

  // ---- helpers --------------------------------------------------------------------------------

  private resolveAccount(ctx: RequestContext, accountId: number | undefined, accountSpec: string | undefined): number | undefined {
    if (accountId !== undefined) return ctx.accounts.has(accountId) ? accountId : undefined;
    if (accountSpec === undefined) return undefined;
    for (const a of ctx.accounts) if (this.exchange.account(a)?.spec.name === accountSpec) return a;
    return undefined;
  }

  /** A contract name (MNQZ6) or a contract id, as md and order calls accept both (§5.11). */
  resolveSymbol(symbol: string | number): ContractCode | undefined {
    if (typeof symbol === 'number') return this.book.contractCodeOf(symbol);
    const code = fromTradovateSymbol(symbol, this.exchange.clock.now());
    if (!code.ok) return undefined;
    const { root, year, month } = parseContractCode(code.value);
    if (!this.exchange.catalog.product(root) || !this.exchange.catalog.lists(root, year, month)) return undefined;
    return code.value;
  }

  private ownOrder(ctx: RequestContext, orderId: number): { readonly accountId: number; readonly orderId: number; readonly type: OrderType } | undefined {
    for (const a of ctx.accounts) {
      const o = this.exchange.account(a)?.orders.get(orderId);
      if (o) return o;
    }
    return undefined;
  }
}

function orderTerms(orderType: string, price: number | undefined, stopPrice: number | undefined): { ok: true; type: OrderType; price: number | undefined } | { ok: false; text: string } {
  switch (orderType) {
    case 'Market':
      return { ok: true, type: 'market', price: undefined };
    case 'Limit':
      return price === undefined ? { ok: false, text: 'a Limit order needs price' } : { ok: true, type: 'limit', price };
    case 'Stop':
      return stopPrice === undefined ? { ok: false, text: 'a Stop order needs stopPrice' } : { ok: true, type: 'stop', price: stopPrice };
    default:
      return { ok: false, text: `the simulator does not implement ${orderType} orders` };
  }
}

/** Operation arguments from the query string, or from a JSON body (the method is relaxed, §1). */
class Args {
  constructor(
    private readonly query: URLSearchParams,
    private readonly body: unknown,
  ) {}

  text(name: string): string | undefined {
    const q = this.query.get(name);
    if (q !== null) return q;
    if (typeof this.body === 'object' && this.body !== null) {
      const v = (this.body as Record<string, unknown>)[name];
      if (typeof v === 'string' || typeof v === 'number') return String(v);
    }
    return undefined;
  }

  int(name: string): number | undefined {
    const t = this.text(name);
    return t !== undefined && /^\d{1,15}$/.test(t.trim()) ? Number(t) : undefined;
  }

  ints(name: string): number[] {
    return (this.text(name) ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => /^\d{1,15}$/.test(s))
      .map(Number);
  }
}

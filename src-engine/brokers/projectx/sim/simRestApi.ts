/**
 * The simulator's REST endpoints (§3–§8): JSON POST bodies in, the gateway envelope out. Business
 * failures are HTTP 200 with `success:false` and the endpoint's own error code; 400 is for bodies
 * that do not fit the schema (ProblemDetails, as ASP.NET model validation answers); 401 for
 * missing or expired bearers. Everything here is synchronous against the shared exchange.
 */
import { z } from 'zod';
import { parseContractCode, type ContractCode } from '../../../domain/contractCode';
import { Rational } from '../../../domain/rational';
import type { OrderType as EngineOrderType, Side } from '../../../orders/broker';
import type { SimAccount, SimExchange } from '../../simcore/exchange';
import type { SimOrder } from '../../simcore/types';
import type { ContractIds } from '../contractIds';
import { errorCode, OrderSide, OrderType, type Endpoint } from '../wireEnums';
import { parseWireTime } from '../wireTime';
import type { SimAccountSettings } from './simAccounts';
import type { SimTokens } from './simTokens';
import type { Json, SimWire } from './simWire';

export interface RestReply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface SimRestOptions {
  /** Whether Auth/validate renews a token that has already expired (the docs disagree, §3.3). */
  readonly validateAcceptsExpired: boolean;
  /** Order/search leaves out orders younger than this (ms, exchange clock): a search index that lags the hub. */
  readonly searchLagMs?: number;
}

const id = z.number().int();
const price = z.number().nullish();
const timestamp = z.string().refine((s) => parseWireTime(s) !== undefined, 'not an ISO-8601 timestamp');
const bracket = z.object({ ticks: z.number().int(), type: z.number().int() }).nullish();

const schemas = {
  loginKey: z.looseObject({ userName: z.string().min(1), apiKey: z.string().min(1) }),
  accountSearch: z.looseObject({ onlyActiveAccounts: z.boolean() }),
  contractSearch: z.looseObject({ searchText: z.string().nullish(), live: z.boolean().nullish() }),
  contractById: z.looseObject({ contractId: z.string() }),
  contractAvailable: z.looseObject({ live: z.boolean().nullish() }),
  place: z.looseObject({
    accountId: id,
    contractId: z.string(),
    type: z.number().int(),
    side: z.number().int(),
    size: z.number().int(),
    limitPrice: price,
    stopPrice: price,
    trailPrice: price,
    customTag: z.string().nullish(),
    stopLossBracket: bracket,
    takeProfitBracket: bracket,
  }),
  modify: z.looseObject({ accountId: id, orderId: id, size: z.number().int().nullish(), limitPrice: price, stopPrice: price, trailPrice: price }),
  cancel: z.looseObject({ accountId: id, orderId: id }),
  search: z.looseObject({ accountId: id, startTimestamp: timestamp, endTimestamp: timestamp.nullish() }),
  byAccount: z.looseObject({ accountId: id }),
  byId: z.looseObject({ accountId: id, orderId: id }),
  v2Query: z.looseObject({
    filter: z.looseObject({
      accountId: id,
      statuses: z.array(z.number().int()).nullish(),
      contractId: z.string().nullish(),
      createdAfter: timestamp.nullish(),
      createdBefore: timestamp.nullish(),
    }),
    pageSize: z.number().int().min(1).max(1000).nullish(),
    pageOffset: z.number().int().min(0).nullish(),
    sortBy: z.number().int().min(0).max(1).nullish(),
    sortDirection: z.number().int().min(0).max(1).nullish(),
    includeTotalCount: z.boolean().nullish(),
  }),
  closeContract: z.looseObject({ accountId: id, contractId: z.string() }),
  partialClose: z.looseObject({ accountId: id, contractId: z.string(), size: z.number().int() }),
};

/** One page of v2/query is capped at 100 rows, as one client reports of the real server. */
const V2_PAGE_CAP = 100;
const CONTRACT_SEARCH_MAX = 20;
const POSITION_BRACKETS_MESSAGE = 'Brackets cannot be used with Position Brackets. You must enable Auto OCO Brackets.';

export function envelope(payload: Json = {}): Json {
  return { ...payload, success: true, errorCode: 0, errorMessage: null };
}

function failure(endpoint: Endpoint, code: string, message: string | null, payload: Json = {}): RestReply {
  return { status: 200, body: { ...payload, success: false, errorCode: errorCode(endpoint, code), errorMessage: message } };
}

function ok(payload: Json = {}): RestReply {
  return { status: 200, body: envelope(payload) };
}

export function problem(status: number, title: string, detail?: string): RestReply {
  return {
    status,
    body: { type: 'https://tools.ietf.org/html/rfc9110#section-15.5.1', title, status, ...(detail !== undefined ? { detail } : {}), instance: null },
    headers: { 'content-type': 'application/problem+json' },
  };
}

export class SimRestApi {
  constructor(
    private readonly exchange: SimExchange,
    private readonly wire: SimWire,
    private readonly ids: ContractIds,
    private readonly tokens: SimTokens,
    private readonly settings: SimAccountSettings,
    private readonly logins: ReadonlyMap<string, string>,
    private readonly options: SimRestOptions,
  ) {}

  /** `Auth/loginKey`; returns the login on success so the caller can attribute the request. */
  loginKey(body: unknown): RestReply {
    const r = schemas.loginKey.safeParse(body);
    if (!r.success) return problem(400, 'One or more validation errors occurred.', 'userName and apiKey are required');
    const login = r.data.userName.toLowerCase();
    const key = this.logins.get(login);
    if (key === undefined || key !== r.data.apiKey) return failure('Auth/loginKey', 'InvalidCredentials', null, { token: null });
    return ok({ token: this.tokens.issue(login) });
  }

  /** `Auth/validate`: a fresh token for the bearer's session; the old one stays valid until it expires. */
  validate(bearer: string | undefined): RestReply {
    const check = this.tokens.check(bearer);
    if (check.ok) return ok({ newToken: this.tokens.issue(check.login) });
    if (check.reason === 'expired' && check.login !== undefined && this.options.validateAcceptsExpired) return ok({ newToken: this.tokens.issue(check.login) });
    return { status: 401 };
  }

  /** Every other endpoint, for an authenticated `login`. `path` is lower-case, after `/api/`. */
  route(path: string, login: string, body: unknown, bearer: string | undefined): RestReply {
    switch (path) {
      case 'auth/logout':
        // Whether logout ends only the calling token is unconfirmed (§3.4): this one ends only it.
        if (bearer !== undefined) this.tokens.expire(bearer);
        return ok();
      case 'account/search':
        return this.parsed(schemas.accountSearch, body, () => ok({ accounts: this.accountsOf(login).map((a) => this.wire.account(a, this.settings.get(a.id))) }));
      case 'contract/search':
        return this.parsed(schemas.contractSearch, body, (b) => ok({ contracts: this.searchContracts(b.searchText ?? '', CONTRACT_SEARCH_MAX) }));
      case 'contract/searchbyid':
        return this.parsed(schemas.contractById, body, (b) => this.contractById(b.contractId));
      case 'contract/available':
        return this.parsed(schemas.contractAvailable, body, () => ok({ contracts: this.searchContracts('', Infinity) }));
      case 'order/place':
        return this.parsed(schemas.place, body, (b) => this.place(login, b));
      case 'order/modify':
        return this.parsed(schemas.modify, body, (b) => this.modify(login, b));
      case 'order/cancel':
        return this.parsed(schemas.cancel, body, (b) => this.cancel(login, b.accountId, b.orderId));
      case 'order/search':
        return this.parsed(schemas.search, body, (b) =>
          this.withAccount('Order/search', login, b.accountId, (a) => {
            const listedBy = this.exchange.clock.now() - (this.options.searchLagMs ?? 0);
            return ok({ orders: inRange(a.orderLog, b.startTimestamp, b.endTimestamp).filter((o) => o.createdAt <= listedBy).map((o) => this.wire.order(o)) });
          }),
        );
      case 'order/searchopen':
        // Documented: Open-status orders only; suspended bracket children are left out (§6.4).
        return this.parsed(schemas.byAccount, body, (b) =>
          this.withAccount('Order/searchOpen', login, b.accountId, (a) => ok({ orders: [...a.orders.values()].filter((o) => o.status === 'pending' || o.status === 'working').map((o) => this.wire.order(o)) })),
        );
      case 'order/searchbyid':
        return this.parsed(schemas.byId, body, (b) => {
          const a = this.ownAccount(login, b.accountId);
          const o = a?.orders.get(b.orderId);
          return o ? ok({ order: this.wire.order(o) }) : failure('Order/searchById', 'OrderNotFound', null, { order: null });
        });
      case 'order/v2/query':
        return this.v2Query(login, body);
      case 'position/searchopen':
        return this.parsed(schemas.byAccount, body, (b) =>
          this.withAccount('Position/searchOpen', login, b.accountId, (a) =>
            ok({ positions: this.exchange.positions(a.id).filter((p) => p.netPos !== 0).map((p) => this.wire.position(a.id, p)) }),
          ),
        );
      case 'position/closecontract':
        return this.parsed(schemas.closeContract, body, (b) => this.closeContract(login, b.accountId, b.contractId));
      case 'position/partialclosecontract':
        return this.parsed(schemas.partialClose, body, (b) => this.partialClose(login, b.accountId, b.contractId, b.size));
      case 'trade/search':
        return this.parsed(schemas.search, body, (b) =>
          this.withAccount('Trade/search', login, b.accountId, (a) => {
            const from = parseWireTime(b.startTimestamp) ?? 0;
            const to = b.endTimestamp ? (parseWireTime(b.endTimestamp) ?? Infinity) : Infinity;
            return ok({ trades: a.fills.filter((f) => f.time >= from && f.time <= to).map((f) => this.wire.trade(f)) });
          }),
        );
      default:
        return { status: 404 };
    }
  }

  accountsOf(login: string): SimAccount[] {
    return this.exchange.accountsOf('projectx', login);
  }

  // ---- orders -----------------------------------------------------------------------------------

  private place(login: string, b: z.output<typeof schemas.place>): RestReply {
    const account = this.ownAccount(login, b.accountId);
    if (!account) return failure('Order/place', 'AccountNotFound', null, { orderId: null });
    const contract = this.ids.fromId(b.contractId);
    if (!contract.ok) return failure('Order/place', 'ContractNotFound', contract.error, { orderId: null });
    if (!this.settings.get(account.id).canTrade) return failure('Order/place', 'AccountViolation', 'Account is not allowed to trade', { orderId: null });
    const type = engineType(b.type);
    if (type === undefined) return failure('Order/place', 'OrderRejected', `Order type ${b.type} is not supported by the simulator`, { orderId: null });
    if (b.side !== OrderSide.Bid && b.side !== OrderSide.Ask) return failure('Order/place', 'OrderRejected', `Invalid side ${b.side}`, { orderId: null });
    const side: Side = b.side === OrderSide.Bid ? 'buy' : 'sell';
    const price = type === 'limit' ? (b.limitPrice ?? undefined) : type === 'stop' ? (b.stopPrice ?? undefined) : undefined;
    const tag = b.customTag ?? undefined;
    const spec = { contract: contract.value, side, qty: b.size, type, price, tag, source: 'api' as const };

    const wantsBracket = Boolean(b.stopLossBracket ?? b.takeProfitBracket);
    if (wantsBracket && this.settings.get(account.id).bracketMode === 'position') return this.recordRejection(account, spec, POSITION_BRACKETS_MESSAGE);
    let bracket: { stopLoss?: number; takeProfit?: number } | undefined;
    if (wantsBracket) {
      const legs = this.bracketPrices(contract.value, side, type, price, b.stopLossBracket ?? undefined, b.takeProfitBracket ?? undefined);
      if (typeof legs === 'string') return this.recordRejection(account, spec, legs);
      bracket = legs;
    }
    const result = this.exchange.place(account.id, { ...spec, bracket });
    if (result.ok) return ok({ orderId: result.order.orderId });
    return failure('Order/place', 'OrderRejected', result.reason, { orderId: result.order?.orderId ?? null });
  }

  /**
   * Bracket ticks to prices. Clients disagree on the sign (§6.1), so the magnitude is taken and
   * the direction comes from the side: a long's stop below the entry, its target above.
   */
  private bracketPrices(
    contract: ContractCode,
    side: Side,
    type: EngineOrderType,
    price: number | undefined,
    sl: { ticks: number; type: number } | undefined,
    tp: { ticks: number; type: number } | undefined,
  ): { stopLoss?: number; takeProfit?: number } | string {
    if (sl && sl.type !== OrderType.Stop) return `Stop loss bracket type ${sl.type} is not supported by the simulator`;
    if (tp && tp.type !== OrderType.Limit) return `Take profit bracket type ${tp.type} is not supported by the simulator`;
    const ref = type === 'market' ? this.exchange.quote(contract)?.price : price;
    if (ref === undefined) return 'Cannot place brackets without a last price';
    const tick = this.exchange.catalog.require(parseContractCode(contract).root).tickSize;
    const dir = side === 'buy' ? 1 : -1;
    const at = (ticks: number, sign: number): number => Rational.fromDecimalNumber(ref).add(tick.mulInt(sign * Math.abs(ticks))).toNumber();
    return {
      ...(sl ? { stopLoss: at(sl.ticks, -dir) } : {}),
      ...(tp ? { takeProfit: at(tp.ticks, dir) } : {}),
    };
  }

  /** A rejection the gateway records as an order (it returns its id), made by the exchange's own rejection path. */
  private recordRejection(account: SimAccount, spec: Parameters<SimExchange['place']>[1], reason: string): RestReply {
    const armed = account.faults.rejectNext;
    account.faults.rejectNext = reason;
    const result = this.exchange.place(account.id, spec);
    account.faults.rejectNext = armed;
    const orderId = result.ok ? result.order.orderId : (result.order?.orderId ?? null);
    return failure('Order/place', 'OrderRejected', result.ok ? reason : result.reason, { orderId });
  }

  private modify(login: string, b: z.output<typeof schemas.modify>): RestReply {
    const account = this.ownAccount(login, b.accountId);
    if (!account) return failure('Order/modify', 'AccountNotFound', null);
    const order = account.orders.get(b.orderId);
    if (!order) return failure('Order/modify', 'OrderNotFound', null);
    const price = order.type === 'limit' ? b.limitPrice : order.type === 'stop' ? b.stopPrice : undefined;
    if (order.type === 'market' && [b.limitPrice, b.stopPrice, b.trailPrice].some((p) => p !== undefined && p !== null)) return failure('Order/modify', 'Rejected', 'A market order has no price');
    const r = this.exchange.modify(account.id, order.orderId, { qty: b.size ?? undefined, price: price ?? undefined });
    return r.ok ? ok() : failure('Order/modify', 'Rejected', r.reason);
  }

  private cancel(login: string, accountId: number, orderId: number): RestReply {
    const account = this.ownAccount(login, accountId);
    if (!account) return failure('Order/cancel', 'AccountNotFound', null);
    const flags = this.settings.get(account.id);
    if (flags.follower) return failure('Order/cancel', 'AccountRejected', 'Follower accounts cannot cancel orders');
    if (!flags.simulated) return failure('Order/cancel', 'AccountRejected', 'Live accounts not supported');
    if (!account.orders.has(orderId)) return failure('Order/cancel', 'OrderNotFound', null);
    const r = this.exchange.cancel(account.id, orderId);
    return r.ok ? ok() : failure('Order/cancel', 'Rejected', r.reason);
  }

  private v2Query(login: string, body: unknown): RestReply {
    const r = schemas.v2Query.safeParse(body);
    if (!r.success) return problem(400, 'One or more validation errors occurred.', r.error.issues[0]?.message);
    const q = r.data;
    const account = this.ownAccount(login, q.filter.accountId);
    if (!account) return failure('Order/v2/query', 'AccountNotFound', null, { orders: null });
    const statuses = q.filter.statuses ? new Set(q.filter.statuses) : undefined;
    const after = q.filter.createdAfter ? parseWireTime(q.filter.createdAfter) : undefined;
    const before = q.filter.createdBefore ? parseWireTime(q.filter.createdBefore) : undefined;
    let rows = [...account.orders.values()]
      .map((o) => ({ o, json: this.wire.order(o) }))
      .filter(({ o, json }) => {
        if (statuses && !statuses.has(json.status as number)) return false;
        if (q.filter.contractId && json.contractId !== q.filter.contractId) return false;
        if (after !== undefined && o.createdAt < after) return false;
        if (before !== undefined && o.createdAt >= before) return false;
        return true;
      });
    const desc = (q.sortDirection ?? 1) === 1;
    const key = (o: SimOrder): number => ((q.sortBy ?? 0) === 0 ? o.createdAt * 1e4 + (o.orderId % 1e4) : o.orderId);
    rows = rows.sort((x, y) => (desc ? key(y.o) - key(x.o) : key(x.o) - key(y.o)));
    const size = Math.min(q.pageSize ?? 50, V2_PAGE_CAP);
    const offset = q.pageOffset ?? 0;
    const page = rows.slice(offset, offset + size).map((r) => r.json);
    return ok({ orders: page, ...(q.includeTotalCount ? { totalCount: rows.length } : {}) });
  }

  // ---- positions --------------------------------------------------------------------------------

  private closeContract(login: string, accountId: number, contractId: string): RestReply {
    const account = this.ownAccount(login, accountId);
    if (!account) return failure('Position/closeContract', 'AccountNotFound', null);
    const contract = this.ids.fromId(contractId);
    if (!contract.ok) return failure('Position/closeContract', 'ContractNotFound', null);
    if (this.exchange.positionOf(account.id, contract.value) === 0) return failure('Position/closeContract', 'PositionNotFound', null);
    const r = this.exchange.liquidate(account.id, contract.value);
    return r && !r.ok ? failure('Position/closeContract', 'OrderRejected', r.reason) : ok();
  }

  private partialClose(login: string, accountId: number, contractId: string, size: number): RestReply {
    const account = this.ownAccount(login, accountId);
    if (!account) return failure('Position/partialCloseContract', 'AccountNotFound', null);
    const contract = this.ids.fromId(contractId);
    if (!contract.ok) return failure('Position/partialCloseContract', 'ContractNotFound', null);
    const pos = this.exchange.positionOf(account.id, contract.value);
    if (pos === 0) return failure('Position/partialCloseContract', 'PositionNotFound', null);
    if (size <= 0 || size > Math.abs(pos)) return failure('Position/partialCloseContract', 'InvalidCloseSize', null);
    const r = this.exchange.place(account.id, { contract: contract.value, side: pos > 0 ? 'sell' : 'buy', qty: size, type: 'market', source: 'api' });
    return r.ok ? ok() : failure('Position/partialCloseContract', 'OrderRejected', null);
  }

  // ---- contracts --------------------------------------------------------------------------------

  /** Front-month contracts of the products matching `text` (search answers at most 20, no paging). */
  private searchContracts(text: string, max: number): Json[] {
    const needle = text.trim().toUpperCase();
    const now = this.exchange.clock.now();
    const out: Json[] = [];
    for (const p of this.exchange.catalog.products()) {
      if (needle && !p.root.toUpperCase().includes(needle) && !p.projectxRoot.toUpperCase().includes(needle)) continue;
      const c = this.wire.contract(this.exchange.catalog.frontMonth(p.root, now));
      if (c) out.push(c);
      if (out.length >= max) break;
    }
    return out;
  }

  private contractById(contractId: string): RestReply {
    const code = this.ids.fromId(contractId);
    const c = code.ok ? this.wire.contract(code.value) : undefined;
    return c ? ok({ contract: c }) : failure('Contract/searchById', 'ContractNotFound', null, { contract: null });
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private parsed<S extends z.ZodType>(schema: S, body: unknown, fn: (b: z.output<S>) => RestReply): RestReply {
    const r = schema.safeParse(body);
    if (!r.success) {
      const first = r.error.issues[0];
      return problem(400, 'One or more validation errors occurred.', first ? `${first.path.join('.')}: ${first.message}` : undefined);
    }
    return fn(r.data);
  }

  private ownAccount(login: string, accountId: number): SimAccount | undefined {
    const a = this.exchange.account(accountId);
    return a && a.spec.broker === 'projectx' && a.spec.login.toLowerCase() === login ? a : undefined;
  }

  private withAccount(endpoint: Endpoint, login: string, accountId: number, fn: (a: SimAccount) => RestReply): RestReply {
    const a = this.ownAccount(login, accountId);
    return a ? fn(a) : failure(endpoint, 'AccountNotFound', null);
  }
}

function engineType(t: number): EngineOrderType | undefined {
  if (t === OrderType.Market) return 'market';
  if (t === OrderType.Limit) return 'limit';
  if (t === OrderType.Stop) return 'stop';
  return undefined;
}

function inRange(orders: readonly SimOrder[], start: string, end: string | null | undefined): SimOrder[] {
  const from = parseWireTime(start) ?? 0;
  const to = end ? (parseWireTime(end) ?? Infinity) : Infinity;
  return orders.filter((o) => o.createdAt >= from && o.createdAt <= to);
}

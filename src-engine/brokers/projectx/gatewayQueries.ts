/**
 * Read-only REST queries (accounts, positions, orders, trades). Reads are safe to repeat, so a
 * 429 is waited out and the query sent again; any other failure is thrown as a GatewayError with
 * a readable reason. An absent list is "unknown" (§2), never "empty": it throws too.
 */
import type { Endpoint } from './wireEnums';
import { errorCodeName, OPEN_STATUSES, OrderStatus } from './wireEnums';
import type { RestClient } from './restClient';
import { decodeAccounts, decodeOrder, decodeOrders, decodePositions, decodeTrades, type Decoded, type Envelope } from './restCodec';
import type { WireAccount, WireOrder, WirePosition, WireTrade } from './wireModels';
import { formatWireTime } from './wireTime';

export class GatewayError extends Error {
  constructor(
    message: string,
    /** The broker said no (a business error code), as opposed to not answering. */
    readonly refused: boolean,
  ) {
    super(message);
    this.name = 'GatewayError';
  }
}

const MAX_RATE_LIMIT_WAITS = 5;
const V2_PAGE_SIZE = 100;
const V2_MAX_PAGES = 50;

export class GatewayQueries {
  constructor(private readonly rest: RestClient) {}

  accounts(): Promise<WireAccount[]> {
    return this.list('Account/search', { onlyActiveAccounts: true }, decodeAccounts);
  }

  positions(accountId: number): Promise<WirePosition[]> {
    return this.list('Position/searchOpen', { accountId }, decodePositions);
  }

  trades(accountId: number, sinceMs: number): Promise<WireTrade[]> {
    return this.list('Trade/search', { accountId, startTimestamp: formatWireTime(sinceMs) }, decodeTrades);
  }

  ordersSince(accountId: number, sinceMs: number): Promise<WireOrder[]> {
    return this.list('Order/search', { accountId, startTimestamp: formatWireTime(sinceMs) }, decodeOrders);
  }

  async orderById(accountId: number, orderId: number): Promise<WireOrder | undefined> {
    const env = await this.call('Order/searchById', { accountId, orderId }, true);
    if (!env.success) return undefined;
    return unwrap('Order/searchById', decodeOrder(env));
  }

  /**
   * Orders not in a final state, suspended bracket legs included. searchOpen leaves those legs
   * out (§6.4, §14.9), so v2/query with statuses [1,6,7,8] comes first; a gateway without it
   * falls back to searchOpen plus the day's suspended orders from Order/search.
   */
  async openOrders(accountId: number, sessionStartMs: number): Promise<WireOrder[]> {
    try {
      const out: WireOrder[] = [];
      for (let page = 0; page < V2_MAX_PAGES; page++) {
        const body = { filter: { accountId, statuses: OPEN_STATUSES }, pageSize: V2_PAGE_SIZE, pageOffset: page * V2_PAGE_SIZE, sortBy: 1, sortDirection: 0, includeTotalCount: true };
        const env = await this.call('Order/v2/query', body);
        const rows = unwrap('Order/v2/query', decodeOrders(env));
        if (rows === undefined) throw new GatewayError('Order/v2/query: orders missing from the answer', false);
        out.push(...rows);
        const total = typeof env.body.totalCount === 'number' ? env.body.totalCount : undefined;
        // A server may cap pages below what we asked (100 per one client): stop on an empty page or the total.
        if (rows.length === 0 || (total !== undefined && out.length >= total) || (total === undefined && rows.length < V2_PAGE_SIZE)) break;
      }
      return out;
    } catch (e) {
      if (!(e instanceof GatewayError) || !/HTTP (400|404|405)/.test(e.message)) throw e;
      const [open, today] = await Promise.all([this.list('Order/searchOpen', { accountId }, decodeOrders), this.ordersSince(accountId, sessionStartMs)]);
      const suspended = today.filter((o) => o.status === OrderStatus.Suspended && !open.some((x) => x.id === o.id));
      return [...open, ...suspended];
    }
  }

  // ---- plumbing ---------------------------------------------------------------------------------

  private async list<T>(endpoint: Endpoint, body: unknown, decode: (env: Envelope) => Decoded<T[] | undefined>): Promise<T[]> {
    const env = await this.call(endpoint, body);
    const rows = unwrap(endpoint, decode(env));
    if (rows === undefined) throw new GatewayError(`${endpoint}: the list is missing from the answer (unknown, not empty)`, false);
    return rows;
  }

  /** One envelope; business failures throw unless `allowFailure`. */
  private async call(endpoint: Endpoint, body: unknown, allowFailure = false): Promise<Envelope> {
    for (let waits = 0; ; waits++) {
      const r = await this.rest.post(endpoint, body);
      switch (r.kind) {
        case 'envelope':
          if (!r.env.success && !allowFailure) throw new GatewayError(describeFailure(endpoint, r.env), true);
          return r.env;
        case 'rateLimited':
          if (waits >= MAX_RATE_LIMIT_WAITS) throw new GatewayError(`${endpoint}: still rate limited after ${waits} waits`, false);
          await this.rest.sleepUntil(r.retryAt);
          continue;
        case 'unauthorized':
          throw new GatewayError(`${endpoint}: ${r.detail}`, true);
        case 'noAnswer':
          throw new GatewayError(`${endpoint}: ${r.detail}`, false);
        case 'httpError':
          throw new GatewayError(`${endpoint}: HTTP ${r.status} ${r.detail}`, false);
        case 'malformed':
          throw new GatewayError(`${endpoint}: unreadable answer (${r.detail})`, false);
      }
    }
  }
}

export function describeFailure(endpoint: Endpoint, env: Envelope): string {
  const name = errorCodeName(endpoint, env.errorCode);
  return env.errorMessage ? `${name}: ${env.errorMessage}` : `${name} (code ${env.errorCode})`;
}

function unwrap<T>(endpoint: Endpoint, d: Decoded<T>): T {
  if (!d.ok) throw new GatewayError(`${endpoint}: ${d.error}`, false);
  return d.value;
}

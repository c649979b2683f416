/**
 * Tradovate REST calls with the login's rules applied in one place: the Bearer token (renewed or
 * re-obtained on 401, then the call retried once: a 401 means it was not executed), the request
 * budget, penalty tickets honoured, and every failure classified (permanent / transient / unknown).
 * Orders go over REST rather than the socket so a lost answer is tied to one HTTP exchange, and a
 * token refused by REST is visible per call (the socket stays authorised after expiry, §2.2).
 */
import { BrokerError } from './brokerError';
import { httpCall, type HttpResult } from './httpTransport';
import { sendHonouringPenalties, waitForRoom, type PenaltyContext } from './penalty';
import type { TokenManager } from './tokenManager';

export interface RestCall {
  /** `order/placeorder`, `contract/item`... (no leading slash, no /v1). */
  readonly endpoint: string;
  readonly query?: Readonly<Record<string, string | number>>;
  /** JSON body; the call is a POST when present, else a GET. */
  readonly body?: Readonly<Record<string, unknown>>;
  /**
   * True for calls that change broker state (place, modify, cancel): a request that may have
   * reached the server without an answer is `unknown`, never `transient`.
   */
  readonly mutates: boolean;
  /** performance.now() when the request was handed to the socket (first send only). */
  readonly onWritten?: (atMs: number) => void;
}

export interface RestClientDeps {
  readonly restUrl: string;
  readonly tokens: TokenManager;
  readonly penalty: PenaltyContext;
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
  readonly onRequest: () => void;
}

export class RestClient {
  constructor(private readonly deps: RestClientDeps) {}

  /** The 2xx JSON payload, or a BrokerError saying what the caller may do about the failure. */
  async call(c: RestCall): Promise<unknown> {
    if (!c.mutates) await waitForRoom(this.deps.penalty);
    let session = await this.deps.tokens.valid();
    for (let attempt = 0; ; attempt++) {
      const token = session.accessToken;
      const result = await sendHonouringPenalties(this.deps.penalty, (ticket) => this.send(c, token, ticket), payloadOf);
      if (result.kind === 'answer' && result.status === 401 && attempt === 0) {
        // Not executed; refresh the token (renew, else log in) and send it once more.
        session = await this.deps.tokens.refresh(token);
        continue;
      }
      return this.classify(c, result);
    }
  }

  private send(c: RestCall, token: string, ticket: string | undefined): Promise<HttpResult> {
    if (this.deps.signal.aborted) return Promise.reject(new BrokerError('transient', 'connection stopped'));
    this.deps.onRequest();
    let query = c.query ? new URLSearchParams(Object.entries(c.query).map(([k, v]) => [k, String(v)])) : undefined;
    let body = c.body;
    if (ticket !== undefined) {
      // "The identical body plus p-ticket"; a body-less GET carries it in the query (simulator accepts both).
      if (body !== undefined) body = { ...body, 'p-ticket': ticket };
      else (query ??= new URLSearchParams()).set('p-ticket', ticket);
    }
    const qs = query && [...query.keys()].length > 0 ? `?${query.toString()}` : '';
    return httpCall({
      method: body === undefined ? 'GET' : 'POST',
      url: `${this.deps.restUrl.replace(/\/+$/, '')}/${c.endpoint}${qs}`,
      token,
      ...(body !== undefined ? { body } : {}),
      timeoutMs: this.deps.timeoutMs,
      signal: this.deps.signal,
      ...(c.onWritten ? { onWritten: c.onWritten } : {}),
    });
  }

  private classify(c: RestCall, r: HttpResult): unknown {
    if (r.kind === 'failure') {
      if (r.aborted && !r.maybeExecuted) throw new BrokerError('transient', r.reason);
      if (c.mutates && r.maybeExecuted) throw new BrokerError('unknown', `${c.endpoint}: ${r.reason}; the broker may have executed it`);
      throw new BrokerError('transient', `${c.endpoint}: ${r.reason}`);
    }
    const { status } = r;
    if (status >= 200 && status < 300) {
      if (r.json === undefined && r.text.length > 0) {
        throw new BrokerError(c.mutates ? 'unknown' : 'transient', `${c.endpoint}: unreadable answer`, undefined, status);
      }
      return r.json;
    }
    const text = errorText(r);
    if (status === 401 || status === 403) throw new BrokerError('permanent', text || 'Access is denied', undefined, status);
    if (status === 429) {
      // User-level limit: no ticket, wait (about an hour per the partner docs, or Retry-After).
      const until = this.deps.penalty.clock.now() + (r.retryAfterMs ?? 60 * 60_000);
      this.deps.penalty.budget.penalise(until);
      throw new BrokerError('transient', 'Tradovate: too many requests', until, status);
    }
    // 423 warns that the 429 lockout is near: the request was refused.
    if (status === 423 || status === 503) throw new BrokerError('transient', text || `HTTP ${status}`, undefined, status);
    if (status >= 500) throw new BrokerError(c.mutates ? 'unknown' : 'transient', text || `HTTP ${status}`, undefined, status);
    throw new BrokerError('permanent', text || `HTTP ${status}`, undefined, status);
  }
}

function payloadOf(r: HttpResult): unknown {
  return r.kind === 'answer' && r.status >= 200 && r.status < 300 ? r.json : undefined;
}

function errorText(r: HttpResult & { kind: 'answer' }): string {
  if (typeof r.json === 'string') return r.json;
  if (typeof r.json === 'object' && r.json !== null) {
    const o = r.json as { errorText?: unknown; failureText?: unknown };
    if (typeof o.errorText === 'string') return o.errorText;
    if (typeof o.failureText === 'string') return o.failureText;
  }
  return r.text.slice(0, 200);
}

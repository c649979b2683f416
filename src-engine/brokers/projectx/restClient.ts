/**
 * The REST side of the gateway: JSON POSTs with the bearer token, answers classified into what a
 * caller can act on. A 401 means the request was not executed, so it is renewed-and-retried once
 * here; everything else (429, transport failures, odd statuses) is returned to the caller, which
 * knows whether its request is safe to repeat. Never logs a body (tokens and keys live in them).
 */
import type { Clock } from '../../domain/clock';
import type { Logger } from '../../domain/log';
import type { RequestBudget } from '../requestBudget';
import { scrubSecrets } from './secretText';
import { decodeEnvelope, describeProblem, parseJson, type Envelope } from './restCodec';
import type { TokenManager } from './tokenManager';
import type { Endpoint } from './wireEnums';
import { JsonHttpClient } from '../jsonHttp';

export type RestOutcome =
  /** HTTP 200 with a readable envelope: success or a business failure with its code. */
  | { readonly kind: 'envelope'; readonly env: Envelope }
  /** HTTP 429: nothing was executed; the broker wants us to wait until `retryAt`. */
  | { readonly kind: 'rateLimited'; readonly retryAt: number }
  /** Still 401 after a renewed token: nothing was executed. */
  | { readonly kind: 'unauthorized'; readonly detail: string }
  /** No answer. `sent`: the request may have reached the broker (timeout, reset after writing). */
  | { readonly kind: 'noAnswer'; readonly sent: boolean; readonly detail: string }
  /** Another HTTP status (400 validation, 404, 5xx). */
  | { readonly kind: 'httpError'; readonly status: number; readonly detail: string }
  /** HTTP 200 whose body is not a gateway envelope. */
  | { readonly kind: 'malformed'; readonly detail: string };

export interface RestClientOptions {
  readonly baseUrl: string;
  readonly budget: RequestBudget;
  readonly clock: Clock;
  readonly log: Logger;
  /** A 200 answer we could not read: the adapter counts it and emits protocolError. */
  readonly malformed: (endpoint: Endpoint, detail: string) => void;
  readonly timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 15_000;
/** Requests the dispatcher lets out (by priority, within the budget): they never wait for room here. */
const ORDER_CALLS: ReadonlySet<Endpoint> = new Set(['Order/place', 'Order/modify', 'Order/cancel', 'Position/closeContract', 'Position/partialCloseContract']);
const DEFAULT_RETRY_AFTER_MS = 1_000;
/** Errors raised before a byte of the request left this machine. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'ERR_INVALID_URL']);

export class RestClient {
  private tokens: TokenManager | undefined;
  private readonly inFlight = new Set<AbortController>();
  private readonly waits = new Set<() => void>();
  private closed = false;

  /** Kept-alive connections to the gateway's origin, and the base URL's path prefix (on first use). */
  private http: { readonly client: JsonHttpClient; readonly path: string } | undefined;

  constructor(private readonly o: RestClientOptions) {}

  useTokens(tokens: TokenManager): void {
    this.tokens = tokens;
  }

  /** An authenticated call: waits out a running penalty, renews once on 401. */
  /** `onWritten`: performance.now() when the request was handed to the socket (first send only). */
  async post(endpoint: Endpoint, body: unknown, onWritten?: (atMs: number) => void): Promise<RestOutcome> {
    const tokens = this.tokens;
    if (!tokens) throw new Error('projectx: REST client used before login');
    await this.waitPenalty();
    if (!ORDER_CALLS.has(endpoint)) await this.waitForRoom();
    let token = await tokens.get();
    let r = await this.send(endpoint, body, token, onWritten);
    if (r.kind === 'unauthorized') {
      token = await tokens.renew(token);
      r = await this.send(endpoint, body, token);
    }
    return r;
  }

  /** An unauthenticated call (login) or one with an explicit token (validate). */
  async postAs(endpoint: Endpoint, body: unknown, token?: string): Promise<RestOutcome> {
    await this.waitPenalty();
    return this.send(endpoint, body, token);
  }

  /**
   * A lookup or a reconcile waits for the key's budget to have room (RequestBudget.msUntilRoom);
   * order calls, let out by the dispatcher, do not.
   */
  private async waitForRoom(): Promise<void> {
    for (;;) {
      const ms = this.o.budget.msUntilRoom();
      if (ms <= 0 || this.isClosed()) return;
      await this.sleepUntil(this.o.clock.now() + ms);
    }
  }

  /** Resolves when no 429 penalty is running (at once if none). */
  async waitPenalty(): Promise<void> {
    for (;;) {
      const until = this.o.budget.penaltyUntil();
      if (until === undefined || this.closed) return;
      await this.sleepUntil(until);
    }
  }

  sleepUntil(atMs: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed) {
        resolve();
        return;
      }
      const done = (): void => {
        this.waits.delete(done);
        cancel();
        resolve();
      };
      const cancel = this.o.clock.at(atMs, done);
      this.waits.add(done);
    });
  }

  /** Aborts every request in flight and every wait (stop/abandon). */
  close(): void {
    this.closed = true;
    for (const c of this.inFlight) c.abort();
    this.inFlight.clear();
    for (const w of [...this.waits]) w();
    this.http?.client.close();
  }

  /** Read through a method: `closed` changes across awaits, which narrowing cannot see. */
  private isClosed(): boolean {
    return this.closed;
  }

  private async send(endpoint: Endpoint, body: unknown, token: string | undefined, onWritten?: (atMs: number) => void): Promise<RestOutcome> {
    if (this.closed) return { kind: 'noAnswer', sent: false, detail: 'connection closed' };
    if (!this.http) {
      try {
        const u = new URL(this.o.baseUrl);
        this.http = { client: new JsonHttpClient(u.origin), path: u.pathname.replace(/\/+$/, '') };
      } catch (e) {
        return { kind: 'noAnswer', sent: false, detail: `${e instanceof Error ? e.message : String(e)} (ERR_INVALID_URL)` };
      }
    }
    const http = this.http;
    const controller = new AbortController();
    this.inFlight.add(controller);
    this.o.budget.record();
    const timeoutMs = this.o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    try {
      const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
      if (token !== undefined) headers.authorization = `Bearer ${token}`;
      const r = await http.client.send({
        method: 'POST',
        path: `${http.path}/api/${endpoint}`,
        headers,
        body: JSON.stringify(body),
        timeoutMs,
        signal: controller.signal,
        ...(onWritten ? { onWritten } : {}),
      });
      if (r.kind === 'answer') return this.classify(endpoint, r.status, r.retryAfter ?? null, r.text);
      const sent = !NOT_SENT_CODES.has(r.code ?? '');
      const detail = r.aborted ? 'connection closed' : r.timedOut ? `no answer within ${timeoutMs} ms` : r.code ? `${r.message} (${r.code})` : r.message;
      this.o.log.warn('request failed', { endpoint, sent, detail });
      return { kind: 'noAnswer', sent, detail };
    } finally {
      this.inFlight.delete(controller);
    }
  }

  private classify(endpoint: Endpoint, status: number, retryAfter: string | null, text: string): RestOutcome {
    if (status === 401) return { kind: 'unauthorized', detail: 'the broker refused the session token (401)' };
    if (status === 429) {
      const retryAt = this.o.clock.now() + retryAfterMs(retryAfter, this.o.clock.now());
      this.o.budget.refusedOverLimit(retryAt);
      this.o.log.warn('rate limited by the broker', { endpoint, retryAt });
      return { kind: 'rateLimited', retryAt };
    }
    if (status !== 200) {
      const json = parseJson(text);
      const detail = (json.ok ? describeProblem(json.value) : undefined) ?? `HTTP ${status}`;
      this.o.log.warn('unexpected HTTP status', { endpoint, status });
      return { kind: 'httpError', status, detail };
    }
    const json = parseJson(text);
    const env = json.ok ? decodeEnvelope(json.value) : json;
    if (!env.ok) {
      // The error quotes the body's first bytes, which on a login answer may hold a token.
      const detail = scrubSecrets(env.error);
      this.o.malformed(endpoint, detail);
      return { kind: 'malformed', detail };
    }
    return { kind: 'envelope', env: env.value };
  }
}

/** Retry-After is seconds or an HTTP date (RFC 9110); absent means "a short delay" (§11). */
export function retryAfterMs(header: string | null, nowMs: number): number {
  if (header === null || header.trim() === '') return DEFAULT_RETRY_AFTER_MS;
  const seconds = Number(header.trim());
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const date = Date.parse(header);
  return Number.isFinite(date) ? Math.max(0, date - nowMs) : DEFAULT_RETRY_AFTER_MS;
}

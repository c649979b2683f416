/**
 * The REST side of the gateway: JSON POSTs with the bearer token, answers classified into what a
 * caller can act on. A 401 means the request was not executed, so it is renewed-and-retried once
 * here; everything else (429, transport failures, odd statuses) is returned to the caller, which
 * knows whether its request is safe to repeat. Never logs a body (tokens and keys live in them).
 */
import type { Clock } from '../../domain/clock';
import type { Logger } from '../../domain/log';
import type { RequestBudget } from './requestBudget';
import { scrubSecrets } from './secretText';
import { decodeEnvelope, describeProblem, parseJson, type Envelope } from './restCodec';
import type { TokenManager } from './tokenManager';
import type { Endpoint } from './wireEnums';

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
const DEFAULT_RETRY_AFTER_MS = 1_000;
/** Errors raised before a byte of the request left this machine. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'ERR_INVALID_URL']);

export class RestClient {
  private tokens: TokenManager | undefined;
  private readonly inFlight = new Set<AbortController>();
  private readonly waits = new Set<() => void>();
  private closed = false;

  constructor(private readonly o: RestClientOptions) {}

  useTokens(tokens: TokenManager): void {
    this.tokens = tokens;
  }

  /** An authenticated call: waits out a running penalty, renews once on 401. */
  async post(endpoint: Endpoint, body: unknown): Promise<RestOutcome> {
    const tokens = this.tokens;
    if (!tokens) throw new Error('projectx: REST client used before login');
    await this.waitPenalty();
    let token = await tokens.get();
    let r = await this.send(endpoint, body, token);
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

  /** Resolves when no 429 penalty is running (at once if none). */
  async waitPenalty(): Promise<void> {
    for (;;) {
      const until = this.o.budget.penalty();
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
  }

  /** Read through a method: `closed` changes across awaits, which narrowing cannot see. */
  private isClosed(): boolean {
    return this.closed;
  }

  private async send(endpoint: Endpoint, body: unknown, token: string | undefined): Promise<RestOutcome> {
    if (this.closed) return { kind: 'noAnswer', sent: false, detail: 'connection closed' };
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timer = setTimeout(() => controller.abort(new Error('timeout')), this.o.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    this.o.budget.record();
    try {
      const res = await fetch(`${this.o.baseUrl.replace(/\/+$/, '')}/api/${endpoint}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
        signal: controller.signal,
      });
      const text = await res.text();
      return this.classify(endpoint, res.status, res.headers, text);
    } catch (e) {
      const sent = !NOT_SENT_CODES.has(errorCode(e));
      const detail = controller.signal.aborted ? (this.isClosed() ? 'connection closed' : `no answer within ${this.o.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`) : describeFetchError(e);
      this.o.log.warn('request failed', { endpoint, sent, detail });
      return { kind: 'noAnswer', sent, detail };
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
    }
  }

  private classify(endpoint: Endpoint, status: number, headers: Headers, text: string): RestOutcome {
    if (status === 401) return { kind: 'unauthorized', detail: 'the broker refused the session token (401)' };
    if (status === 429) {
      const retryAt = this.o.clock.now() + retryAfterMs(headers.get('retry-after'), this.o.clock.now());
      this.o.budget.penalise(retryAt);
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

function errorCode(e: unknown): string {
  const cause = e instanceof Error ? (e as Error & { cause?: unknown }).cause : undefined;
  if (typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string') return cause.code;
  return '';
}

function describeFetchError(e: unknown): string {
  const code = errorCode(e);
  const msg = e instanceof Error ? e.message : String(e);
  return code ? `${msg} (${code})` : msg;
}

/**
 * The session token. Logged in once with the API key (login is rate limited and each login issues
 * one more token), renewed with Auth/validate at half its lifetime ("well before expiry", §3.3),
 * falling back to a fresh loginKey when validate fails. Renewals are single-flight: a burst of
 * 401s from concurrent requests and a hub reconnect share one refresh.
 */
import type { Clock } from '../../domain/clock';
import type { Logger } from '../../domain/log';
import { rememberSecret } from '../../api/redact';

const DEFAULT_LIFETIME_MS = 24 * 60 * 60 * 1000;
const MIN_RETRY_MS = 1_000;

/** Outcome of one auth call, as the REST client reports it. */
export type AuthAttempt =
  | { readonly ok: true; readonly token: string }
  /** The broker refused (wrong key, no API subscription): the user must act. */
  | { readonly ok: false; readonly refused: true; readonly reason: string }
  /** Could not get an answer (network, 5xx, 429): try again later. */
  | { readonly ok: false; readonly refused: false; readonly reason: string };

export interface AuthCalls {
  loginKey(): Promise<AuthAttempt>;
  validate(token: string): Promise<AuthAttempt>;
}

export class AuthError extends Error {
  constructor(
    message: string,
    /** True when the broker refused the credentials (permanent), false when it could not be asked. */
    readonly refused: boolean,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}

export class TokenManager {
  private token: string | undefined;
  private renewing: Promise<string> | undefined;
  private cancelTimer: (() => void) | undefined;
  private stopped = false;

  constructor(
    private readonly calls: AuthCalls,
    private readonly clock: Clock,
    private readonly log: Logger,
    /** The broker refused our credentials during a renewal: the connection cannot go on by itself. */
    private readonly onRefused: (reason: string) => void,
  ) {}

  /** The first login. Throws AuthError with the broker's reason. */
  async login(): Promise<string> {
    const r = await this.calls.loginKey();
    if (!r.ok) throw new AuthError(r.reason, r.refused);
    this.adopt(r.token);
    return r.token;
  }

  current(): string | undefined {
    return this.token;
  }

  /** The token to use now: waits for a renewal in flight. */
  async get(): Promise<string> {
    if (this.renewing) return this.renewing;
    if (this.token !== undefined) return this.token;
    return this.renew(undefined);
  }

  /**
   * `failed` was refused (401). Renews unless the token has already moved on since, so N callers
   * that failed with the same token cause one renewal.
   */
  renew(failed: string | undefined): Promise<string> {
    if (this.renewing) return this.renewing;
    if (failed !== undefined && this.token !== undefined && this.token !== failed) return Promise.resolve(this.token);
    const p = this.refresh().finally(() => {
      this.renewing = undefined;
    });
    this.renewing = p;
    return p;
  }

  stop(): void {
    this.stopped = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }

  private async refresh(): Promise<string> {
    const old = this.token;
    if (old !== undefined) {
      const v = await this.calls.validate(old);
      if (v.ok) {
        this.adopt(v.token);
        return v.token;
      }
      this.log.info('token validate failed; logging in again', { reason: v.reason });
    }
    const l = await this.calls.loginKey();
    if (l.ok) {
      this.adopt(l.token);
      return l.token;
    }
    if (l.refused) this.onRefused(l.reason);
    throw new AuthError(l.reason, l.refused);
  }

  private adopt(token: string): void {
    rememberSecret(token);
    this.token = token;
    this.schedule(lifetimeOf(token) / 2);
  }

  private schedule(inMs: number): void {
    this.cancelTimer?.();
    if (this.stopped) return;
    this.cancelTimer = this.clock.at(this.clock.now() + Math.max(MIN_RETRY_MS, inMs), () => {
      this.cancelTimer = undefined;
      if (this.stopped) return;
      const before = this.token;
      this.renew(before).catch((e: unknown) => {
        if (this.stopped) return;
        this.log.warn('token renewal failed; will retry', { error: e instanceof Error ? e.message : String(e) });
        if (!(e instanceof AuthError && e.refused)) this.schedule(lifetimeOf(before ?? '') / 20);
      });
    });
  }
}

/**
 * The token's lifetime from its JWT `iat`/`exp` claims when it has them (unconfirmed for the real
 * gateway, §3.5), else the documented 24 h. Only the difference is used, so a skewed clock on
 * either side does not matter.
 */
export function lifetimeOf(token: string): number {
  const payload = token.split('.')[1];
  if (payload === undefined) return DEFAULT_LIFETIME_MS;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    if (typeof claims === 'object' && claims !== null) {
      const { iat, exp } = claims as Record<string, unknown>;
      if (typeof iat === 'number' && typeof exp === 'number' && exp > iat) return (exp - iat) * 1000;
    }
  } catch {
    // Not a JWT we can read: the documented lifetime applies.
  }
  return DEFAULT_LIFETIME_MS;
}

/**
 * The login's one access token (§2): obtained once, renewed before it expires, shared by REST and
 * both sockets. Each `accesstokenrequest` opens a new server session and only two may live at once,
 * so a fresh login happens only when there is no token or renewal failed (§8.3, tradovate/api #20).
 * Concurrent callers that hit a 401 share one refresh.
 *
 * A connection made with Sign in with Tradovate has no password to log in again with: its token
 * comes from the keychain, each renewal is saved back there, and once the token can no longer be
 * renewed (expired overnight, revoked by a password change) the trader must sign in again; the
 * connection is told (`onSignInNeeded`) and fails closed.
 */
import type { Clock } from '../../domain/clock';
import type { Logger } from '../../domain/log';
import { rememberSecret } from '../../api/redact';
import { BrokerError } from './brokerError';
import { httpCall, type HttpResult } from './httpTransport';
import { sendHonouringPenalties, type PenaltyContext } from './penalty';
import type { TradovateCredentials, TradovateSettings } from './settings';
import { accessTokenResponseSchema, describeZodError } from './wireModels';

export interface TokenSession {
  readonly accessToken: string;
  /** The md socket accepts either token (§3.3); absent in a renewal answer, the previous one is kept. */
  readonly mdAccessToken: string;
  /** Epoch ms on the broker's clock. */
  readonly expiresAt: number;
  /** expiresAt minus the time it was received. */
  readonly lifetimeMs: number;
  readonly userId: number;
  readonly userName: string;
}

export interface TokenManagerDeps {
  readonly settings: TradovateSettings;
  readonly credentials: TradovateCredentials;
  /** OAuth only: the token cannot be renewed any more; `reason` says so in the trader's words. */
  readonly onSignInNeeded?: (reason: string) => void;
  readonly clock: Clock;
  readonly log: Logger;
  readonly penalty: PenaltyContext;
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
  /** Counts every request sent (the request budget). */
  readonly onRequest: () => void;
}

/** The docs advise renewing about 15 minutes before expiry (§2.2)... */
const RENEW_LEAD_MS = 15 * 60_000;
/** ...which is a sixth of the documented 90-minute lifetime; shorter lifetimes scale by the same ratio. */
const RENEW_LEAD_FRACTION = 1 / 6;
const RENEW_RETRY_MS = 30_000;

/** The trader's next step when an OAuth token is gone; the UI offers the button for it. */
export const SIGN_IN_AGAIN = 'Tradovate sign-in expired: sign in again';

export class TokenManager {
  private session: TokenSession | undefined;
  private refreshing: Promise<TokenSession> | undefined;
  private cancelRenewal: (() => void) | undefined;
  private disposed = false;
  /** Diagnostics for tests: how many accesstokenrequest calls were made. */
  loginAttempts = 0;

  constructor(private readonly deps: TokenManagerDeps) {}

  current(): TokenSession | undefined {
    return this.session;
  }

  /** A token believed valid now (renewing or logging in first when it is not). */
  async valid(): Promise<TokenSession> {
    const s = this.session;
    if (s && this.isFresh(s)) return s;
    return this.refresh(s?.accessToken);
  }

  /**
   * After a 401 (or a near expiry): renew, and log in again only if renewal fails. `stale` is the
   * token that was refused; if another caller has already replaced it, that result is reused.
   * Without `stale` it always renews (the renewal timer).
   */
  refresh(stale: string | undefined): Promise<TokenSession> {
    const s = this.session;
    if (stale !== undefined && s && s.accessToken !== stale && this.isFresh(s)) return Promise.resolve(s);
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /** A fresh login (start, or when renewal is impossible). */
  login(): Promise<TokenSession> {
    this.refreshing ??= this.doLogin().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /** Not about to expire: a second of slack, or a tenth of a short lifetime. */
  private isFresh(s: TokenSession): boolean {
    return this.deps.clock.now() < s.expiresAt - Math.min(1_000, s.lifetimeMs / 10);
  }

  dispose(): void {
    this.disposed = true;
    this.cancelRenewal?.();
    this.cancelRenewal = undefined;
  }

  private async doRefresh(): Promise<TokenSession> {
    const s = this.session;
    if (s && this.deps.clock.now() < s.expiresAt) {
      try {
        return await this.renew(s);
      } catch (err) {
        if (!(err instanceof BrokerError) || err.outcome !== 'permanent') throw err;
        if (this.deps.credentials.kind === 'oauth') throw this.signInNeeded(`renewal refused: ${err.message}`);
        this.deps.log.info('token renewal refused; logging in again', { reason: err.message });
      }
    }
    if (this.deps.credentials.kind === 'oauth' && s) throw this.signInNeeded('the token expired before it could be renewed');
    return this.doLogin();
  }

  private async doLogin(): Promise<TokenSession> {
    const { settings, credentials } = this.deps;
    if (credentials.kind === 'oauth') return this.resumeOAuth();
    const secret = credentials.secret;
    if (settings.username === undefined || settings.appId === undefined || settings.appVersion === undefined || settings.cid === undefined) {
      throw new BrokerError('permanent', 'an API-key login needs the user name, app id, app version and cid');
    }
    const body: Record<string, unknown> = {
      name: settings.username,
      password: secret.password,
      appId: settings.appId,
      appVersion: settings.appVersion,
      // `cid` is a string in the spec and a number in every example (§2.1): send the number when it is one.
      cid: /^\d+$/.test(settings.cid) ? Number(settings.cid) : settings.cid,
      sec: secret.sec,
      deviceId: settings.deviceId,
    };
    const answer = await sendHonouringPenalties(
      this.deps.penalty,
      (ticket) => {
        this.loginAttempts++;
        return this.post('auth/accesstokenrequest', ticket === undefined ? body : { ...body, 'p-ticket': ticket }, undefined);
      },
      payloadOf,
    );
    const session = this.adopt(answer, undefined);
    this.deps.log.info('logged in', { user: session.userName, userId: session.userId });
    return session;
  }

  /**
   * OAuth: the token from the keychain while it is still valid (a renewal follows on schedule,
   * at once when it is close to expiry); else only the trader can help.
   */
  private resumeOAuth(): Promise<TokenSession> {
    const { credentials, clock } = this.deps;
    if (credentials.kind !== 'oauth') throw new Error('not an OAuth connection');
    const t = credentials.token;
    const current = this.session;
    // A token this manager renewed is newer than the one it was started with.
    const best = current && current.expiresAt > t.expiresAt ? current : { ...t, lifetimeMs: Math.max(0, t.expiresAt - clock.now()) };
    if (clock.now() >= best.expiresAt - 1_000) return Promise.reject(this.signInNeeded('the token expired'));
    rememberSecret(best.accessToken);
    rememberSecret(best.mdAccessToken);
    this.session = best;
    this.scheduleRenewal(best);
    return Promise.resolve(best);
  }

  private signInNeeded(why: string): BrokerError {
    const reason = `${SIGN_IN_AGAIN} (${why})`;
    this.deps.log.warn('tradovate sign-in needed', { why });
    this.deps.onSignInNeeded?.(reason);
    return new BrokerError('permanent', reason);
  }

  private async renew(current: TokenSession): Promise<TokenSession> {
    const answer = await sendHonouringPenalties(this.deps.penalty, () => this.post('auth/renewaccesstoken', undefined, current.accessToken), payloadOf);
    const session = this.adopt(answer, current);
    const { credentials } = this.deps;
    if (credentials.kind === 'oauth') {
      credentials.save({ accessToken: session.accessToken, mdAccessToken: session.mdAccessToken, expiresAt: session.expiresAt, userId: session.userId, userName: session.userName }).catch((err: unknown) => {
        // The renewed token works for this run; a restart would resume from the older one and, if that has expired, ask to sign in.
        this.deps.log.warn('the renewed Tradovate token could not be saved in the keychain', { reason: err instanceof Error ? err.message : String(err) });
      });
    }
    return session;
  }

  private async post(endpoint: string, body: unknown, token: string | undefined): Promise<HttpResult> {
    if (this.disposed) throw new BrokerError('transient', 'connection stopped');
    this.deps.onRequest();
    return httpCall({
      method: body === undefined ? 'GET' : 'POST',
      url: `${this.deps.settings.restUrl.replace(/\/+$/, '')}/${endpoint}`,
      ...(token !== undefined ? { token } : {}),
      ...(body !== undefined ? { body } : {}),
      timeoutMs: this.deps.timeoutMs,
      signal: this.deps.signal,
    });
  }

  /** Reads an auth answer; errorText and odd answers become classified errors. */
  private adopt(result: HttpResult, previous: TokenSession | undefined): TokenSession {
    if (result.kind === 'failure') throw new BrokerError('transient', `Tradovate login unreachable: ${result.reason}`);
    if (result.status === 401 || result.status === 403) throw new BrokerError('permanent', textOf(result) || 'Access is denied', undefined, result.status);
    if (result.status === 429) {
      // Transient: nothing happened. Every request of the login waits for Retry-After (§8a).
      const retryAt = this.deps.clock.now() + (result.retryAfterMs ?? 60_000);
      this.deps.penalty.budget.penalise(retryAt);
      throw new BrokerError('transient', 'Tradovate refused the login: too many requests', retryAt, 429);
    }
    if (result.status < 200 || result.status >= 300) throw new BrokerError(result.status >= 500 ? 'transient' : 'permanent', textOf(result) || `HTTP ${result.status}`, undefined, result.status);
    const parsed = accessTokenResponseSchema.safeParse(result.json);
    if (!parsed.success) throw new BrokerError('transient', `unreadable login answer: ${describeZodError(parsed.error)}`);
    const r = parsed.data;
    // Business failures come on HTTP 200 (§2.1, §8.4).
    if (r.errorText !== undefined && r.errorText.length > 0) throw new BrokerError('permanent', r.errorText);
    if (r.accessToken === undefined || r.expirationTime === undefined) throw new BrokerError('transient', 'login answer without a token');
    const session: TokenSession = {
      accessToken: r.accessToken,
      mdAccessToken: r.mdAccessToken ?? previous?.mdAccessToken ?? r.accessToken,
      expiresAt: r.expirationTime,
      lifetimeMs: Math.max(0, r.expirationTime - this.deps.clock.now()),
      userId: r.userId ?? previous?.userId ?? 0,
      userName: r.name ?? previous?.userName ?? this.deps.settings.username ?? '',
    };
    rememberSecret(session.accessToken);
    rememberSecret(session.mdAccessToken);
    this.session = session;
    this.scheduleRenewal(session);
    return session;
  }

  private scheduleRenewal(session: TokenSession): void {
    this.cancelRenewal?.();
    if (this.disposed) return;
    const ttl = session.expiresAt - this.deps.clock.now();
    const lead = Math.min(RENEW_LEAD_MS, ttl * RENEW_LEAD_FRACTION);
    this.armRenewal(session.expiresAt - lead);
  }

  private armRenewal(atMs: number): void {
    this.cancelRenewal = this.deps.clock.at(atMs, () => {
      this.cancelRenewal = undefined;
      if (this.disposed) return;
      this.refresh(undefined).then(
        () => undefined,
        (err: unknown) => {
          if (this.disposed) return;
          const reason = err instanceof Error ? err.message : String(err);
          this.deps.log.warn('token renewal failed', { reason });
          // OAuth: a refused renewal has already asked for a new sign-in; nothing left to retry.
          if (this.deps.credentials.kind === 'oauth' && err instanceof BrokerError && err.outcome === 'permanent') return;
          // A wrong password will also fail the next reconnect, which reports it; keep trying meanwhile.
          const s = this.session;
          const retryIn = s ? Math.min(RENEW_RETRY_MS, Math.max(1_000, (s.expiresAt - this.deps.clock.now()) / 2)) : RENEW_RETRY_MS;
          this.armRenewal(this.deps.clock.now() + retryIn);
        },
      );
    });
  }
}

function payloadOf(r: HttpResult): unknown {
  return r.kind === 'answer' && r.status >= 200 && r.status < 300 ? r.json : undefined;
}

function textOf(r: HttpResult & { kind: 'answer' }): string {
  if (typeof r.json === 'string') return r.json;
  if (typeof r.json === 'object' && r.json !== null) {
    const t = (r.json as { errorText?: unknown }).errorText;
    if (typeof t === 'string') return t;
  }
  return r.text.slice(0, 200);
}

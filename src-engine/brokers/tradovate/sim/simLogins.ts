/**
 * The simulator's logins and access tokens (§2): credentials checked with Tradovate's HTTP-200
 * `errorText`, a captcha penalty after repeated bad passwords, tokens that expire on the
 * exchange's clock, renewal that extends the session, and the expireToken fault.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../../domain/clock';

export interface SimLogin {
  readonly login: string;
  readonly password: string;
  readonly userId: number;
  badAttempts: number;
}

interface TokenRecord {
  readonly login: string;
  expiresAt: number;
}

export type TokenCheck = { readonly ok: true; readonly login: SimLogin } | { readonly ok: false; readonly reason: 'missing' | 'unknown' | 'expired' };

export const BAD_CREDENTIALS = 'Incorrect username or password. Please try again, noting that passwords are case-sensitive.';

export class SimLogins {
  private readonly logins = new Map<string, SimLogin>();
  private readonly tokens = new Map<string, TokenRecord>();

  constructor(
    private readonly clock: Clock,
    private readonly tokenTtlMs: number,
    private readonly captchaAfterBadLogins: number,
  ) {}

  add(login: string, password: string, userId: number): void {
    this.logins.set(login.toLowerCase(), { login, password, userId, badAttempts: 0 });
  }

  get(login: string): SimLogin | undefined {
    return this.logins.get(login.toLowerCase());
  }

  all(): SimLogin[] {
    return [...this.logins.values()];
  }

  /** `accesstokenrequest`: the login, or the errorText / captcha a real server answers. */
  authenticate(name: string, password: string): { readonly ok: true; readonly login: SimLogin } | { readonly ok: false; readonly errorText: string; readonly captcha: boolean } {
    const l = this.get(name);
    if (l && l.badAttempts >= this.captchaAfterBadLogins) return { ok: false, errorText: BAD_CREDENTIALS, captcha: true };
    if (!l || l.password !== password) {
      if (l) l.badAttempts++;
      return { ok: false, errorText: BAD_CREDENTIALS, captcha: false };
    }
    l.badAttempts = 0;
    return { ok: true, login: l };
  }

  /** A new access token and md token for `login`, as `AccessTokenResponse`. */
  issue(l: SimLogin): Record<string, unknown> {
    const expiresAt = this.clock.now() + this.tokenTtlMs;
    const accessToken = this.newToken(l, expiresAt);
    const mdAccessToken = this.newToken(l, expiresAt);
    return { accessToken, mdAccessToken, expirationTime: new Date(expiresAt).toISOString(), passwordExpirationTime: new Date(expiresAt + 90 * 86_400_000).toISOString(), userStatus: 'Active', userId: l.userId, name: l.login, hasLive: false, hasFunded: false, hasMarketData: true, outdatedTaC: false };
  }

  check(token: string | undefined): TokenCheck {
    if (token === undefined || token.length === 0) return { ok: false, reason: 'missing' };
    const rec = this.tokens.get(token);
    if (!rec) return { ok: false, reason: 'unknown' };
    const l = this.get(rec.login);
    if (!l) return { ok: false, reason: 'unknown' };
    if (this.clock.now() >= rec.expiresAt) return { ok: false, reason: 'expired' };
    return { ok: true, login: l };
  }

  /** The expireToken fault: every token of the login stops working now. */
  expireAll(login: string): void {
    const now = this.clock.now();
    for (const rec of this.tokens.values()) if (rec.login.toLowerCase() === login.toLowerCase()) rec.expiresAt = Math.min(rec.expiresAt, now);
  }

  private newToken(l: SimLogin, expiresAt: number): string {
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, { login: l.login, expiresAt });
    return token;
  }
}

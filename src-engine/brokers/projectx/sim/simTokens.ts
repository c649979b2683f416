/**
 * The simulator's session tokens: JWT-shaped (the gateway says "we utilize JSON Web Tokens"), each
 * with its own expiry. A new token never invalidates older ones (§3.1); `expireLogin` is the
 * expireToken fault. Expiry runs on the exchange clock so a scenario's `advance` can age them.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../../domain/clock';

interface Session {
  readonly login: string;
  readonly issuedAt: number;
  expiresAt: number;
}

export type TokenCheck = { readonly ok: true; readonly login: string } | { readonly ok: false; readonly login: string | undefined; readonly reason: 'unknown' | 'expired' };

export class SimTokens {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  issue(login: string): string {
    const now = this.clock.now();
    const header = b64url({ alg: 'HS256', typ: 'JWT' });
    const payload = b64url({ sub: login, iat: Math.floor(now / 1000), exp: Math.floor((now + this.ttlMs) / 1000), jti: randomBytes(8).toString('hex') });
    const token = `${header}.${payload}.${randomBytes(24).toString('base64url')}`;
    this.sessions.set(token, { login, issuedAt: now, expiresAt: now + this.ttlMs });
    return token;
  }

  check(token: string | undefined): TokenCheck {
    if (token === undefined || token.length === 0) return { ok: false, login: undefined, reason: 'unknown' };
    const s = this.sessions.get(token);
    if (!s) return { ok: false, login: undefined, reason: 'unknown' };
    if (this.clock.now() >= s.expiresAt) return { ok: false, login: s.login, reason: 'expired' };
    return { ok: true, login: s.login };
  }

  /** Whose token this is, expired or not (to apply a login's faults to its requests). */
  ownerOf(token: string | undefined): string | undefined {
    return token === undefined ? undefined : this.sessions.get(token)?.login;
  }

  expire(token: string): void {
    const s = this.sessions.get(token);
    if (s) s.expiresAt = Math.min(s.expiresAt, this.clock.now());
  }

  expireLogin(login: string): void {
    const now = this.clock.now();
    for (const s of this.sessions.values()) if (s.login === login) s.expiresAt = Math.min(s.expiresAt, now);
  }
}

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

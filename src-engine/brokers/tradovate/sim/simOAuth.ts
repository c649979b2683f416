/**
 * The simulator's OAuth side (authorization-code grant, as Tradovate offers third-party apps): a
 * sign-in page at `/oauth`, a single-use code bound to the client, the redirect URI, the state and
 * the PKCE challenge, and the code exchange at `/auth/oauthtoken` with OAuth's error answers.
 *
 * Public sources disagree on several points, so each is a switch (`SimOAuthQuirks`):
 * - the exchange's path: the official example posts to the host root (`/auth/oauthtoken`), the
 *   partner reference under `/v1`;
 * - its body: the example sends a form, the partner reference JSON;
 * - the answer: OAuth's `access_token`/`expires_in` (example, partner reference) or Tradovate's own
 *   `accessToken`/`expirationTime` as well;
 * - whether a plain-http loopback redirect URI is accepted (the example uses http://localhost;
 *   community reports say only https is);
 * - PKCE: the partner reference lists `code_verifier`; the example does not use it.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../../domain/clock';
import type { SimLogin, SimLogins } from './simLogins';

export interface SimOAuthQuirks {
  /** Where the code exchange is served (default both). */
  readonly tokenPath: 'both' | 'root' | 'v1';
  /** Which body the exchange reads (default either). */
  readonly tokenBody: 'either' | 'form' | 'json';
  /** Field names of a token answer (default snake: OAuth's). */
  readonly tokenAnswer: 'snake' | 'camel' | 'both';
  /** Redirect URIs accepted besides a registered https one: loopback http on any port (default), or https only. */
  readonly redirect: 'loopbackOrHttps' | 'httpsOnly';
  /** 'verify' a code_challenge sent with the sign-in (default), or 'ignore' it like a server without PKCE. */
  readonly pkce: 'verify' | 'ignore';
  /** Lifetime of an authorization code (default 60 s). */
  readonly codeTtlMs: number;
}

export const DEFAULT_OAUTH_QUIRKS: SimOAuthQuirks = { tokenPath: 'both', tokenBody: 'either', tokenAnswer: 'snake', redirect: 'loopbackOrHttps', pkce: 'verify', codeTtlMs: 60_000 };

export interface SimOAuthClient {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly appName: string;
  /** Exact https redirect URIs registered for the client; loopback http ones need no registration (RFC 8252 §7.3). */
  readonly redirectUris: readonly string[];
}

interface IssuedCode {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly state: string;
  readonly challenge: string | undefined;
  readonly login: SimLogin;
  readonly expiresAt: number;
}

export interface SimOAuthStats {
  signInPages: number;
  codesIssued: number;
  cancelled: number;
  exchanges: number;
  refusedExchanges: number;
}

type Fields = Readonly<Record<string, string>>;

export class SimOAuth {
  private readonly clients = new Map<string, SimOAuthClient>();
  private readonly codes = new Map<string, IssuedCode>();
  quirks: SimOAuthQuirks;
  readonly stats: SimOAuthStats = { signInPages: 0, codesIssued: 0, cancelled: 0, exchanges: 0, refusedExchanges: 0 };

  constructor(
    private readonly logins: SimLogins,
    private readonly clock: Clock,
    private readonly onSignedIn: (login: SimLogin) => void,
    quirks: Partial<SimOAuthQuirks> = {},
  ) {
    this.quirks = { ...DEFAULT_OAUTH_QUIRKS, ...quirks };
  }

  addClient(client: SimOAuthClient): void {
    this.clients.set(client.clientId, client);
  }

  /** Whether this request is the OAuth side's (then it answers it). */
  handles(method: string, pathname: string): boolean {
    const p = pathname.toLowerCase();
    if (p === '/oauth') return method === 'GET' || method === 'POST';
    if (p === '/auth/oauthtoken') return this.quirks.tokenPath !== 'v1';
    if (p === '/v1/auth/oauthtoken') return this.quirks.tokenPath !== 'root';
    return false;
  }

  serve(req: IncomingMessage, url: URL, bodyText: string, res: ServerResponse): void {
    if (url.pathname.toLowerCase() === '/oauth') {
      if (req.method === 'GET') this.signInPage(Object.fromEntries(url.searchParams), undefined, res);
      else this.signInSubmitted(Object.fromEntries(new URLSearchParams(bodyText)), res);
      return;
    }
    this.exchange(req.headers['content-type'] ?? '', bodyText, res);
  }

  // ---- the sign-in page ------------------------------------------------------------------------

  /** Problems with the request itself are shown on the page and never redirected (RFC 6749 §4.1.2.1). */
  private requestProblem(f: Fields): string | undefined {
    const client = this.clients.get(f.client_id ?? '');
    if (!client) return 'Unknown client_id: this application is not registered with Tradovate.';
    if (f.response_type !== 'code') return 'Unsupported response_type: only "code" is supported.';
    if (!this.redirectAllowed(client, f.redirect_uri ?? '')) return `The redirect_uri ${JSON.stringify(f.redirect_uri ?? '')} is not registered for ${client.appName}.`;
    return undefined;
  }

  private redirectAllowed(client: SimOAuthClient, uri: string): boolean {
    let u: URL;
    try {
      u = new URL(uri);
    } catch {
      return false;
    }
    if (u.hash !== '') return false;
    if (client.redirectUris.includes(uri)) return true;
    const loopback = u.protocol === 'http:' && (u.hostname === '127.0.0.1' || u.hostname === '[::1]' || u.hostname === 'localhost');
    return loopback && this.quirks.redirect === 'loopbackOrHttps';
  }

  private signInPage(f: Fields, error: string | undefined, res: ServerResponse): void {
    this.stats.signInPages++;
    const problem = this.requestProblem(f);
    if (problem) {
      html(res, 400, page('Sign-in error', `<p role="alert">${esc(problem)}</p>`));
      return;
    }
    const client = this.clients.get(f.client_id ?? '');
    const hidden = ['client_id', 'redirect_uri', 'state', 'response_type', 'code_challenge', 'code_challenge_method']
      .filter((k) => f[k] !== undefined)
      .map((k) => `<input type="hidden" name="${k}" value="${esc(f[k] ?? '')}">`)
      .join('');
    const body = `<h1>Sign In with Tradovate</h1><p>to continue to ${esc(client?.appName ?? '')}</p>
${error ? `<p role="alert">${esc(error)}</p>` : ''}
<form method="post" action="/oauth">${hidden}
<label>Username <input name="username" autocomplete="username"></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit" name="decision" value="allow">Sign in and allow</button>
<button type="submit" name="decision" value="deny">Cancel</button>
</form>`;
    html(res, 200, page('Sign In with Tradovate', body));
  }

  private signInSubmitted(f: Fields, res: ServerResponse): void {
    const problem = this.requestProblem(f);
    if (problem) {
      html(res, 400, page('Sign-in error', `<p role="alert">${esc(problem)}</p>`));
      return;
    }
    const redirect = new URL(f.redirect_uri ?? '');
    if (f.decision !== 'allow') {
      this.stats.cancelled++;
      back(res, redirect, { error: 'access_denied', error_description: 'The user denied access', state: f.state });
      return;
    }
    const who = this.logins.authenticate(f.username ?? '', f.password ?? '');
    if (!who.ok) {
      this.signInPage(f, who.captcha ? 'Too many failed sign-ins: try again later.' : who.errorText, res);
      return;
    }
    const code = randomBytes(18).toString('base64url');
    const challenge = this.quirks.pkce === 'verify' && f.code_challenge ? f.code_challenge : undefined;
    if (challenge !== undefined && (f.code_challenge_method ?? 'plain') !== 'S256') {
      back(res, redirect, { error: 'invalid_request', error_description: 'code_challenge_method must be S256', state: f.state });
      return;
    }
    this.codes.set(code, { clientId: f.client_id ?? '', redirectUri: f.redirect_uri ?? '', state: f.state ?? '', challenge, login: who.login, expiresAt: this.clock.now() + this.quirks.codeTtlMs });
    this.stats.codesIssued++;
    back(res, redirect, { code, state: f.state });
  }

  // ---- the code exchange -----------------------------------------------------------------------

  private exchange(contentType: string, bodyText: string, res: ServerResponse): void {
    this.stats.exchanges++;
    const isJson = /json/i.test(contentType);
    if ((isJson && this.quirks.tokenBody === 'form') || (!isJson && this.quirks.tokenBody === 'json')) {
      this.refuse(res, 415, 'invalid_request', `this server reads a ${this.quirks.tokenBody} body`);
      return;
    }
    let f: Fields;
    try {
      f = isJson ? stringFields(JSON.parse(bodyText) as unknown) : Object.fromEntries(new URLSearchParams(bodyText));
    } catch {
      this.refuse(res, 400, 'invalid_request', 'unreadable body');
      return;
    }
    const client = this.clients.get(f.client_id ?? '');
    if (!client || !same(client.clientSecret, f.client_secret ?? '')) {
      this.refuse(res, 401, 'invalid_client', 'Client authentication failed');
      return;
    }
    if (f.grant_type !== 'authorization_code') {
      this.refuse(res, 400, 'unsupported_grant_type', `grant_type ${JSON.stringify(f.grant_type ?? '')} is not supported`);
      return;
    }
    const code = this.codes.get(f.code ?? '');
    // Single use: a code is spent by any attempt to redeem it.
    this.codes.delete(f.code ?? '');
    if (!code || code.clientId !== client.clientId) {
      this.refuse(res, 400, 'invalid_grant', 'Invalid authorization code');
      return;
    }
    if (this.clock.now() >= code.expiresAt) {
      this.refuse(res, 400, 'invalid_grant', 'Authorization code expired');
      return;
    }
    if (code.redirectUri !== (f.redirect_uri ?? '')) {
      this.refuse(res, 400, 'invalid_grant', 'redirect_uri does not match the one the code was issued for');
      return;
    }
    if (code.challenge !== undefined && pkceChallenge(f.code_verifier ?? '') !== code.challenge) {
      this.refuse(res, 400, 'invalid_grant', 'code_verifier does not match the code_challenge');
      return;
    }
    this.onSignedIn(code.login);
    const issued = this.logins.issue(code.login);
    const expiresIn = Math.round((Date.parse(String(issued.expirationTime)) - this.clock.now()) / 1000);
    const snake = { access_token: issued.accessToken, token_type: 'Bearer', expires_in: expiresIn };
    const camel = { accessToken: issued.accessToken, mdAccessToken: issued.mdAccessToken, expirationTime: issued.expirationTime, userId: issued.userId, name: issued.name };
    const answer = this.quirks.tokenAnswer === 'snake' ? snake : this.quirks.tokenAnswer === 'camel' ? camel : { ...snake, ...camel };
    json(res, 200, answer);
  }

  private refuse(res: ServerResponse, status: number, error: string, description: string): void {
    this.stats.refusedExchanges++;
    json(res, status, { error, error_description: description });
  }
}

export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

function stringFields(v: unknown): Fields {
  if (typeof v !== 'object' || v === null) throw new Error('not an object');
  return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function back(res: ServerResponse, redirect: URL, params: Readonly<Record<string, string | undefined>>): void {
  const to = new URL(redirect);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) to.searchParams.set(k, v);
  res.writeHead(302, { Location: to.toString(), 'Cache-Control': 'no-store' }).end();
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title></head><body><main>${body}</main></body></html>`;
}

function html(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Security-Policy': "default-src 'none'" }).end(text);
}

function json(res: ServerResponse, status: number, data: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify(data));
}

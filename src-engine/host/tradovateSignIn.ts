/**
 * Sign in with Tradovate, the engine's side: starts a sign-in (state, PKCE, a redirect address, a
 * time limit), takes the browser's answer, exchanges the code, learns whose token it is, keeps the
 * token in the keychain and adds (or reconnects) the connection. Every ending, good or bad, is
 * reported once as a `signIn` event with the trader's sentence. The OAuth client's secret and the
 * tokens never leave this module except into the keychain.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../domain/clock';
import type { Logger } from '../domain/log';
import { rememberSecret } from '../api/redact';
import { Refusal } from '../domain/refusal';
import type { Engine } from '../runtime/engine';
import type { SecretStore } from '../secrets/secretStore';
import { authorizeUrlOf } from '../brokers/tradovate/oauth/authorizeUrl';
import { stateWithPort } from '../brokers/tradovate/oauth/bounce';
import { callbackOutcome } from '../brokers/tradovate/oauth/callbackOutcome';
import { exchangeCode } from '../brokers/tradovate/oauth/codeExchange';
import { tokenUrlsFor, type OAuthClientLookup, type TradovateOAuthClient } from '../brokers/tradovate/oauth/oauthClient';
import { codeChallengeOf, newCodeVerifier, newState } from '../brokers/tradovate/oauth/pkce';
import { signInError, type SignInError } from '../brokers/tradovate/oauth/signInFailure';
import type { ExchangedToken } from '../brokers/tradovate/oauth/tokenAnswer';
import { oauthTokenSecret, type TradovateOAuthToken } from '../brokers/tradovate/settings';
import { connectionOfSameLogin } from '../runtime/loginIdentity';
import type { CallbackPage } from './signInCallbackPage';
import type { RedirectEndpoint, RedirectSource } from './loopbackRedirect';

/** Long enough to type a password and a 2FA code; short enough that a forgotten tab is not a live door. */
export const SIGN_IN_TIME_LIMIT_MS = 5 * 60_000;
const HTTP_TIMEOUT_MS = 15_000;

export type SignInReport =
  | { readonly signInId: string; readonly outcome: 'connected'; readonly connectionId: string; readonly message: string }
  | { readonly signInId: string; readonly outcome: 'failed'; readonly failure: SignInError['failure']; readonly message: string; readonly connectionId?: string | undefined };

export interface SignInStart {
  /** Sign in again for this connection; else a new connection with `name` and `settings`. */
  readonly connectionId?: string | undefined;
  readonly name?: string | undefined;
  readonly settings?: Readonly<Record<string, string>> | undefined;
}

export interface TradovateSignInsDeps {
  readonly engine: Engine;
  readonly secrets: SecretStore;
  readonly clock: Clock;
  readonly log: Logger;
  /** Looked up at each start, so a client configured while running is picked up. */
  readonly client: () => OAuthClientLookup;
  /** Refuses bad connection settings, naming the field. */
  readonly checkSettings: (settings: Readonly<Record<string, string>>) => Record<string, string>;
  readonly report: (r: SignInReport) => void;
  readonly timeLimitMs?: number;
}

type Ending = { readonly outcome: 'connected'; readonly connectionId: string; readonly message: string } | ({ readonly outcome: 'failed' } & SignInError);

interface Pending {
  readonly id: string;
  readonly state: string;
  readonly verifier: string | undefined;
  readonly redirectUri: string;
  readonly expiresAt: number;
  readonly client: TradovateOAuthClient;
  readonly restUrl: string;
  readonly target: { readonly kind: 'existing'; readonly connectionId: string } | { readonly kind: 'new'; readonly name: string; readonly settings: Record<string, string> };
  readonly endpoint: RedirectEndpoint;
  readonly cancelTimer: () => void;
  /** Set once an answer is being handled: a second answer for the same state is refused. */
  answered: boolean;
}

export class TradovateSignIns {
  private readonly pending = new Map<string, Pending>();
  private redirect: RedirectSource;

  constructor(
    private readonly deps: TradovateSignInsDeps,
    redirect: RedirectSource,
  ) {
    this.redirect = redirect;
  }

  /** Serve and demo: answers come to the headless server once it listens. */
  useRedirect(redirect: RedirectSource): void {
    this.redirect = redirect;
  }

  async start(args: SignInStart): Promise<{ readonly signInId: string; readonly authorizeUrl: string; readonly expiresAt: number }> {
    const lookup = this.deps.client();
    if (lookup.client === undefined) throw new Refusal([{ field: 'client', message: lookup.why }]);
    const client = lookup.client;
    const target = this.targetOf(args);
    const restUrl = target.kind === 'new' ? String(target.settings.restUrl) : this.existingRestUrl(target.connectionId);
    const id = randomUUID();
    const verifier = client.pkce ? newCodeVerifier() : undefined;
    const endpoint = await this.redirect((query) => this.receive(query));
    const redirectUri = client.redirectUri ?? endpoint.redirectUri;
    // Through an https bounce page, the state carries the listener's port back (bounce.ts).
    const state = client.redirectUri !== undefined ? stateWithPort(Number(new URL(endpoint.redirectUri).port), newState()) : newState();
    const expiresAt = this.deps.clock.now() + (this.deps.timeLimitMs ?? SIGN_IN_TIME_LIMIT_MS);
    const cancelTimer = this.deps.clock.at(expiresAt, () => this.end(id, { outcome: 'failed', ...signInError('timedOut') }));
    this.pending.set(state, { id, state, verifier, redirectUri, expiresAt, client, restUrl, target, endpoint, cancelTimer, answered: false });
    this.deps.log.info('tradovate sign-in started', { signInId: id, redirect: redirectUri, pkce: verifier !== undefined, client: client.source });
    const authorizeUrl = authorizeUrlOf({ authorizeUrl: client.authorizeUrl, clientId: client.clientId, redirectUri, state, codeChallenge: verifier !== undefined ? codeChallengeOf(verifier) : undefined });
    return { signInId: id, authorizeUrl, expiresAt };
  }

  /** The trader gave up from the app (not on Tradovate's page). */
  cancel(signInId: string): void {
    this.end(signInId, { outcome: 'failed', failure: 'cancelled', message: 'Sign-in cancelled in Mirrorfill: nothing was connected' });
  }

  /** The browser's answer at the redirect address; the page it shows in return. */
  async receive(query: URLSearchParams): Promise<CallbackPage> {
    const p = this.pending.get(query.get('state') ?? '');
    const decided = callbackOutcome(p && !p.answered ? p : undefined, query, this.deps.clock.now());
    if (decided.kind === 'failed') {
      // A stray or replayed answer ends nothing: the real one may still come.
      if (p && !p.answered && decided.error.failure !== 'stateMismatch') this.end(p.id, { outcome: 'failed', ...decided.error });
      this.deps.log.warn('tradovate sign-in answer refused', { failure: decided.error.failure });
      return { ok: false, message: decided.error.message };
    }
    if (!p) return { ok: false, message: signInError('stateMismatch').message };
    p.answered = true;
    const exchanged = await exchangeCode({
      tokenUrls: tokenUrlsFor(p.client, p.restUrl),
      code: decided.code,
      redirectUri: p.redirectUri,
      clientId: p.client.clientId,
      clientSecret: p.client.clientSecret,
      codeVerifier: p.verifier,
      timeoutMs: HTTP_TIMEOUT_MS,
      now: () => this.deps.clock.now(),
    });
    if (!exchanged.ok) {
      this.end(p.id, { outcome: 'failed', ...exchanged.error });
      return { ok: false, message: exchanged.error.message };
    }
    rememberSecret(exchanged.token.accessToken);
    try {
      const token = await this.whose(exchanged.token, p.restUrl);
      const connectionId = await this.keep(p, token);
      this.end(p.id, { outcome: 'connected', connectionId, message: `Signed in to Tradovate as ${token.userName}` });
      return { ok: true, message: `Signed in to Tradovate as ${token.userName}.` };
    } catch (err) {
      const e = err instanceof SignInFailed ? err.error : signInError('unreachable', err instanceof Error ? err.message : String(err));
      this.end(p.id, { outcome: 'failed', ...e });
      return { ok: false, message: e.message };
    }
  }

  dispose(): void {
    for (const p of [...this.pending.values()]) this.end(p.id, { outcome: 'failed', ...signInError('cancelled', 'Mirrorfill stopped') }, false);
  }

  // ---- internals ------------------------------------------------------------------------------

  private targetOf(args: SignInStart): Pending['target'] {
    if (args.connectionId !== undefined) {
      const row = this.deps.engine.core.config.connections().find((c) => c.id === args.connectionId);
      if (!row || row.broker !== 'tradovate') throw new Refusal([{ field: 'connectionId', message: `no Tradovate connection "${args.connectionId}"` }]);
      if (row.settings.auth !== 'oauth') throw new Refusal([{ field: 'connectionId', message: 'this connection logs in with an API key; enter its password and secret instead' }]);
      return { kind: 'existing', connectionId: row.id };
    }
    const name = args.name?.trim() ?? '';
    if (name.length === 0 || name.length > 64) throw new Refusal([{ field: 'name', message: 'must not be empty (at most 64 characters)' }]);
    const settings = this.deps.checkSettings({ ...args.settings, auth: 'oauth' });
    return { kind: 'new', name, settings };
  }

  private existingRestUrl(connectionId: string): string {
    const row = this.deps.engine.core.config.connections().find((c) => c.id === connectionId);
    const rest = row?.settings.restUrl;
    return typeof rest === 'string' ? rest : '';
  }

  /** The exchange's answer names no user in OAuth's shape: `auth/me` does (the example reads it too). */
  private async whose(t: ExchangedToken, restUrl: string): Promise<TradovateOAuthToken> {
    if (t.userId !== undefined && t.userName !== undefined) return { accessToken: t.accessToken, mdAccessToken: t.mdAccessToken ?? t.accessToken, expiresAt: t.expiresAt, userId: t.userId, userName: t.userName };
    let res: Response;
    try {
      res = await fetch(`${restUrl.replace(/\/+$/, '')}/auth/me`, { headers: { Accept: 'application/json', Authorization: `Bearer ${t.accessToken}` }, signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
    } catch {
      throw new SignInFailed(signInError('unreachable', 'auth/me did not answer'));
    }
    const me = (await res.json().catch(() => undefined)) as { userId?: unknown; name?: unknown } | undefined;
    if (!res.ok || typeof me?.userId !== 'number') throw new SignInFailed(signInError('refused', `the new token was not accepted by auth/me (HTTP ${res.status})`));
    return { accessToken: t.accessToken, mdAccessToken: t.mdAccessToken ?? t.accessToken, expiresAt: t.expiresAt, userId: me.userId, userName: typeof me.name === 'string' ? me.name : String(me.userId) };
  }

  /** The token into the keychain first: the connection reads it when it starts. */
  /**
   * The user signed in is the connection's login from now on (its settings name it, as an API-key
   * login's do), so the one-connection-per-login rule (§8a) holds for OAuth too: a user already
   * connected is refused before its token is kept.
   */
  private async keep(p: Pending, token: TradovateOAuthToken): Promise<string> {
    const { engine, secrets } = this.deps;
    const rows = engine.core.config.connections();
    if (p.target.kind === 'existing') {
      const id = p.target.connectionId;
      const row = rows.find((c) => c.id === id);
      const next = row ? { ...row, settings: { ...row.settings, username: token.userName } } : undefined;
      const other = next ? connectionOfSameLogin(rows, next) : undefined;
      if (other) throw new SignInFailed(signInError('loginInUse', `${token.userName} is "${other.name}"`));
      await secrets.set(id, oauthTokenSecret(token));
      if (next) await engine.replaceConnection(next);
      else await engine.reconnect(id);
      return id;
    }
    const id = `tradovate-${randomUUID().slice(0, 8)}`;
    const settings = { ...p.target.settings, username: token.userName };
    const other = connectionOfSameLogin(rows, { id, broker: 'tradovate', settings });
    if (other) throw new SignInFailed(signInError('loginInUse', `${token.userName} is "${other.name}"`));
    await secrets.set(id, oauthTokenSecret(token));
    try {
      await engine.addConnection({ id, broker: 'tradovate', name: p.target.name, settings });
    } catch (err) {
      await secrets.clear(id).catch(() => undefined);
      throw err;
    }
    return id;
  }

  private end(signInId: string, r: Ending, report = true): void {
    const p = [...this.pending.values()].find((x) => x.id === signInId);
    if (!p) return;
    this.pending.delete(p.state);
    p.cancelTimer();
    p.endpoint.close();
    const connectionId = r.outcome === 'connected' ? r.connectionId : p.target.kind === 'existing' ? p.target.connectionId : undefined;
    this.deps.log.info('tradovate sign-in ended', { signInId, outcome: r.outcome, ...(r.outcome === 'failed' ? { failure: r.failure } : {}) });
    if (!report) return;
    if (r.outcome === 'connected') this.deps.report({ signInId, outcome: 'connected', connectionId: r.connectionId, message: r.message });
    else this.deps.report({ signInId, outcome: 'failed', failure: r.failure, message: r.message, connectionId });
  }
}

class SignInFailed extends Error {
  constructor(readonly error: SignInError) {
    super(error.message);
  }
}

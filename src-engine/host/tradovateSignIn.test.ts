/**
 * Sign in with Tradovate end to end, the desktop way (a loopback listener of the engine's own on
 * 127.0.0.1; the test plays the system browser with fetch): the simulator's real sign-in page and
 * token endpoint, the keychain (in memory here), the engine's new connection and its accounts, and
 * every way a sign-in fails, each with its message on the page and in the `signIn` event.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../secrets/memorySecretStore';
import { Harness, LOGIN } from '../brokers/tradovate/testHarness';
import { openAppHost } from './appHost';
import { SIGN_IN_TIME_LIMIT_MS } from './tradovateSignIn';
import { bounceTarget } from '../brokers/tradovate/oauth/bounce';
import { CLIENT_SECRET, follow, newConnection, signInOnPage, signInWorld, type SignInWorld as World, type SignInWorldOptions } from './signInTestKit';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function setUp(opts: SignInWorldOptions = {}): Promise<World> {
  world = await signInWorld(opts);
  return world;
}

describe('Sign in with Tradovate (desktop: loopback redirect)', () => {
  it('signs in on the sign-in page, keeps the token in the keychain and connects the accounts', async () => {
    const w = await setUp();
    const started = await w.app.api.invoke('connections.signIn', newConnection(w));
    const authorize = new URL(started.authorizeUrl);
    expect(authorize.searchParams.get('response_type')).toBe('code');
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/tradovate\/callback$/);
    expect(started.authorizeUrl).not.toContain(CLIENT_SECRET);

    const ended = w.nextSignIn();
    const back = await signInOnPage(started.authorizeUrl, { decision: 'allow' });
    expect(back.searchParams.get('state')).toBe(authorize.searchParams.get('state'));
    const page = await follow(back);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`Signed in to Tradovate as ${LOGIN}`);
    const e = await ended;
    expect(e).toMatchObject({ outcome: 'connected', message: `Signed in to Tradovate as ${LOGIN}` });

    const row = w.app.engine.core.config.connections().find((c) => c.id === e.connectionId);
    expect(row?.settings).toMatchObject({ auth: 'oauth', deviceId: 'dev-oauth' });
    expect(JSON.stringify(row?.settings)).not.toMatch(/accessToken|secret/i);
    const stored = await w.secrets.get(e.connectionId ?? '');
    expect(stored).toMatchObject({ auth: 'oauth', userName: LOGIN });
    expect(stored?.accessToken?.length).toBeGreaterThan(10);
    const snap = await w.app.api.invoke('state.get', {});
    const view = snap.connections.find((c) => c.id === e.connectionId);
    expect(view?.status.state).toBe('connected');
    expect(snap.accounts.filter((a) => a.connectionId === e.connectionId).map((a) => a.name)).toEqual(['DEMO1001']);
    expect(JSON.stringify(snap)).not.toContain(CLIENT_SECRET);
    expect(JSON.stringify(snap)).not.toContain(stored?.accessToken ?? 'none');
    // The loopback listener is gone once the sign-in ended.
    await expect(fetch(back)).rejects.toThrow();
  });

  it('the user signed in is the connection\'s login: a second connection of that user is refused, nothing kept', async () => {
    const w = await setUp();
    const signIn = async (): Promise<{ outcome: string; message: string; connectionId?: string | undefined }> => {
      const started = await w.app.api.invoke('connections.signIn', newConnection(w));
      const ended = w.nextSignIn();
      await follow(await signInOnPage(started.authorizeUrl, { decision: 'allow' }));
      return ended;
    };
    const first = await signIn();
    expect(first.outcome).toBe('connected');
    const row = w.app.engine.core.config.connections().find((c) => c.id === first.connectionId);
    expect(row?.settings).toMatchObject({ auth: 'oauth', username: LOGIN });
    const before = w.app.engine.core.config.connections().map((c) => c.id);

    const second = await signIn();
    expect(second).toMatchObject({ outcome: 'failed', message: expect.stringContaining('This Tradovate user is already connected in Mirrorfill') as unknown });
    expect(second.message).toContain(LOGIN);
    expect(w.app.engine.core.config.connections().map((c) => c.id)).toEqual(before);
  });

  it('a code is single use: redeeming it again at the token endpoint is refused', async () => {
    const w = await setUp();
    const started = await w.app.api.invoke('connections.signIn', newConnection(w));
    const ended = w.nextSignIn();
    const back = await signInOnPage(started.authorizeUrl, { decision: 'allow' });
    await follow(back);
    expect(await ended).toMatchObject({ outcome: 'connected' });
    const again = await fetch(`${new URL(w.h.sim.urls().restUrl).origin}/auth/oauthtoken`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: back.searchParams.get('code') ?? '', redirect_uri: new URL(started.authorizeUrl).searchParams.get('redirect_uri') ?? '', client_id: 'mirrorfill-test', client_secret: CLIENT_SECRET }),
    });
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ error: 'invalid_grant', error_description: 'Invalid authorization code' });
  });

  it('Cancel on the sign-in page: cancelled, nothing connected', async () => {
    const w = await setUp();
    const started = await w.app.api.invoke('connections.signIn', newConnection(w));
    const ended = w.nextSignIn();
    const back = await signInOnPage(started.authorizeUrl, { decision: 'deny' });
    expect(back.searchParams.get('error')).toBe('access_denied');
    const page = await follow(back);
    expect(page.status).toBe(400);
    expect(page.text).toContain('Sign-in cancelled on Tradovate&#39;s page');
    expect(await ended).toMatchObject({ outcome: 'failed', failure: 'cancelled' });
    expect(w.app.engine.core.config.connections()).toEqual([]);
  });

  it('an answer with another state is ignored and the real one still completes', async () => {
    const w = await setUp();
    const started = await w.app.api.invoke('connections.signIn', newConnection(w));
    const ended = w.nextSignIn();
    const back = await signInOnPage(started.authorizeUrl, { decision: 'allow' });
    const forged = new URL(back);
    forged.searchParams.set('state', 'not-the-state');
    const refused = await follow(forged);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('does not belong to a sign-in Mirrorfill started');
    expect(w.h.sim.oauth.stats.exchanges).toBe(0);
    await follow(back);
    expect(await ended).toMatchObject({ outcome: 'connected' });
  });

  it('a code issued for another redirect address: wrong redirect', async () => {
    const w = await setUp();
    const started = await w.app.api.invoke('connections.signIn', newConnection(w));
    const ended = w.nextSignIn();
    const back = await signInOnPage(started.authorizeUrl, { decision: 'allow', override: { redirect_uri: 'http://127.0.0.1:9/elsewhere' } });
    const real = new URL(new URL(started.authorizeUrl).searchParams.get('redirect_uri') ?? '');
    real.search = back.search;
    const page = await follow(real);
    expect(page.text).toContain('Tradovate did not accept the address it was to send you back to');
    expect(await ended).toMatchObject({ outcome: 'failed', failure: 'wrongRedirect' });
  });

  it('a code used after its lifetime: code expired', async () => {
    const w = await setUp({ quirks: { codeTtlMs: 0 } });
    const started = await w.app.api.invoke('connections.signIn', newConnection(w));
    const ended = w.nextSignIn();
    const page = await follow(await signInOnPage(started.authorizeUrl, { decision: 'allow' }));
    expect(page.text).toContain('The sign-in code expired before Mirrorfill could use it: sign in again');
    expect(await ended).toMatchObject({ outcome: 'failed', failure: 'codeExpired' });
  });

  it('a wrong client secret: refused, and the secret is in no message', async () => {
    const w = await setUp({ client: { clientSecret: 'wrong-secret-wrong-secret' } });
    const started = await w.app.api.invoke('connections.signIn', newConnection(w));
    const ended = w.nextSignIn();
    const page = await follow(await signInOnPage(started.authorizeUrl, { decision: 'allow' }));
    const e = await ended;
    expect(e).toMatchObject({ outcome: 'failed', failure: 'refused' });
    expect(e.message).toContain("Mirrorfill's OAuth client was not accepted");
    expect(page.text + e.message).not.toContain('wrong-secret-wrong-secret');
  });

  it('no answer within the time limit: timed out, and a late answer is refused', async () => {
    const w = await setUp();
    const started = await w.app.api.invoke('connections.signIn', newConnection(w));
    const ended = w.nextSignIn();
    const back = await signInOnPage(started.authorizeUrl, { decision: 'allow' });
    w.clock.advanceBy(SIGN_IN_TIME_LIMIT_MS + 1);
    expect(await ended).toMatchObject({ outcome: 'failed', failure: 'timedOut' });
    await expect(fetch(back)).rejects.toThrow();
    expect(w.h.sim.oauth.stats.exchanges).toBe(0);
  });

  it('a server that reads JSON only at /v1 and answers in Tradovate\'s own field names still signs in', async () => {
    const w = await setUp({ quirks: { tokenPath: 'v1', tokenBody: 'json', tokenAnswer: 'camel' } });
    const started = await w.app.api.invoke('connections.signIn', newConnection(w));
    const ended = w.nextSignIn();
    await follow(await signInOnPage(started.authorizeUrl, { decision: 'allow' }));
    expect(await ended).toMatchObject({ outcome: 'connected' });
  });

  it('through a registered https bounce page when plain loopback redirects are refused', async () => {
    const w = await setUp({ quirks: { redirect: 'httpsOnly' }, client: { redirectUri: 'https://bounce.example/tradovate' } });
    const started = await w.app.api.invoke('connections.signIn', newConnection(w));
    expect(new URL(started.authorizeUrl).searchParams.get('redirect_uri')).toBe('https://bounce.example/tradovate');
    const ended = w.nextSignIn();
    const atBounce = await signInOnPage(started.authorizeUrl, { decision: 'allow' });
    expect(atBounce.origin).toBe('https://bounce.example');
    // What the bounce page does in the browser: forward the query to the loopback port the state names.
    const forwarded = bounceTarget(atBounce.search);
    expect(forwarded).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/tradovate\/callback\?/);
    const page = await follow(new URL(forwarded ?? ''));
    expect(page.text).toContain('Signed in to Tradovate');
    expect(await ended).toMatchObject({ outcome: 'connected' });
  });

  it('without PKCE when the client is set not to send it', async () => {
    const w = await setUp({ client: { pkce: false } });
    const started = await w.app.api.invoke('connections.signIn', newConnection(w));
    expect(new URL(started.authorizeUrl).searchParams.has('code_challenge')).toBe(false);
    const ended = w.nextSignIn();
    await follow(await signInOnPage(started.authorizeUrl, { decision: 'allow' }));
    expect(await ended).toMatchObject({ outcome: 'connected' });
  });

  it('without an OAuth client configured, the sign-in is refused with what to set', async () => {
    const h = new Harness();
    await h.startSim();
    const app = openAppHost({ dataDir: mkdtempSync(join(tmpdir(), 'mirrorfill-signin-')), host: 'test', secrets: new MemorySecretStore(), oauthClient: () => ({ client: undefined, why: 'set MIRRORFILL_TRADOVATE_CLIENT_ID' }) });
    try {
      const u = h.sim.urls();
      const err = await app.api.invoke('connections.signIn', { name: 'X', settings: { restUrl: u.restUrl, wsUrl: u.wsUrl, mdUrl: u.mdUrl, deviceId: 'd' } }).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(err?.message).toContain('MIRRORFILL_TRADOVATE_CLIENT_ID');
      expect((await app.api.invoke('state.get', {})).info.tradovateSignIn).toEqual({ available: false, detail: 'set MIRRORFILL_TRADOVATE_CLIENT_ID' });
    } finally {
      await app.close();
      await h.close();
    }
  });
});

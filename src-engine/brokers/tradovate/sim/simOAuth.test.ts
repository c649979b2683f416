/**
 * The simulator's OAuth side spoken to directly over HTTP: what the sign-in page refuses to
 * redirect, what the code exchange answers, and each switch for the points the public sources
 * disagree on.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Harness, LOGIN, PASSWORD } from '../testHarness';
import { pkceChallenge, type SimOAuthQuirks } from './simOAuth';

const SECRET = 'sim-client-secret-0123456789';
const LOOPBACK = 'http://127.0.0.1:53999/oauth/tradovate/callback';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function sim(quirks: Partial<SimOAuthQuirks> = {}): Promise<{ origin: string; h: Harness }> {
  h = new Harness({ sim: { oauth: quirks } });
  await h.startSim();
  h.sim.oauth.addClient({ clientId: 'c1', clientSecret: SECRET, appName: 'Test App', redirectUris: ['https://app.example/back'] });
  return { origin: new URL(h.sim.urls().restUrl).origin, h };
}

function authorize(origin: string, params: Record<string, string>): string {
  return `${origin}/oauth?${new URLSearchParams({ response_type: 'code', client_id: 'c1', redirect_uri: LOOPBACK, state: 'st', ...params }).toString()}`;
}

/** Signs in on the page's form (as its submit would) and returns where it redirects. */
async function submit(origin: string, fields: Record<string, string>): Promise<{ status: number; location: URL | undefined; text: string }> {
  const body = new URLSearchParams({ response_type: 'code', client_id: 'c1', redirect_uri: LOOPBACK, state: 'st', username: LOGIN, password: PASSWORD, decision: 'allow', ...fields });
  const r = await fetch(`${origin}/oauth`, { method: 'POST', body, redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  const loc = r.headers.get('location');
  return { status: r.status, location: loc ? new URL(loc) : undefined, text: await r.text() };
}

async function exchange(url: string, fields: Record<string, string>, as: 'form' | 'json' = 'form'): Promise<{ status: number; json: Record<string, unknown> }> {
  const all = { grant_type: 'authorization_code', redirect_uri: LOOPBACK, client_id: 'c1', client_secret: SECRET, ...fields };
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': as === 'form' ? 'application/x-www-form-urlencoded' : 'application/json' },
    body: as === 'form' ? new URLSearchParams(all).toString() : JSON.stringify(all),
  });
  return { status: r.status, json: (await r.json().catch(() => ({}))) as Record<string, unknown> };
}

describe('simulated Tradovate OAuth', () => {
  it('shows the sign-in page only for a known client and an allowed redirect, never redirecting a bad request', async () => {
    const { origin } = await sim();
    const ok = await fetch(authorize(origin, {}));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('to continue to Test App');
    const unknown = await fetch(authorize(origin, { client_id: 'nope' }), { redirect: 'manual' });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('Unknown client_id');
    const elsewhere = await fetch(authorize(origin, { redirect_uri: 'https://evil.example/steal' }), { redirect: 'manual' });
    expect(elsewhere.status).toBe(400);
    expect(await elsewhere.text()).toContain('is not registered for Test App');
    const token = await fetch(authorize(origin, { response_type: 'token' }), { redirect: 'manual' });
    expect(token.status).toBe(400);
  });

  it('issues a code bound to the state, redirects Cancel as access_denied, and keeps a wrong password on the page', async () => {
    const { origin } = await sim();
    const good = await submit(origin, {});
    expect(good.status).toBe(302);
    expect(`${good.location?.origin ?? ''}${good.location?.pathname ?? ''}`).toBe(LOOPBACK);
    expect(good.location?.searchParams.get('state')).toBe('st');
    expect(good.location?.searchParams.get('code')?.length).toBeGreaterThan(10);
    const cancelled = await submit(origin, { decision: 'deny' });
    expect(cancelled.location?.searchParams.get('error')).toBe('access_denied');
    expect(cancelled.location?.searchParams.get('state')).toBe('st');
    const wrong = await submit(origin, { password: 'nope' });
    expect(wrong.status).toBe(200);
    expect(wrong.text).toContain('Incorrect username or password');
  });

  it('exchanges a code once, for a token the REST API and renewal accept', async () => {
    const { origin } = await sim();
    const code = (await submit(origin, {})).location?.searchParams.get('code') ?? '';
    const first = await exchange(`${origin}/auth/oauthtoken`, { code });
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ token_type: 'Bearer', expires_in: 90 * 60 });
    const token = String(first.json.access_token);
    const me = await fetch(`${origin}/v1/auth/me`, { headers: { Authorization: `Bearer ${token}` } });
    expect(await me.json()).toMatchObject({ name: LOGIN });
    const renewed = await fetch(`${origin}/v1/auth/renewaccesstoken`, { headers: { Authorization: `Bearer ${token}` } });
    expect((await renewed.json()) as unknown).toMatchObject({ accessToken: expect.any(String) as unknown });
    expect(await exchange(`${origin}/auth/oauthtoken`, { code })).toEqual({ status: 400, json: { error: 'invalid_grant', error_description: 'Invalid authorization code' } });
  });

  it('refuses a wrong client secret, a redirect mismatch and a wrong PKCE verifier', async () => {
    const { origin } = await sim();
    const code1 = (await submit(origin, {})).location?.searchParams.get('code') ?? '';
    expect(await exchange(`${origin}/auth/oauthtoken`, { code: code1, client_secret: 'wrong' })).toMatchObject({ status: 401, json: { error: 'invalid_client' } });
    const code2 = (await submit(origin, {})).location?.searchParams.get('code') ?? '';
    expect(await exchange(`${origin}/auth/oauthtoken`, { code: code2, redirect_uri: 'http://127.0.0.1:1/other' })).toMatchObject({ status: 400, json: { error: 'invalid_grant', error_description: expect.stringContaining('redirect_uri') as unknown } });
    const verifier = 'a-verifier-that-is-long-enough-for-the-rfc-0123456789';
    const code3 = (await submit(origin, { code_challenge: pkceChallenge(verifier), code_challenge_method: 'S256' })).location?.searchParams.get('code') ?? '';
    expect(await exchange(`${origin}/auth/oauthtoken`, { code: code3, code_verifier: 'something-else' })).toMatchObject({ status: 400, json: { error: 'invalid_grant' } });
    const code4 = (await submit(origin, { code_challenge: pkceChallenge(verifier), code_challenge_method: 'S256' })).location?.searchParams.get('code') ?? '';
    expect((await exchange(`${origin}/auth/oauthtoken`, { code: code4, code_verifier: verifier })).status).toBe(200);
  });

  it('switches: https-only redirects, the /v1 path only, a JSON-only body, camel-case answers, PKCE ignored', async () => {
    const httpsOnly = await sim({ redirect: 'httpsOnly' });
    expect((await fetch(authorize(httpsOnly.origin, {}))).status).toBe(400);
    expect((await fetch(authorize(httpsOnly.origin, { redirect_uri: 'https://app.example/back' }))).status).toBe(200);
    await h?.close();

    const v1 = await sim({ tokenPath: 'v1', tokenBody: 'json', tokenAnswer: 'camel', pkce: 'ignore' });
    const code = (await submit(v1.origin, { code_challenge: 'ignored', code_challenge_method: 'S256' })).location?.searchParams.get('code') ?? '';
    expect((await exchange(`${v1.origin}/auth/oauthtoken`, { code })).status).toBe(404);
    expect((await exchange(`${v1.origin}/v1/auth/oauthtoken`, { code }, 'form')).status).toBe(415);
    const r = await exchange(`${v1.origin}/v1/auth/oauthtoken`, { code }, 'json');
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ accessToken: expect.any(String) as unknown, expirationTime: expect.any(String) as unknown, name: LOGIN });
    expect(r.json.access_token).toBeUndefined();
  });
});

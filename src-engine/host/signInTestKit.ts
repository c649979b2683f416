/**
 * Test support for Sign in with Tradovate: an app host (engine, API, in-memory keychain, a clock
 * tests can move) beside a Tradovate simulator with an OAuth client registered, and the trader's
 * side of the browser played with fetch: the sign-in page filled in, the redirect followed.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { ApiEvent } from '../api/contract';
import { ScenarioClock } from '../domain/clock';
import { MemorySecretStore } from '../secrets/memorySecretStore';
import { Harness, LOGIN, PASSWORD } from '../brokers/tradovate/testHarness';
import type { TradovateSimOptions } from '../brokers/tradovate/sim/tradovateSim';
import type { SimOAuthQuirks } from '../brokers/tradovate/sim/simOAuth';
import type { TradovateOAuthClient } from '../brokers/tradovate/oauth/oauthClient';
import { openAppHost, type AppHost } from './appHost';

export const CLIENT_SECRET = 'simulated-client-secret-0123456789';

type SignInEvent = Extract<ApiEvent, { type: 'signIn' }>;

export interface SignInWorld {
  readonly h: Harness;
  readonly app: AppHost;
  readonly secrets: MemorySecretStore;
  readonly clock: ScenarioClock;
  readonly events: ApiEvent[];
  nextSignIn(): Promise<SignInEvent>;
  /** Resolves with the first event (past or future) that matches. */
  waitForEvent(match: (e: ApiEvent) => boolean): Promise<ApiEvent>;
  close(): Promise<void>;
}

export interface SignInWorldOptions {
  readonly quirks?: Partial<SimOAuthQuirks>;
  readonly client?: Partial<TradovateOAuthClient>;
  readonly sim?: Omit<TradovateSimOptions, 'oauth'>;
}

export async function signInWorld(opts: SignInWorldOptions = {}): Promise<SignInWorld> {
  const h = new Harness({ sim: { ...opts.sim, oauth: opts.quirks ?? {} } });
  await h.startSim();
  h.sim.oauth.addClient({ clientId: 'mirrorfill-test', clientSecret: CLIENT_SECRET, appName: 'Mirrorfill', redirectUris: ['https://bounce.example/tradovate'] });
  const origin = new URL(h.sim.urls().restUrl).origin;
  const client: TradovateOAuthClient = { clientId: 'mirrorfill-test', clientSecret: CLIENT_SECRET, authorizeUrl: `${origin}/oauth`, pkce: true, source: 'test', ...opts.client };
  const secrets = new MemorySecretStore();
  const clock = new ScenarioClock(Date.now());
  const app = openAppHost({ dataDir: mkdtempSync(join(tmpdir(), 'mirrorfill-signin-')), host: 'test', secrets, clock, oauthClient: () => ({ client }) });
  await app.engine.start();
  const events: ApiEvent[] = [];
  const waiters = new Set<{ match: (e: ApiEvent) => boolean; resolve: (e: ApiEvent) => void }>();
  app.api.onEvent((e) => {
    events.push(e);
    for (const w of [...waiters]) {
      if (!w.match(e)) continue;
      waiters.delete(w);
      w.resolve(e);
    }
  });
  const waitForEvent = (match: (e: ApiEvent) => boolean, from = events.length): Promise<ApiEvent> => {
    const past = events.slice(from).find(match);
    if (past) return Promise.resolve(past);
    return new Promise((resolve) => waiters.add({ match, resolve }));
  };
  return {
    h,
    app,
    secrets,
    clock,
    events,
    nextSignIn: () => waitForEvent((e) => e.type === 'signIn') as Promise<SignInEvent>,
    waitForEvent: (match) => waitForEvent(match, 0),
    close: async () => {
      await app.close();
      await h.close();
    },
  };
}

export function newConnection(w: SignInWorld, name = 'Funded via OAuth'): { name: string; settings: Record<string, string> } {
  const u = w.h.sim.urls();
  return { name, settings: { restUrl: u.restUrl, wsUrl: u.wsUrl, mdUrl: u.mdUrl, deviceId: 'dev-oauth' } };
}

/** The trader in the browser: opens the sign-in page, fills it in, presses a button; the redirect Tradovate answers. */
export async function signInOnPage(authorizeUrl: string, form: { username?: string; password?: string; decision: 'allow' | 'deny'; override?: Record<string, string> }): Promise<URL> {
  const page = await fetch(authorizeUrl);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain('Sign In with Tradovate');
  const hidden = Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1] ?? '', unescape(m[2] ?? '')]));
  const body = new URLSearchParams({ ...hidden, ...form.override, username: form.username ?? LOGIN, password: form.password ?? PASSWORD, decision: form.decision });
  const answer = await fetch(new URL('/oauth', authorizeUrl), { method: 'POST', body, redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  expect(answer.status).toBe(302);
  return new URL(answer.headers.get('location') ?? '');
}

function unescape(s: string): string {
  return s.replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n)));
}

/** The browser following Tradovate's redirect to the app: the page it shows. */
export async function follow(to: URL): Promise<{ status: number; text: string }> {
  const r = await fetch(to);
  return { status: r.status, text: await r.text() };
}

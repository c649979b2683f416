/**
 * A Sign in with Tradovate connection's token through a long outage: renewal cannot reach the
 * broker, the token expires meanwhile, and the connection then asks the trader to sign in again
 * (fails closed) instead of retrying for ever or logging in with a password it does not have.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { BrokerEvent } from '../../orders/broker';
import { createTradovateConnection } from './adapter';
import type { TradovateOAuthToken } from './settings';
import { Harness, LOGIN, PASSWORD } from './testHarness';
import { SIGN_IN_AGAIN } from './tokenManager';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A token as the code exchange would give it (the simulator's tokens are one kind). */
async function tokenFor(t: Harness): Promise<TradovateOAuthToken> {
  const r = await fetch(`${t.sim.urls().restUrl}/auth/accesstokenrequest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: LOGIN, password: PASSWORD }) });
  const j = (await r.json()) as { accessToken: string; mdAccessToken: string; expirationTime: string; userId: number; name: string };
  return { accessToken: j.accessToken, mdAccessToken: j.accessToken, expiresAt: Date.parse(j.expirationTime), userId: j.userId, userName: j.name };
}

describe('an OAuth token through an outage', () => {
  it('renewal unreachable until the token expired: "sign in again", no password login', async () => {
    h = new Harness({ sim: { tokenTtlMs: 3_000 } });
    await h.startSim();
    const token = await tokenFor(h);
    const logins = h.sim.stats.requests.get('auth/accesstokenrequest') ?? 0;
    const saved: TradovateOAuthToken[] = [];
    const { username: _u, appId: _a, appVersion: _v, cid: _c, ...settings } = h.settings();
    const c = createTradovateConnection({ ...settings, auth: 'oauth' }, { kind: 'oauth', token, save: (t) => (saved.push(t), Promise.resolve()) }, { catalog: h.catalog, clock: h.clock, log: h.logger, random: () => 0.5, timings: { backoffBaseMs: 20, backoffCapMs: 200 } });
    await c.start(h.log.listener);
    // The broker unreachable for longer than the token lives.
    h.sim.applyFault(h.account.id, { kind: 'disconnect', ms: 60_000 });
    const failed = (await h.log.waitFor((e) => e.kind === 'connection' && e.status.state === 'failed')) as Extract<BrokerEvent, { kind: 'connection' }>;
    expect(failed.status).toEqual({ state: 'failed', reason: `${SIGN_IN_AGAIN} (the token expired before it could be renewed)` });
    expect(Date.now()).toBeGreaterThanOrEqual(token.expiresAt - 1_000);
    expect(h.sim.stats.requests.get('auth/accesstokenrequest') ?? 0).toBe(logins);
    expect(saved).toEqual([]);
    await c.stop();
  });
});

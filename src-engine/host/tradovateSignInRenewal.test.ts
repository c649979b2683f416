/**
 * A signed-in Tradovate connection over time: its token renewed before expiry with the broker's
 * renewal call and saved back to the keychain; renewal refused (a password change, a long night)
 * → "sign in again", the connection fails closed (no orders for its accounts; a leader fill leaves
 * the follower out of sync with the reason), and signing in again brings the same connection and
 * accounts back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { moneyFromDollars } from '../domain/money';
import type { ApiEvent } from '../api/contract';
import { follow, newConnection, signInOnPage, signInWorld, type SignInWorld } from './signInTestKit';

const FOLLOWER_LOGIN = 'funded-trader';
const FOLLOWER_PASSWORD = 'funded-password';

let w: SignInWorld | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

async function signIn(world: SignInWorld, args: { connectionId?: string; name?: string; settings?: Record<string, string> }): Promise<string> {
  const started = await world.app.api.invoke('connections.signIn', args);
  const ended = world.nextSignIn();
  await follow(await signInOnPage(started.authorizeUrl, { username: FOLLOWER_LOGIN, password: FOLLOWER_PASSWORD, decision: 'allow' }));
  const e = await ended;
  expect(e).toMatchObject({ outcome: 'connected' });
  return e.connectionId ?? '';
}

function statusOf(world: SignInWorld, connectionId: string): Promise<ApiEvent> {
  return world.waitForEvent((e) => e.type === 'alert' && e.title.startsWith('Connection failed') && world.app.engine.core.connections.get(connectionId)?.status.state === 'failed');
}

describe('a signed-in Tradovate connection over time', () => {
  it('renews its token before expiry, saves it, and never logs in with a password', async () => {
    // Tokens live 3 s here, so the renewal (a sixth of the lifetime before expiry) comes within the test.
    w = await signInWorld({ sim: { tokenTtlMs: 3_000 } });
    w.h.exchange.addAccount({ key: 'f1', broker: 'tradovate', login: FOLLOWER_LOGIN, name: 'FUNDED-1', balance: moneyFromDollars(50_000) });
    w.h.sim.addLogin(FOLLOWER_LOGIN, FOLLOWER_PASSWORD);
    const id = await signIn(w, newConnection(w));
    const first = await w.secrets.get(id);
    await w.h.sim.nextNote((n) => n.kind === 'renewal');
    // The save follows the renewal's answer: wait for the keychain to hold a newer token.
    await expect.poll(async () => (await w?.secrets.get(id))?.accessToken, { timeout: 5_000 }).not.toBe(first?.accessToken);
    const second = await w.secrets.get(id);
    expect(Number(second?.expiresAt)).toBeGreaterThan(Number(first?.expiresAt));
    expect(w.app.engine.core.connections.get(id)?.status.state).toBe('connected');
    expect(w.h.sim.stats.requests.get('auth/accesstokenrequest') ?? 0).toBe(0);
  });

  it('renewal refused: "sign in again", no orders for its accounts, the follower out of sync; signing in again restores it', async () => {
    w = await signInWorld({ sim: { tokenTtlMs: 3_000 } });
    const world = w;
    const funded = world.h.exchange.addAccount({ key: 'f1', broker: 'tradovate', login: FOLLOWER_LOGIN, name: 'FUNDED-1', balance: moneyFromDollars(50_000) });
    world.h.sim.addLogin(FOLLOWER_LOGIN, FOLLOWER_PASSWORD);
    // The leader logs in with an API key on the same simulated Tradovate.
    const u = world.h.sim.urls();
    const leaderConn = await world.app.api.invoke('connections.add', { broker: 'tradovate', name: 'Leader', settings: { restUrl: u.restUrl, wsUrl: u.wsUrl, mdUrl: u.mdUrl, username: 'trader1', appId: 'Mirrorfill', appVersion: '0.1.0', cid: '8', deviceId: 'dev-lead' } });
    await world.app.api.invoke('connections.setSecret', { id: leaderConn.id, secret: { password: 'correct horse', sec: 'not-a-real-secret' } });
    const followerConn = await signIn(world, newConnection(world));
    const accounts = (await world.app.api.invoke('state.get', {})).accounts;
    const leader = accounts.find((a) => a.connectionId === leaderConn.id)?.id ?? '';
    const follower = accounts.find((a) => a.connectionId === followerConn)?.id ?? '';
    // Catch up entries up to 10 minutes old, so the test's pace cannot decide whether the entry is copied.
    await world.app.api.invoke('groups.save', { group: { name: 'G', leader, followers: [{ account: follower }], settings: { reconnectPolicy: 'catchUp', maxCatchUpMs: 600_000 } } });

    // A password change revokes the follower's tokens: its next renewal is refused.
    const failed = statusOf(world, followerConn);
    world.h.sim.applyFault(funded.id, { kind: 'expireToken' });
    await failed;
    const status = world.app.engine.core.connections.get(followerConn)?.status;
    expect(status).toMatchObject({ state: 'failed', reason: expect.stringContaining('Tradovate sign-in expired: sign in again') as unknown });
    const view = (await world.app.api.invoke('state.get', {})).connections.find((c) => c.id === followerConn);
    expect(view?.status).toMatchObject({ state: 'failed' });

    // The leader buys: nothing goes to the follower, which is shown out of sync with the reason.
    const outOfSync = world.waitForEvent((e) => e.type === 'alert' && e.topic === 'outOfSync');
    world.h.exchange.place(world.h.account.id, { contract: world.h.mnq, side: 'buy', qty: 1, type: 'market', source: 'manual' });
    const alert = await outOfSync;
    expect(alert).toMatchObject({ type: 'alert', body: expect.stringContaining('sign in again') as unknown });
    await world.app.engine.whenIdle();
    expect(funded.orderLog.filter((o) => o.source === 'api')).toEqual([]);

    // Signing in again: the same connection and account, connected; the entry is then the reconnect policy's to copy.
    const again = await signIn(world, { connectionId: followerConn });
    expect(again).toBe(followerConn);
    expect(world.app.engine.core.connections.get(followerConn)?.status.state).toBe('connected');
    expect((await world.app.api.invoke('state.get', {})).accounts.filter((a) => a.connectionId === followerConn).map((a) => a.id)).toEqual([follower]);
    // Nothing lost: the reconcile after the new sign-in brings the follower to the leader's position (catch-up policy).
    await world.app.engine.whenIdle();
    expect(world.h.exchange.positionOf(funded.id, world.h.mnq)).toBe(1);
  });

  it('a token that expired while the app was closed: the connection asks to sign in again at start', async () => {
    w = await signInWorld({ sim: { tokenTtlMs: 60_000 } });
    w.h.exchange.addAccount({ key: 'f1', broker: 'tradovate', login: FOLLOWER_LOGIN, name: 'FUNDED-1', balance: moneyFromDollars(50_000) });
    w.h.sim.addLogin(FOLLOWER_LOGIN, FOLLOWER_PASSWORD);
    const id = await signIn(w, newConnection(w));
    const stored = await w.secrets.get(id);
    await w.secrets.set(id, { ...stored, expiresAt: String(Date.now() - 1) });
    await w.app.api.invoke('connections.reconnect', { id });
    expect(w.app.engine.core.connections.get(id)?.status).toMatchObject({ state: 'failed', reason: expect.stringContaining('sign in again') as unknown });
  });
});

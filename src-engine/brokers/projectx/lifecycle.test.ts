/**
 * Connection lifecycle of the ProjectX adapter against the simulator: token renewal, reconnects
 * (with a stale token, after a TCP reset), protocol errors and resync, delayed delivery and the
 * barrier, stop and abandon.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { BrokerEvent } from '../../orders/broker';
import { Harness } from './sim/testHarness';
import type { ProjectXSimOptions } from './sim/projectxSim';

let h: Harness | undefined;

afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function connected(options: ProjectXSimOptions = {}): Promise<Harness> {
  h = new Harness(options);
  await h.start();
  return h;
}

const connectedGen = (g: number) => (e: BrokerEvent): boolean => e.kind === 'connection' && e.status.state === 'connected' && e.generation === g;

describe('ProjectX adapter lifecycle', () => {
  it('renews its token with Auth/validate at half its lifetime; the socket keeps working', async () => {
    const t = await connected({ tokenTtlMs: 2_000 });
    const validated = await t.until(() => t.sim.requestLog().find((r) => r.path === '/api/auth/validate' && r.status === 200));
    expect(validated).toBeDefined();
    expect(t.sim.requestLog().filter((r) => r.path === '/api/auth/loginkey')).toHaveLength(1);
    const out = await t.conn?.place({ accountId: t.accountId, tag: 'mfrenew1', contract: t.mnq, side: 'buy', qty: 1, type: 'market' });
    expect(out).toMatchObject({ ok: true });
    await t.waitFor((e) => e.kind === 'fill');
  });

  it('reconnects the hub with a fresh token when the old one expired during the drop', async () => {
    const t = await connected();
    t.sim.applyFault(t.account.id, { kind: 'expireToken' });
    t.sim.applyFault(t.account.id, { kind: 'disconnect', ms: 100 });
    await t.waitFor((e) => e.kind === 'connection' && e.status.state === 'reconnecting');
    await t.waitFor(connectedGen(2));
    // validate with the expired token was refused (401), so it logged in again.
    const auth = t.sim.requestLog().filter((r) => r.path.startsWith('/api/auth/'));
    expect(auth.map((r) => `${r.path}:${r.status}`)).toEqual(['/api/auth/loginkey:200', '/api/auth/validate:401', '/api/auth/loginkey:200']);
    t.exchange.place(t.account.id, { contract: t.mnq, side: 'sell', qty: 1, type: 'market', source: 'manual' });
    await t.waitFor((e) => e.kind === 'fill' && e.fill.side === 'sell');
  });

  it('reconnects after a TCP reset and resubscribes every account', async () => {
    const t = await connected({ dropStyle: 'terminate' });
    t.sim.applyFault(t.second.id, { kind: 'disconnect', ms: 50 });
    await t.waitFor(connectedGen(2));
    t.exchange.place(t.second.id, { contract: t.mnq, side: 'buy', qty: 4, type: 'market', source: 'manual' });
    t.exchange.place(t.account.id, { contract: t.mnq, side: 'buy', qty: 1, type: 'market', source: 'manual' });
    await t.waitFor((e) => e.kind === 'position' && e.position.accountId === String(t.second.id) && e.position.netPos === 4);
    await t.waitFor((e) => e.kind === 'position' && e.position.accountId === t.accountId && e.position.netPos === 1);
    const reconnecting = t.events.find((e) => e.kind === 'connection' && e.status.state === 'reconnecting');
    expect(reconnecting).toMatchObject({ generation: 1, status: { attempt: 1 } });
  });

  it('on a malformed record: logs without secrets, emits protocolError, resyncs with a new generation', async () => {
    const t = await connected();
    t.exchange.place(t.account.id, { contract: t.mnq, side: 'buy', qty: 2, type: 'market', source: 'manual' });
    await t.settle();
    const before = t.events.length;
    t.sim.injectHubRecord('trader1', 'user', `{"type":1,"target":"GatewayUserOrder","arguments":[{"id":"not-a-number"}]}\x1e{"type":1,"target":"Gateway`);
    await t.waitFor((e) => e.kind === 'protocolError');
    await t.waitFor(connectedGen(2));
    // The resync re-reported the position from REST.
    expect(t.events.slice(before).some((e) => e.kind === 'position' && e.position.netPos === 2)).toBe(true);
    const warn = t.logs.find((l) => l.msg === 'malformed message from the broker');
    expect(warn?.fields).toMatchObject({ connection: 'px-test' });
    const allLogs = JSON.stringify(t.logs);
    expect(allLogs).not.toContain('px-key-trader1');
    expect(allLogs).not.toMatch(/eyJ[\w-]+\.eyJ/); // no JWT
    // Still connected and delivering.
    t.exchange.place(t.account.id, { contract: t.mnq, side: 'sell', qty: 2, type: 'market', source: 'manual' });
    await t.waitFor((e) => e.kind === 'position' && e.position.netPos === 0);
  });

  it('holds nothing back: barrier() resolves only after delayed events are delivered', async () => {
    const t = await connected();
    t.sim.applyFault(t.account.id, { kind: 'delay', ms: 150 });
    t.exchange.place(t.account.id, { contract: t.mnq, side: 'buy', qty: 1, type: 'market', source: 'manual' });
    expect(t.sim.pendingWork()).toBeGreaterThan(1);
    await t.conn?.barrier();
    expect(t.ofKind('fill')).toHaveLength(1);
    await t.sim.whenIdle();
    expect(t.sim.pendingWork()).toBe(0);
  });

  it('stop() ends with closed; abandon() emits nothing afterwards', async () => {
    const t = await connected();
    const conn = t.conn;
    if (!conn) throw new Error('no connection');
    conn.abandon();
    const count = t.events.length;
    t.exchange.place(t.account.id, { contract: t.mnq, side: 'buy', qty: 1, type: 'market', source: 'manual' });
    t.sim.applyFault(t.account.id, { kind: 'disconnect', ms: 20 });
    await t.sim.whenIdle();
    expect(t.events.length).toBe(count);
    expect(await conn.place({ accountId: t.accountId, tag: 'x', contract: t.mnq, side: 'buy', qty: 1, type: 'market' })).toMatchObject({ ok: false });

    const second = t.connection();
    const seen: BrokerEvent[] = [];
    await second.start((e) => seen.push(e));
    await second.stop();
    expect(seen.at(-1)).toMatchObject({ kind: 'connection', status: { state: 'closed' } });
  });

  it('ignores unknown targets such as GatewayLogout without a protocol error', async () => {
    const t = await connected();
    t.sim.injectHubRecord('trader1', 'user', '{"type":1,"target":"GatewayLogout","arguments":[]}\x1e{"type":1,"target":"GatewayUserSomethingNew","arguments":[{"x":1}]}\x1e');
    await t.conn?.barrier();
    expect(t.ofKind('protocolError')).toHaveLength(0);
    expect(t.ofKind('connection').at(-1)).toMatchObject({ generation: 1, status: { state: 'connected' } });
  });

  it('asks for quotes before start without logging in twice', async () => {
    h = new Harness();
    const t = h;
    await t.sim.start(0);
    t.sim.addLogin('trader1', 'px-key-trader1');
    t.exchange.setQuote(t.mnq, 21_000);
    const conn = t.connection();
    conn.subscribeQuotes([t.mnq]);
    await conn.start(t.listener);
    await t.until(() => t.events.find((e) => e.kind === 'quote'));
    expect(t.sim.requestLog().filter((r) => r.path === '/api/auth/loginkey')).toHaveLength(1);
  });
});

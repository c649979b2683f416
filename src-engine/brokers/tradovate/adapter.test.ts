/**
 * The production adapter against the Tradovate simulator over real loopback sockets. Waits are on
 * events and promises, never on sleeps; nothing asserts on elapsed time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { BrokerEvent } from '../../orders/broker';
import { BAD_CREDENTIALS } from './sim/simLogins';
import { Harness } from './testHarness';

let h: Harness | undefined;

async function harness(options?: ConstructorParameters<typeof Harness>[0]): Promise<Harness> {
  h = new Harness(options);
  return Promise.resolve(h);
}

afterEach(async () => {
  await h?.close();
  h = undefined;
  // Everything disposable (architecture practice 9): no socket or server outlives its test.
  expect(await tcpHandlesAfterTeardown()).toEqual([]);
});

/**
 * Closed handles leave the list a loop turn or two later (libuv closes them asynchronously, and
 * the HTTP client sees the server's FIN after it was sent), so give them a bounded while to go.
 */
async function tcpHandlesAfterTeardown(): Promise<string[]> {
  const open = (): string[] => process.getActiveResourcesInfo().filter((r) => r.startsWith('TCP'));
  for (let turn = 0; turn < 200 && open().length > 0; turn++) await new Promise((resolve) => setTimeout(resolve, 1));
  return open();
}

const isFillOf = (orderId: string) => (e: BrokerEvent) => e.kind === 'fill' && e.fill.orderId === orderId;

describe('Tradovate adapter over the simulator', () => {
  it('connects, emits the state it found, and answers a snapshot', async () => {
    const t = await harness();
    // State that exists before the adapter connects: a working manual order and a position.
    const resting = t.exchange.place(t.account.id, { contract: t.mnq, side: 'buy', qty: 1, type: 'limit', price: 20_900, source: 'manual' });
    t.exchange.place(t.account.id, { contract: t.mnq, side: 'sell', qty: 2, type: 'market', source: 'manual' });
    if (!resting.ok) throw new Error(resting.reason);

    const c = await t.connect();

    const kinds = t.log.events.map((e) => e.kind);
    expect(kinds.at(-1)).toBe('connection');
    expect(t.log.events.at(-1)).toEqual({ kind: 'connection', status: { state: 'connected' }, generation: 1 });
    expect(t.log.orders(String(resting.order.orderId))[0]).toMatchObject({ status: 'working', side: 'buy', qty: 1, type: 'limit', price: 20_900, contract: t.mnq });
    expect(t.log.orders(String(resting.order.orderId))[0]?.tag).toBeUndefined();
    expect(t.log.events).toContainEqual({ kind: 'position', position: { accountId: t.accountId, contract: t.mnq, netPos: -2, avgPrice: 21_000 } });
    expect(t.log.events).toContainEqual({ kind: 'balance', accountId: t.accountId, balance: t.account.balance });
    // Fills from before the connection are history, not news: snapshot() carries them.
    expect(t.log.count('fill')).toBe(0);

    expect(c.accounts()).toEqual([{ brokerAccountId: t.accountId, name: 'DEMO1001', balance: t.account.balance }]);
    const snap = await c.snapshot(t.accountId);
    expect(snap.balance).toBe(t.account.balance);
    expect(snap.positions).toEqual([{ accountId: t.accountId, contract: t.mnq, netPos: -2, avgPrice: 21_000 }]);
    expect(snap.openOrders.map((o) => o.orderId)).toEqual([String(resting.order.orderId)]);
    expect(snap.fills).toHaveLength(1);
    expect(snap.fills[0]).toMatchObject({ side: 'sell', qty: 2, price: 21_000, contract: t.mnq });
  });

  it('places a market order: one fill event, then the position', async () => {
    const t = await harness();
    const c = await t.connect();
    const out = await c.place({ accountId: t.accountId, tag: 'mf-market-1', contract: t.mnq, side: 'buy', qty: 1, type: 'market' });
    if (!out.ok) throw new Error(out.reason);
    const fill = await t.log.fill(out.orderId);
    expect(fill).toMatchObject({ accountId: t.accountId, side: 'buy', qty: 1, price: 21_000, contract: t.mnq });
    await t.log.waitFor((e) => e.kind === 'position' && e.position.netPos === 1);
    const filled = await t.log.order(out.orderId, 'filled');
    expect(filled).toMatchObject({ tag: 'mf-market-1', filledQty: 1, avgFillPrice: 21_000 });
    await c.barrier();
    expect(t.log.events.filter(isFillOf(out.orderId))).toHaveLength(1);
    expect(t.apiOrders()).toBe(1);
    expect(t.sim.stats.notAutomated()).toBe(0);
    expect(c.budget().remaining).toBeLessThan(c.budget().limit);
  });

  it('sends a bracket as one placeoso: legs suspended, working on the entry fill, OCO on the exit', async () => {
    const t = await harness();
    const c = await t.connect();
    const out = await c.place({ accountId: t.accountId, tag: 'mf-bracket', contract: t.mnq, side: 'buy', qty: 1, type: 'limit', price: 20_990, bracket: { stopLoss: 20_950, takeProfit: 21_050 } });
    if (!out.ok) throw new Error(out.reason);
    expect(t.sim.stats.requests.get('order/placeoso')).toBe(1);
    expect(t.sim.stats.requests.get('order/placeorder')).toBeUndefined();
    const [stopId, targetId] = out.legOrderIds ?? [];
    if (stopId === undefined || targetId === undefined) throw new Error('expected two legs');

    const stop = await t.log.order(stopId, 'suspended');
    const target = await t.log.order(targetId, 'suspended');
    expect(stop).toMatchObject({ type: 'stop', price: 20_950, side: 'sell', parentOrderId: out.orderId, tag: 'mf-bracket-sl' });
    expect(target).toMatchObject({ type: 'limit', price: 21_050, side: 'sell', parentOrderId: out.orderId, tag: 'mf-bracket-tp' });
    expect(stop.ocoGroup).toBeDefined();
    expect(stop.ocoGroup).toBe(target.ocoGroup);

    t.exchange.setQuote(t.mnq, 20_990);
    await t.log.order(out.orderId, 'filled');
    await t.log.order(stopId, 'working');
    await t.log.order(targetId, 'working');

    t.exchange.setQuote(t.mnq, 21_050);
    await t.log.order(targetId, 'filled');
    await t.log.order(stopId, 'cancelled');
    await t.log.waitFor((e) => e.kind === 'position' && e.position.netPos === 0);
    expect(t.apiOrders()).toBe(1);
  });

  it('reports an exchange rejection as permanent with the reason, and the order as rejected', async () => {
    const t = await harness();
    const c = await t.connect();
    t.exchange.faults(t.account.id).rejectNext = 'MaxPosLimitReached: position limit 0';
    const out = await c.place({ accountId: t.accountId, tag: 'mf-reject', contract: t.mnq, side: 'buy', qty: 1, type: 'market' });
    expect(out).toEqual({ ok: false, class: 'permanent', reason: 'MaxPosLimitReached: position limit 0' });
    const rejected = await t.log.waitFor((e) => e.kind === 'order' && e.order.tag === 'mf-reject' && e.order.status === 'rejected');
    expect(rejected.kind === 'order' && rejected.order.rejectReason).toBe('MaxPosLimitReached: position limit 0');
  });

  it('modifies with the full terms and cancels', async () => {
    const t = await harness();
    const c = await t.connect();
    const out = await c.place({ accountId: t.accountId, tag: 'mf-limit', contract: t.mnq, side: 'buy', qty: 1, type: 'limit', price: 20_900 });
    if (!out.ok) throw new Error(out.reason);
    await t.log.order(out.orderId, 'working');
    expect(await c.modify({ accountId: t.accountId, orderId: out.orderId, qty: 2, type: 'limit', price: 20_910 })).toEqual({ ok: true });
    await t.log.waitFor((e) => e.kind === 'order' && e.order.orderId === out.orderId && e.order.qty === 2 && e.order.price === 20_910);
    expect(await c.cancel(t.accountId, out.orderId)).toEqual({ ok: true });
    await t.log.order(out.orderId, 'cancelled');
    expect(await c.cancel(t.accountId, out.orderId)).toMatchObject({ ok: false, class: 'permanent' });
    expect(t.sim.stats.notAutomated()).toBe(0);
  });

  it('reports orders placed by hand, without a tag', async () => {
    const t = await harness();
    await t.connect();
    const manual = t.exchange.place(t.account.id, { contract: t.mnq, side: 'sell', qty: 1, type: 'market', source: 'manual' });
    if (!manual.ok) throw new Error(manual.reason);
    const id = String(manual.order.orderId);
    const filled = await t.log.order(id, 'filled');
    expect(filled.tag).toBeUndefined();
    expect(await t.log.fill(id)).toMatchObject({ side: 'sell', qty: 1 });
  });

  it('streams quotes for subscribed contracts, the current one first', async () => {
    const t = await harness();
    const c = await t.connect();
    c.subscribeQuotes([t.mnq]);
    await t.log.waitFor((e) => e.kind === 'quote' && e.contract === t.mnq && e.price === 21_000);
    t.exchange.setQuote(t.mnq, 21_001.25);
    await t.log.waitFor((e) => e.kind === 'quote' && e.price === 21_001.25);
  });

  it('resubscribes quotes after a reconnect', async () => {
    const t = await harness();
    const c = await t.connect();
    c.subscribeQuotes([t.mnq]);
    c.subscribeQuotes([t.mnq]);
    await t.log.waitFor((e) => e.kind === 'quote' && e.price === 21_000);
    t.sim.applyFault(t.account.id, { kind: 'disconnect', ms: 100 });
    await t.log.connected(2);
    await c.barrier();
    t.exchange.setQuote(t.mnq, 20_999.75);
    await t.log.waitFor((e) => e.kind === 'quote' && e.price === 20_999.75);
    expect(t.sim.stats.requests.get('md/subscribequote')).toBeGreaterThanOrEqual(2);
  });

  it('survives token expiry: the 401 is followed by a new login and exactly one order', async () => {
    const t = await harness();
    const c = await t.connect();
    t.sim.applyFault(t.account.id, { kind: 'expireToken' });
    const out = await c.place({ accountId: t.accountId, tag: 'mf-after-expiry', contract: t.mnq, side: 'buy', qty: 1, type: 'market' });
    expect(out.ok).toBe(true);
    expect(t.apiOrders()).toBe(1);
    // Renewal needs an unexpired token, so it failed and the adapter logged in again.
    expect(c.diagnostics().loginAttempts).toBe(2);
    expect(t.sim.stats.requests.get('auth/renewaccesstoken')).toBe(1);
    // The open socket stayed open: no reconnect.
    expect(c.diagnostics().generation).toBe(1);
  });

  it('renews the token before it expires instead of logging in again', async () => {
    const t = await harness({ sim: { tokenTtlMs: 900 } });
    const c = await t.connect();
    await t.sim.nextNote((n) => n.kind === 'renewal');
    await t.sim.nextNote((n) => n.kind === 'renewal');
    expect(c.diagnostics().loginAttempts).toBe(1);
    const out = await c.place({ accountId: t.accountId, tag: 'mf-renewed', contract: t.mnq, side: 'buy', qty: 1, type: 'market' });
    expect(out.ok).toBe(true);
    expect(c.diagnostics().loginAttempts).toBe(1);
  });

  it('resolves a place whose answer was lost in a disconnect by its tag, and reconnects with a new generation', async () => {
    const t = await harness();
    const c = await t.connect();
    let manualFillId: number | undefined;
    let armed = true;
    const off = t.exchange.onAccountEvent(t.account.id, (e) => {
      if (!armed || e.kind !== 'order' || e.order.tag !== 'mf-lost') return;
      armed = false;
      // The broker took the order; the connection dies before the answer is written.
      t.sim.applyFault(t.account.id, { kind: 'disconnect', ms: 300 });
      // And the leader trades during the gap.
      const manual = t.exchange.place(t.account.id, { contract: t.mnq, side: 'sell', qty: 3, type: 'market', source: 'manual' });
      if (manual.ok) manualFillId = t.account.fills.at(-1)?.fillId;
    });
    const out = await c.place({ accountId: t.accountId, tag: 'mf-lost', contract: t.mnq, side: 'buy', qty: 1, type: 'market' });
    off();
    expect(!out.ok ? out.class : 'ok').toMatch(/^(unknown|ok)$/);

    await t.log.waitFor((e) => e.kind === 'connection' && e.status.state === 'reconnecting');
    await t.log.connected(2);
    const found = await c.findOrderByTag(t.accountId, 'mf-lost');
    expect(found).toMatchObject({ tag: 'mf-lost', status: 'filled', qty: 1 });
    expect(t.apiOrders()).toBe(1);
    const snap = await c.snapshot(t.accountId);
    expect(manualFillId).toBeDefined();
    expect(snap.fills.map((f) => f.fillId)).toContain(String(manualFillId));
    expect(snap.positions).toEqual([{ accountId: t.accountId, contract: t.mnq, netPos: -2, avgPrice: 21_000 }]);
    expect(await c.findOrderByTag(t.accountId, 'mf-never-sent')).toBeNull();
  });

  it('answers unknown when the place answer times out, never resends it, and finds it by tag', async () => {
    const t = await harness({ timings: { requestTimeoutMs: 150 } });
    const c = await t.connect();
    t.sim.applyFault(t.account.id, { kind: 'delay', ms: 400 });
    const out = await c.place({ accountId: t.accountId, tag: 'mf-slow', contract: t.mnq, side: 'buy', qty: 1, type: 'market' });
    expect(out).toMatchObject({ ok: false, class: 'unknown' });
    expect(t.apiOrders()).toBe(1);
    await t.sim.whenIdle();
    expect(await c.findOrderByTag(t.accountId, 'mf-slow')).toMatchObject({ tag: 'mf-slow', status: 'filled' });
    expect(t.apiOrders()).toBe(1);
    expect(t.sim.stats.requests.get('order/placeorder')).toBe(1);
  });

  it('reconnects after a shutdown event', async () => {
    const t = await harness();
    await t.connect();
    t.sim.sendShutdown('trader1');
    await t.log.connected(2);
  });

  it('honours a penalty ticket: waits, resends with the ticket, exactly one order', async () => {
    const t = await harness();
    const c = await t.connect();
    t.sim.applyFault(t.account.id, { kind: 'rateLimit', ms: 400 });
    const out = await c.place({ accountId: t.accountId, tag: 'mf-penalised', contract: t.mnq, side: 'buy', qty: 1, type: 'market' });
    expect(out.ok).toBe(true);
    expect(t.apiOrders()).toBe(1);
    expect(t.sim.stats.penaltiesIssued).toBe(1);
    // One penalty answer only: the resend came after p-time (an early one is penalised again).
    expect(t.sim.stats.penaltyAnswers).toBe(1);
    expect(t.sim.stats.ticketedResends).toBe(1);
    await t.sim.whenIdle();
  });

  it('emits a fill delivered twice on the wire once', async () => {
    const t = await harness();
    const c = await t.connect();
    const out = await c.place({ accountId: t.accountId, tag: 'mf-dup', contract: t.mnq, side: 'buy', qty: 1, type: 'limit', price: 20_990 });
    if (!out.ok) throw new Error(out.reason);
    await t.log.order(out.orderId, 'working');
    t.sim.applyFault(t.account.id, { kind: 'duplicateNextEvent' });
    t.exchange.setQuote(t.mnq, 20_990);
    await t.log.fill(out.orderId);
    await t.log.order(out.orderId, 'filled');
    await c.barrier();
    expect(t.sim.stats.duplicatesSent).toBe(1);
    expect(t.log.events.filter(isFillOf(out.orderId))).toHaveLength(1);
    expect(t.log.orders(out.orderId).filter((o) => o.status === 'filled')).toHaveLength(1);
    expect(t.apiOrders()).toBe(1);
  });

  it('delivers messages held by a delay, in order, once the delay ends', async () => {
    const t = await harness();
    const c = await t.connect();
    t.sim.applyFault(t.account.id, { kind: 'delay', ms: 300 });
    const manual = t.exchange.place(t.account.id, { contract: t.mnq, side: 'buy', qty: 1, type: 'market', source: 'manual' });
    if (!manual.ok) throw new Error(manual.reason);
    expect(t.sim.pendingWork()).toBeGreaterThan(0);
    const before = t.log.events.length;
    await c.barrier(); // its answer queues behind the held events
    const id = String(manual.order.orderId);
    const kinds = t.log.events.slice(before).flatMap((e) => (e.kind === 'order' && e.order.orderId === id ? [`order:${e.order.status}`] : e.kind === 'fill' && e.fill.orderId === id ? ['fill'] : []));
    // In stream order; the adapter may coalesce the pending state away while it looks the contract up.
    expect(kinds.slice(-2)).toEqual(['fill', 'order:filled']);
    expect(kinds.slice(0, -2).every((k) => k === 'order:pending')).toBe(true);
    await t.sim.whenIdle();
  });

  it('adds up partial fills', async () => {
    const t = await harness();
    const c = await t.connect();
    t.exchange.faults(t.account.id).partialFillQty = 1;
    const out = await c.place({ accountId: t.accountId, tag: 'mf-partial', contract: t.mnq, side: 'buy', qty: 3, type: 'market' });
    if (!out.ok) throw new Error(out.reason);
    await t.log.order(out.orderId, 'filled');
    await t.exchange.whenIdle();
    await c.barrier();
    const fills = t.log.events.filter(isFillOf(out.orderId));
    expect(fills.map((e) => (e.kind === 'fill' ? e.fill.qty : 0))).toEqual([1, 2]);
    expect(t.log.orders(out.orderId).at(-1)).toMatchObject({ status: 'filled', filledQty: 3 });
    const partial = t.log.orders(out.orderId).find((o) => o.filledQty === 1);
    expect(partial?.status).toBe('working');
  });

  it('honours a penalty on the login itself', async () => {
    const t = await harness();
    await t.startSim();
    t.sim.applyFault(t.account.id, { kind: 'rateLimit', ms: 200 });
    const c = t.connection();
    await c.start(t.log.listener);
    expect(t.sim.stats.requests.get('auth/accesstokenrequest')).toBe(2);
    expect(t.sim.stats.penaltyAnswers).toBe(1);
    expect(t.sim.stats.ticketedResends).toBe(1);
    expect(c.diagnostics()).toMatchObject({ state: 'connected', generation: 1, loginAttempts: 2 });
  });

  it('keeps retrying a login penalty too long to wait out in place: reconnecting until p-time, then connected', async () => {
    // Penalties over maxWaitMs come back as transient + retryAt; start() must wait for that, not give up.
    const t = await harness({ penaltyPolicy: { maxWaitMs: 50 } });
    await t.startSim();
    let penalisedAt = 0;
    void t.sim.nextNote((n) => n.kind === 'penalty').then(() => (penalisedAt = t.clock.now()));
    t.sim.applyFault(t.account.id, { kind: 'rateLimit', ms: 1_000 });
    const c = t.connection();
    await c.start(t.log.listener);
    const down = t.log.statuses().flatMap((s) => (s.state === 'reconnecting' ? [s] : []));
    expect(down.map((s) => s.attempt)).toEqual([1]);
    expect(down[0]?.reason).toContain('rate limited');
    const nextTryAt = down[0]?.nextTryAt ?? 0;
    expect(nextTryAt).toBeGreaterThanOrEqual(penalisedAt + 1_000 - 5);
    expect(t.log.statuses().at(-1)).toEqual({ state: 'connected' });
    // The first request, then the resend after p-time (and its ticketed repeat): no storm.
    expect(t.sim.stats.requests.get('auth/accesstokenrequest')).toBeLessThanOrEqual(3);
    expect(c.diagnostics()).toMatchObject({ state: 'connected', generation: 1 });
  });

  it('rejects start with the broker text on a wrong password, without a retry storm', async () => {
    const t = await harness({ password: 'wrong' });
    await t.startSim();
    const c = t.connection();
    await expect(c.start(t.log.listener)).rejects.toThrow(BAD_CREDENTIALS);
    expect(t.sim.stats.requests.get('auth/accesstokenrequest') ?? 0).toBeLessThanOrEqual(2);
    expect(t.log.statuses().at(-1)).toEqual({ state: 'failed', reason: BAD_CREDENTIALS });
  });

  it('tolerates a fill before its order, entity arrays and repeated frames', async () => {
    const t = await harness();
    const c = await t.connect();
    const contractId = t.sim.contractIdOf(t.mnq);
    const orderId = 9_100_000_000_001;
    const at = new Date(t.clock.now()).toISOString();
    const fill = { id: 9_100_000_000_777, orderId, contractId, timestamp: at, action: 'Buy', qty: 1, price: 21_000, active: true };
    const props = (entityType: string, eventType: string, entity: unknown): string => `a${JSON.stringify([{ e: 'props', d: { entityType, eventType, entity } }])}`;
    t.sim.sendRaw('trader1', props('fill', 'Created', [fill]));
    t.sim.sendRaw('trader1', props('fill', 'Created', [fill]));
    t.sim.sendRaw('trader1', props('order', 'Created', { id: orderId, accountId: t.account.id, contractId, timestamp: at, action: 'Buy', ordStatus: 'Working' }));
    t.sim.sendRaw('trader1', props('command', 'Created', [{ id: 9_100_000_000_002, orderId, clOrdId: 'by-hand-elsewhere', commandType: 'New' }]));
    t.sim.sendRaw('trader1', props('orderVersion', 'Created', { id: 9_100_000_000_002, orderId, orderQty: 2, orderType: 'Limit', price: 21_000 }));
    const order = await t.log.order(String(orderId));
    expect(order).toMatchObject({ status: 'working', qty: 2, filledQty: 1, tag: 'by-hand-elsewhere', type: 'limit', price: 21_000 });
    await c.barrier();
    expect(t.log.fills().filter((f) => f.fillId === String(fill.id))).toHaveLength(1);
    // The fill could only be described once its order (and so its account) was known.
    const kinds = t.log.events.filter((e) => (e.kind === 'fill' && e.fill.orderId === String(orderId)) || (e.kind === 'order' && e.order.orderId === String(orderId))).map((e) => e.kind);
    expect(kinds).toEqual(['fill', 'order']);
    expect(t.log.count('protocolError')).toBe(0);
  });

  it('emits nothing after abandon()', async () => {
    const t = await harness();
    const c = await t.connect();
    c.abandon();
    const n = t.log.events.length;
    t.exchange.place(t.account.id, { contract: t.mnq, side: 'buy', qty: 1, type: 'market', source: 'manual' });
    await t.sim.stop();
    expect(t.log.events.length).toBe(n);
  });
});

/**
 * The production ProjectX adapter against the ProjectX simulator over real loopback sockets
 * (REST + SignalR hubs). No sleeps: every wait is on an event, a promise or the simulator's idle.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { BrokerEvent, BrokerFill, BrokerOrder, ConnectionState } from '../../orders/broker';
import { moneyFromDollars } from '../../domain/money';
import { API_KEY, Harness, LOGIN } from './sim/testHarness';
import type { ProjectXSimOptions } from './sim/projectxSim';

let h: Harness | undefined;

afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function connected(options: ProjectXSimOptions = {}, before?: (h: Harness) => void): Promise<Harness> {
  h = new Harness(options);
  if (before) {
    await h.sim.start(0);
    h.exchange.setQuote(h.mnq, 21_000);
    before(h);
  }
  await h.start();
  return h;
}

const isOrder = (pred: (o: BrokerOrder) => boolean) => (e: BrokerEvent): e is Extract<BrokerEvent, { kind: 'order' }> => e.kind === 'order' && pred(e.order);
const isFill = (pred: (f: BrokerFill) => boolean) => (e: BrokerEvent): e is Extract<BrokerEvent, { kind: 'fill' }> => e.kind === 'fill' && pred(e.fill);
const reasonOf = (o: { ok: boolean; reason?: string }): string => (o.ok ? '' : (o.reason ?? ''));
const connectedGen = (g: number) => (e: BrokerEvent): boolean => e.kind === 'connection' && e.status.state === 'connected' && e.generation === g;

describe('ProjectX adapter over the simulator', () => {
  it('connects, reports a snapshot of orders, positions and balances, then generation 1', async () => {
    const t = await connected({}, (x) => {
      x.exchange.place(x.account.id, { contract: x.mnq, side: 'buy', qty: 2, type: 'market', source: 'manual' });
      x.exchange.place(x.account.id, { contract: x.mnq, side: 'sell', qty: 1, type: 'limit', price: 21_100, source: 'manual' });
    });
    const conn = t.conn;
    if (!conn) throw new Error('no connection');
    expect(conn.accounts().map((a) => a.name)).toEqual(['PRAC-V2-423406-1', 'PRAC-V2-423406-2']);
    const kinds = t.events.map((e) => (e.kind === 'connection' ? `connection:${e.status.state}:${e.generation}` : e.kind));
    expect(kinds[0]).toBe('connection:connecting:0');
    expect(kinds.at(-1)).toBe('connection:connected:1');
    expect(t.ofKind('order').map((e) => e.order)).toEqual([expect.objectContaining({ side: 'sell', qty: 1, type: 'limit', price: 21_100, status: 'working', contract: t.mnq })]);
    expect(t.ofKind('position').map((e) => e.position)).toEqual([{ accountId: t.accountId, contract: t.mnq, netPos: 2, avgPrice: 21_000 }]);
    expect(t.ofKind('balance').map((e) => [e.accountId, e.balance])).toEqual([
      [t.accountId, moneyFromDollars(50_000)],
      [String(t.second.id), moneyFromDollars(100_000)],
    ]);

    const snap = await conn.snapshot(t.accountId);
    expect(snap.balance).toBe(moneyFromDollars(50_000));
    expect(snap.positions).toEqual([{ accountId: t.accountId, contract: t.mnq, netPos: 2, avgPrice: 21_000 }]);
    expect(snap.openOrders).toHaveLength(1);
    expect(snap.fills).toEqual([expect.objectContaining({ side: 'buy', qty: 2, price: 21_000, contract: t.mnq })]);
  });

  it('a snapshot is consistent when a fill lands between its reads: the position is what its trades add up to', async () => {
    // Chaos seed 307004669: positions and trades read side by side, a leader fill between them was
    // in the position and not in the trades, then counted again as its live event.
    const t = await connected();
    const conn = t.conn;
    if (!conn) throw new Error('no connection');
    let filledBetween = false;
    const off = t.sim.onRequest((r) => {
      if (filledBetween || !r.path.toLowerCase().endsWith('position/searchopen')) return;
      filledBetween = true;
      // Right after the broker answered the position read, before any later read.
      t.exchange.place(t.account.id, { contract: t.mnq, side: 'buy', qty: 2, type: 'market', source: 'manual' });
    });
    const snap = await conn.snapshot(t.accountId);
    off();
    expect(filledBetween).toBe(true);
    const fromTrades = snap.fills.reduce((sum, f) => sum + (f.side === 'buy' ? f.qty : -f.qty), 0);
    const held = snap.positions.reduce((sum, p) => sum + p.netPos, 0);
    expect(held).toBe(2);
    expect(fromTrades).toBe(held);
  });

  it('places a market order: one fill event, the order filled, the position', async () => {
    const t = await connected();
    const conn = t.conn;
    if (!conn) throw new Error('no connection');
    const out = await conn.place({ accountId: t.accountId, tag: 'mfmarket1', contract: t.mnq, side: 'buy', qty: 2, type: 'market' });
    expect(out).toMatchObject({ ok: true });
    if (!out.ok) return;
    await t.waitFor(isOrder((o) => o.orderId === out.orderId && o.status === 'filled'));
    await t.settle();
    const fills = t.ofKind('fill').map((e) => e.fill);
    expect(fills).toEqual([expect.objectContaining({ accountId: t.accountId, orderId: out.orderId, side: 'buy', qty: 2, price: 21_000, contract: t.mnq })]);
    const filled = t.ofKind('order').find((e) => e.order.orderId === out.orderId && e.order.status === 'filled');
    expect(filled?.order).toMatchObject({ tag: 'mfmarket1', filledQty: 2, avgFillPrice: 21_000 });
    expect(t.ofKind('position').at(-1)?.position).toEqual({ accountId: t.accountId, contract: t.mnq, netPos: 2, avgPrice: 21_000 });
    expect(t.exchange.positionOf(t.account.id, t.mnq)).toBe(2);
  });

  it('places a bracket: legs suspended, working once the entry fills, one fills and its sibling is cancelled', async () => {
    const t = await connected();
    const conn = t.conn;
    if (!conn) throw new Error('no connection');
    const out = await conn.place({ accountId: t.accountId, tag: 'mfbracket1', contract: t.mnq, side: 'buy', qty: 1, type: 'limit', price: 20_990, bracket: { stopLoss: 20_970.25, takeProfit: 21_020.5 } });
    expect(out).toMatchObject({ ok: true });
    if (!out.ok) return;
    expect(out.legOrderIds).toHaveLength(2);
    const [slId = '', tpId = ''] = out.legOrderIds ?? [];
    // Ticks went on the wire signed per side and came back as the exact prices.
    expect(t.exchange.account(t.account.id)?.orders.get(Number(slId))).toMatchObject({ type: 'stop', price: 20_970.25, status: 'suspended' });
    expect(t.exchange.account(t.account.id)?.orders.get(Number(tpId))).toMatchObject({ type: 'limit', price: 21_020.5, status: 'suspended' });
    await t.waitFor(isOrder((o) => o.orderId === slId && o.status === 'suspended' && o.parentOrderId === out.orderId));
    const snap = await conn.snapshot(t.accountId);
    expect(snap.openOrders.map((o) => [o.orderId, o.status]).sort()).toEqual([
      [out.orderId, 'working'],
      [slId, 'suspended'],
      [tpId, 'suspended'],
    ].sort());

    t.exchange.setQuote(t.mnq, 20_990);
    await t.waitFor(isOrder((o) => o.orderId === slId && o.status === 'working'));
    await t.waitFor(isOrder((o) => o.orderId === tpId && o.status === 'working'));
    t.exchange.setQuote(t.mnq, 21_020.5);
    await t.waitFor(isFill((f) => f.orderId === tpId));
    const cancelled = await t.waitFor(isOrder((o) => o.orderId === slId && o.status === 'cancelled'));
    expect(cancelled.order.ocoGroup).toBe(t.ofKind('order').find((e) => e.order.orderId === tpId)?.order.ocoGroup);
    await t.settle();
    expect(t.exchange.positionOf(t.account.id, t.mnq)).toBe(0);
    expect(t.ofKind('position').at(-1)?.position.netPos).toBe(0);
  });

  it('computes a market bracket from the current quote, signed for a short', async () => {
    const t = await connected();
    const conn = t.conn;
    if (!conn) throw new Error('no connection');
    const out = await conn.place({ accountId: t.accountId, tag: 'mfshort1', contract: t.mnq, side: 'sell', qty: 1, type: 'market', bracket: { stopLoss: 21_010, takeProfit: 20_975 } });
    expect(out).toMatchObject({ ok: true });
    const legs = t.exchange.openOrders(t.account.id).map((o) => [o.type, o.side, o.price]);
    expect(legs.sort()).toEqual([
      ['limit', 'buy', 20_975],
      ['stop', 'buy', 21_010],
    ]);
  });

  it('reports a rejection as permanent with the broker reason, and the rejected order', async () => {
    const t = await connected();
    const conn = t.conn;
    if (!conn) throw new Error('no connection');
    t.account.faults.rejectNext = 'Insufficient margin for this order';
    const out = await conn.place({ accountId: t.accountId, tag: 'mfreject1', contract: t.mnq, side: 'buy', qty: 1, type: 'market' });
    expect(out).toEqual({ ok: false, class: 'permanent', reason: 'OrderRejected: Insufficient margin for this order' });
    const rejected = await t.waitFor(isOrder((o) => o.tag === 'mfreject1' && o.status === 'rejected' && o.rejectReason !== undefined));
    expect(rejected.order.rejectReason).toBe('OrderRejected: Insufficient margin for this order');
    expect(t.exchange.account(t.account.id)?.orderLog.filter((o) => o.tag === 'mfreject1')).toHaveLength(1);
    // The tag stays taken, even by a rejected order (§14.6). "Tag in use" means our order reached
    // the broker once: look it up (here: the original, rejected), never take it as a new rejection.
    const again = await conn.place({ accountId: t.accountId, tag: 'mfreject1', contract: t.mnq, side: 'buy', qty: 1, type: 'market' });
    expect(again).toMatchObject({ ok: false, class: 'unknown' });
    expect(reasonOf(again)).toContain('custom tag already in use');
    expect(await conn.findOrderByTag(t.accountId, 'mfreject1')).toMatchObject({ status: 'rejected', rejectReason: 'OrderRejected: Insufficient margin for this order' });
  });

  it('answers a place whose customTag is already in use as unknown, and the lookup finds the working original, not the refused duplicate', async () => {
    const t = await connected();
    const conn = t.conn;
    if (!conn) throw new Error('no connection');
    const first = await conn.place({ accountId: t.accountId, tag: 'mfdup1', contract: t.mnq, side: 'buy', qty: 1, type: 'limit', price: 20_990 });
    expect(first).toMatchObject({ ok: true });
    const second = await conn.place({ accountId: t.accountId, tag: 'mfdup1', contract: t.mnq, side: 'buy', qty: 1, type: 'limit', price: 20_990 });
    expect(second).toMatchObject({ ok: false, class: 'unknown' });
    const found = await conn.findOrderByTag(t.accountId, 'mfdup1');
    expect(found).toMatchObject({ orderId: first.ok ? first.orderId : '', status: 'working' });
    // The duplicate is recorded as refused, and its event says why (the engine ignores it).
    const refused = await t.waitFor(isOrder((o) => o.tag === 'mfdup1' && o.status === 'rejected'));
    expect(refused.order.rejectReason).toContain('custom tag already in use');
    expect(t.exchange.openOrders(t.account.id).filter((o) => o.tag === 'mfdup1')).toHaveLength(1);
  });

  it('refuses brackets on an account in Position Brackets mode, still naming the recorded order', async () => {
    const t = await connected();
    const conn = t.conn;
    if (!conn) throw new Error('no connection');
    t.sim.setAccountFlags(t.account.id, { bracketMode: 'position' });
    const out = await conn.place({ accountId: t.accountId, tag: 'mfposbr1', contract: t.mnq, side: 'buy', qty: 1, type: 'limit', price: 20_900, bracket: { stopLoss: 20_800 } });
    expect(out).toMatchObject({ ok: false, class: 'permanent' });
    expect(reasonOf(out)).toContain('You must enable Auto OCO Brackets');
    await t.waitFor(isOrder((o) => o.tag === 'mfposbr1' && o.status === 'rejected'));
  });

  it('modifies and cancels a working order; a follower account cannot cancel', async () => {
    const t = await connected();
    const conn = t.conn;
    if (!conn) throw new Error('no connection');
    const out = await conn.place({ accountId: t.accountId, tag: 'mflimit1', contract: t.mnq, side: 'buy', qty: 1, type: 'limit', price: 20_900 });
    if (!out.ok) throw new Error(out.reason);
    expect(await conn.modify({ accountId: t.accountId, orderId: out.orderId, qty: 2, type: 'limit', price: 20_950.25 })).toEqual({ ok: true });
    await t.waitFor(isOrder((o) => o.orderId === out.orderId && o.price === 20_950.25 && o.qty === 2));
    const misaligned = await conn.modify({ accountId: t.accountId, orderId: out.orderId, qty: 2, type: 'limit', price: 20_950.1 });
    expect(misaligned).toMatchObject({ ok: false, class: 'permanent' });
    expect(reasonOf(misaligned)).toMatch(/^Rejected: .*tick/);
    expect(await conn.modify({ accountId: t.accountId, orderId: '123', qty: 1, type: 'limit', price: 1 })).toMatchObject({ ok: false, class: 'permanent', reason: 'OrderNotFound (code 2)' });

    t.sim.setAccountFlags(t.account.id, { follower: true });
    expect(await conn.cancel(t.accountId, out.orderId)).toEqual({ ok: false, class: 'permanent', reason: 'AccountRejected: Follower accounts cannot cancel orders' });
    t.sim.setAccountFlags(t.account.id, { follower: false });
    expect(await conn.cancel(t.accountId, out.orderId)).toEqual({ ok: true });
    await t.waitFor(isOrder((o) => o.orderId === out.orderId && o.status === 'cancelled'));
  });

  it('reports orders placed by hand in the platform, with no tag', async () => {
    const t = await connected();
    const placed = t.exchange.place(t.account.id, { contract: t.mnq, side: 'sell', qty: 3, type: 'market', source: 'manual' });
    if (!placed.ok) throw new Error(placed.reason);
    const id = String(placed.order.orderId);
    const filled = await t.waitFor(isOrder((o) => o.orderId === id && o.status === 'filled'));
    expect(filled.order.tag).toBeUndefined();
    const fill = await t.waitFor(isFill((f) => f.orderId === id));
    expect(fill.fill).toMatchObject({ side: 'sell', qty: 3, price: 21_000 });
    const found = await t.conn?.findOrderByTag(t.accountId, 'no-such-tag');
    expect(found).toBeNull();
  });

  it('survives a token expiry mid-session: re-authenticates and places exactly once', async () => {
    const t = await connected();
    const conn = t.conn;
    if (!conn) throw new Error('no connection');
    const loginsBefore = t.sim.requestLog().filter((r) => r.path === '/api/auth/loginkey').length;
    t.sim.applyFault(t.account.id, { kind: 'expireToken' });
    const out = await conn.place({ accountId: t.accountId, tag: 'mfexpiry1', contract: t.mnq, side: 'buy', qty: 1, type: 'market' });
    expect(out).toMatchObject({ ok: true });
    expect(t.exchange.account(t.account.id)?.orderLog.filter((o) => o.tag === 'mfexpiry1')).toHaveLength(1);
    const log = t.sim.requestLog();
    expect(log.filter((r) => r.path === '/api/order/place').map((r) => r.status)).toEqual([401, 200]);
    expect(log.filter((r) => r.path === '/api/auth/loginkey').length).toBe(loginsBefore + 1);
    // Events still flow on the socket opened with the old token.
    await t.waitFor(isFill((f) => f.accountId === t.accountId));
  });

  it('after a socket drop mid-order: outcome ok or unknown, found by tag, exactly one order, generation 2 with the gap in the snapshot', async () => {
    const t = await connected();
    const conn = t.conn;
    if (!conn) throw new Error('no connection');
    // Drop the login the moment the exchange takes the order: the answer to the place is lost.
    let gapFill: number | undefined;
    const off = t.exchange.onAccountEvent(t.account.id, (e) => {
      if (e.kind !== 'order' || e.order.tag !== 'mfdrop1') return;
      off();
      t.sim.applyFault(t.account.id, { kind: 'disconnect', ms: 300 });
      queueMicrotask(() => {
        const gap = t.exchange.place(t.account.id, { contract: t.mnq, side: 'buy', qty: 1, type: 'market', source: 'manual' });
        if (gap.ok) gapFill = gap.order.orderId;
      });
    });
    const out = await conn.place({ accountId: t.accountId, tag: 'mfdrop1', contract: t.mnq, side: 'buy', qty: 2, type: 'market' });
    expect(out.ok || out.class === 'unknown').toBe(true);
    await t.waitFor((e) => e.kind === 'connection' && e.status.state === 'reconnecting');
    await t.waitFor(connectedGen(2));
    const found = await conn.findOrderByTag(t.accountId, 'mfdrop1');
    expect(found).toMatchObject({ tag: 'mfdrop1', qty: 2, status: 'filled' });
    expect(t.exchange.account(t.account.id)?.orderLog.filter((o) => o.tag === 'mfdrop1')).toHaveLength(1);
    const snap = await conn.snapshot(t.accountId);
    expect(gapFill).toBeDefined();
    expect(snap.fills.some((f) => f.orderId === String(gapFill))).toBe(true);
    expect(snap.positions).toEqual([expect.objectContaining({ netPos: 3 })]);
    // The reconnected socket carries events again.
    t.exchange.place(t.account.id, { contract: t.mnq, side: 'sell', qty: 3, type: 'market', source: 'manual' });
    await t.waitFor((e) => e.kind === 'position' && e.position.netPos === 0);
  });

  it('after a 429 waits Retry-After, checks by tag, and places exactly once', async () => {
    const t = await connected();
    const conn = t.conn;
    if (!conn) throw new Error('no connection');
    t.sim.applyFault(t.account.id, { kind: 'rateLimit', ms: 200 });
    const placing = conn.place({ accountId: t.accountId, tag: 'mf429a', contract: t.mnq, side: 'buy', qty: 1, type: 'market' });
    await t.until(() => t.logs.find((l) => l.msg === 'rate limited by the broker'));
    expect(conn.budget().penaltyUntil).toBeGreaterThan(t.clock.now());
    const out = await placing;
    expect(out).toMatchObject({ ok: true });
    const paths = t.sim.requestLog().map((r) => `${r.path}:${r.status}`);
    const i429 = paths.indexOf('/api/order/place:429');
    expect(i429).toBeGreaterThanOrEqual(0);
    expect(paths.slice(i429 + 1)).toEqual(expect.arrayContaining(['/api/order/search:200', '/api/order/place:200']));
    expect(paths.slice(i429 + 1).indexOf('/api/order/search:200')).toBeLessThan(paths.slice(i429 + 1).indexOf('/api/order/place:200'));
    expect(t.exchange.account(t.account.id)?.orderLog.filter((o) => o.tag === 'mf429a')).toHaveLength(1);
    await t.sim.whenIdle();
    // The 429 came far below the key's 200 (a fault, not the limit): honoured, nothing learned.
    expect(conn.budget()).toMatchObject({ limit: 180, brokerLimit: 200, windowMs: 60_000 });
    expect(conn.budget().learnedLimit).toBeUndefined();
  });

  it('delivers one fill when the broker sends the trade twice', async () => {
    const t = await connected();
    const conn = t.conn;
    if (!conn) throw new Error('no connection');
    const out = await conn.place({ accountId: t.accountId, tag: 'mfdup1', contract: t.mnq, side: 'buy', qty: 1, type: 'limit', price: 20_950 });
    if (!out.ok) throw new Error(out.reason);
    await t.settle();
    const trades: string[] = [];
    t.sim.onHubRecord((r) => {
      if (r.text.includes('"GatewayUserTrade"')) trades.push(r.text);
    });
    t.sim.applyFault(t.account.id, { kind: 'duplicateNextEvent' });
    t.exchange.setQuote(t.mnq, 20_950);
    await t.waitFor(isFill((f) => f.orderId === out.orderId));
    await t.settle();
    expect(trades).toHaveLength(2);
    expect(trades[0]).toBe(trades[1]);
    expect(t.account.faults.duplicateNextEvent).toBe(false);
    expect(t.ofKind('fill').filter((e) => e.fill.orderId === out.orderId)).toHaveLength(1);
  });

  it('takes fills from trades when the broker never sends the filled order update', async () => {
    const t = await connected({ dropFilledOrderEvents: true });
    const conn = t.conn;
    if (!conn) throw new Error('no connection');
    const out = await conn.place({ accountId: t.accountId, tag: 'mfnofill1', contract: t.mnq, side: 'sell', qty: 2, type: 'market' });
    if (!out.ok) throw new Error(out.reason);
    const fill = await t.waitFor(isFill((f) => f.orderId === out.orderId));
    expect(fill.fill).toMatchObject({ side: 'sell', qty: 2, price: 21_000 });
    await t.settle();
    expect(t.ofKind('order').some((e) => e.order.orderId === out.orderId && e.order.status === 'filled')).toBe(false);
    // Asked directly, the broker knows it is filled.
    expect(await conn.findOrderByTag(t.accountId, 'mfnofill1')).toMatchObject({ status: 'filled', filledQty: 2 });
  });

  it('reports partial fills as they happen', async () => {
    const t = await connected();
    const conn = t.conn;
    if (!conn) throw new Error('no connection');
    t.account.faults.partialFillQty = 1;
    const out = await conn.place({ accountId: t.accountId, tag: 'mfpartial1', contract: t.mnq, side: 'buy', qty: 3, type: 'market' });
    if (!out.ok) throw new Error(out.reason);
    await t.waitFor(isOrder((o) => o.orderId === out.orderId && o.status === 'working' && o.filledQty === 1));
    await t.waitFor(isOrder((o) => o.orderId === out.orderId && o.status === 'filled' && o.filledQty === 3));
    await t.settle();
    expect(t.ofKind('fill').filter((e) => e.fill.orderId === out.orderId).map((e) => e.fill.qty)).toEqual([1, 2]);
  });

  it('refuses to start with a wrong API key, with the broker reason and no further logins', async () => {
    h = new Harness();
    const t = h;
    await t.sim.start(0);
    t.sim.addLogin(LOGIN, 'the-right-key');
    const conn = t.connection('a-wrong-key');
    await expect(conn.start((e) => t.events.push(e))).rejects.toThrow(/InvalidCredentials/);
    const last = t.events.at(-1);
    expect(last?.kind === 'connection' && last.status.state === 'failed' ? last.status.reason : '').toContain('InvalidCredentials');
    expect(t.sim.requestLog().filter((r) => r.path === '/api/auth/loginkey')).toHaveLength(1);
    expect(await conn.place({ accountId: '1', tag: 'x', contract: t.mnq, side: 'buy', qty: 1, type: 'market' })).toMatchObject({ ok: false, class: 'permanent' });
  });

  it('streams quotes for subscribed contracts, sparse updates merged', async () => {
    const t = await connected({ sparse: true });
    t.conn?.subscribeQuotes([t.mnq]);
    await t.waitFor((e) => e.kind === 'quote' && e.price === 21_000);
    t.exchange.setQuote(t.mnq, 21_003.75);
    const q = await t.waitFor((e) => e.kind === 'quote' && e.price === 21_003.75);
    expect(q).toMatchObject({ kind: 'quote', contract: t.mnq });
    await t.conn?.barrier();
  });
});

describe('ProjectX adapter starting against a failing broker', () => {
  afterEach(async () => {
    await h?.close();
    h = undefined;
    // Retries end with the connection: no timer or socket outlives the test.
    expect(await tcpHandlesAfterTeardown()).toEqual([]);
  });

  /** The simulator up with the login, no adapter started yet. */
  async function simUp(): Promise<Harness> {
    h = new Harness();
    await h.sim.start(0);
    h.sim.addLogin(LOGIN, API_KEY);
    h.exchange.setQuote(h.mnq, 21_000);
    return h;
  }

  const loginStatuses = (t: Harness): number[] => t.sim.requestLog().filter((r) => r.path === '/api/auth/loginkey').map((r) => r.status);
  const states = (t: Harness): string[] => t.ofKind('connection').map((e) => `${e.status.state}:${e.generation}`);
  const isReconnecting = (e: BrokerEvent): e is BrokerEvent & { kind: 'connection'; status: Extract<ConnectionState, { state: 'reconnecting' }> } => e.kind === 'connection' && e.status.state === 'reconnecting';

  it('a 429 on the login is transient: shown as reconnecting until Retry-After, then one more login and connected', async () => {
    const t = await simUp();
    let limitedAt = 0;
    let retriedAt = 0;
    t.sim.onRequest((r) => {
      if (r.path !== '/api/auth/loginkey') return;
      if (r.status === 429) limitedAt = t.clock.now();
      else retriedAt = t.clock.now();
    });
    t.sim.applyFault(t.account.id, { kind: 'rateLimit', ms: 300 });
    const conn = t.connection();
    const started = conn.start(t.listener);
    const down = await t.waitFor(isReconnecting);
    expect(down.status.attempt).toBe(1);
    expect(down.status.reason).toContain('rate limited');
    // Retry-After (whole seconds on the wire) is honoured, not the quicker backoff.
    expect(down.status.nextTryAt).toBeGreaterThanOrEqual(limitedAt + 1_000);
    await started;
    expect(retriedAt).toBeGreaterThanOrEqual(down.status.nextTryAt - 5);
    expect(loginStatuses(t)).toEqual([429, 200]);
    expect(states(t)).toEqual(['connecting:0', 'reconnecting:0', 'connected:1']);
    expect(conn.accounts().map((a) => a.brokerAccountId)).toEqual([t.accountId, String(t.second.id)]);
    // Connected for real: events flow.
    t.exchange.place(t.account.id, { contract: t.mnq, side: 'buy', qty: 1, type: 'market', source: 'manual' });
    await t.waitFor(isFill((f) => f.accountId === t.accountId));
  });

  it('a network failure on the login is transient: retried with backoff until the broker answers', async () => {
    const t = await simUp();
    t.sim.applyFault(t.account.id, { kind: 'disconnect', ms: 300 });
    const conn = t.connection();
    await conn.start(t.listener);
    const logins = loginStatuses(t);
    expect(logins[0]).toBe(0);
    expect(logins.at(-1)).toBe(200);
    expect(logins.length).toBeLessThanOrEqual(3);
    const down = t.ofKind('connection').filter(isReconnecting);
    expect(down.length).toBe(logins.length - 1);
    expect(down.map((e) => e.status.attempt)).toEqual(down.map((_, i) => i + 1));
    expect(states(t).at(-1)).toBe('connected:1');
  });

  it('keeps its token when a later step of the first connect fails: no second login', async () => {
    const t = await simUp();
    const off = t.sim.onRequest((r) => {
      if (r.path !== '/api/auth/loginkey' || r.status !== 200) return;
      off();
      t.sim.applyFault(t.account.id, { kind: 'disconnect', ms: 300 });
    });
    const conn = t.connection();
    await conn.start(t.listener);
    expect(loginStatuses(t)).toEqual([200]);
    expect(t.sim.requestLog().some((r) => r.path === '/api/account/search' && r.status === 0)).toBe(true);
    expect(states(t)).toEqual(expect.arrayContaining(['reconnecting:0']));
    expect(states(t).at(-1)).toBe('connected:1');
    expect(t.sim.socketCount(LOGIN)).toBeGreaterThan(0);
  });

  it('a wrong key after a 429 is final: the broker reason, failed once, no retry storm', async () => {
    const t = await simUp();
    t.sim.applyFault(t.account.id, { kind: 'rateLimit', ms: 300 });
    const conn = t.connection('a-wrong-key');
    await expect(conn.start(t.listener)).rejects.toThrow(/InvalidCredentials/);
    expect(loginStatuses(t)).toEqual([429, 200]);
    const failed = t.ofKind('connection').filter((e) => e.status.state === 'failed');
    expect(failed).toHaveLength(1);
    const reason = failed[0]?.status.state === 'failed' ? failed[0].status.reason : '';
    expect(reason).toContain('InvalidCredentials');
    expect(states(t)).toEqual(['connecting:0', 'reconnecting:0', 'failed:0']);
    expect(await conn.place({ accountId: t.accountId, tag: 'x', contract: t.mnq, side: 'buy', qty: 1, type: 'market' })).toMatchObject({ ok: false, class: 'permanent' });
  });

  it('stop() while waiting out a penalty ends start() at once, with nothing more sent', async () => {
    const t = await simUp();
    t.sim.applyFault(t.account.id, { kind: 'rateLimit', ms: 30_000 });
    const conn = t.connection();
    const started = conn.start(t.listener);
    const down = await t.waitFor(isReconnecting);
    expect(down.status.nextTryAt).toBeGreaterThanOrEqual(t.clock.now() + 20_000);
    await conn.stop();
    await expect(started).rejects.toThrow(/stopped while connecting/);
    expect(loginStatuses(t)).toEqual([429]);
    expect(states(t).at(-1)).toBe('closed:0');
  });
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

describe('payload variants', () => {
  /** The same trading day under one wire shape, as normalized events without broker or receive times. */
  async function run(options: ProjectXSimOptions): Promise<string[]> {
    const t = await connected(options);
    const conn = t.conn;
    if (!conn) throw new Error('no connection');
    const entry = await conn.place({ accountId: t.accountId, tag: 'mfvar1', contract: t.mnq, side: 'buy', qty: 2, type: 'limit', price: 20_990, bracket: { stopLoss: 20_980, takeProfit: 21_010 } });
    if (!entry.ok) throw new Error(entry.reason);
    t.exchange.setQuote(t.mnq, 20_990);
    t.exchange.setQuote(t.mnq, 21_010);
    const flat = t.exchange.place(t.account.id, { contract: t.mnq, side: 'sell', qty: 1, type: 'market', source: 'manual' });
    if (!flat.ok) throw new Error(flat.reason);
    t.exchange.place(t.account.id, { contract: t.mnq, side: 'buy', qty: 1, type: 'market', source: 'manual' });
    await t.settle();
    const out = t.events
      .filter((e) => e.kind !== 'connection')
      .map((e) => {
        if (e.kind === 'order') return JSON.stringify({ kind: e.kind, ...e.order, time: 0 });
        if (e.kind === 'fill') return JSON.stringify({ kind: e.kind, ...e.fill, time: 0, receivedAt: undefined });
        return JSON.stringify(e);
      });
    await t.close();
    h = undefined;
    return out;
  }

  it('bare, {action,data}, arrays with nulls and sparse payloads all give the same events', async () => {
    const bare = await run({ envelopeVariant: 'bare' });
    expect(bare.filter((e) => e.includes('"kind":"fill"')).length).toBeGreaterThanOrEqual(4);
    expect(bare.some((e) => e.includes('"netPos":0'))).toBe(true);
    for (const options of [{ envelopeVariant: 'actionData' as const }, { envelopeVariant: 'array' as const }, { sparse: true }, { sparse: true, envelopeVariant: 'actionData' as const }]) {
      const other = await run(options);
      expect([...other].sort(), JSON.stringify(options)).toEqual([...bare].sort());
    }
  });
});

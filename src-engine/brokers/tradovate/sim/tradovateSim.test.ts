/**
 * The simulator's wire behaviour, spoken to directly (fetch and a raw WebSocket), so it can be
 * trusted as the adapter's test partner: REST rules (§1, §2), socket framing and lifetimes (§3),
 * sync (§4), orders (§5) and the fault translations.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Harness, LOGIN, PASSWORD } from '../testHarness';
import { rest } from './simRestFixture';
import { formatAuthorize, formatJsonRequest, parseServerFrame, type ServerMessage } from '../codec';
import { BAD_CREDENTIALS } from './simLogins';

let h: Harness | undefined;
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate();
  await h?.close();
  h = undefined;
});

async function sim(options?: ConstructorParameters<typeof Harness>[0]): Promise<Harness> {
  h = new Harness(options);
  await h.startSim();
  return h;
}

/** What the protocol asks of a penalised client: wait p-time seconds (this is the rule under test, not synchronisation). */
function waitOutPTime(seconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.ceil(seconds * 1000) + 5));
}

async function login(t: Harness): Promise<{ accessToken: string; mdAccessToken: string; userId: number }> {
  const r = await rest(t, 'auth/accesstokenrequest', { body: { name: LOGIN, password: PASSWORD, appId: 'x', appVersion: '1', cid: 8, sec: 's', deviceId: 'd' } });
  return r.json as { accessToken: string; mdAccessToken: string; userId: number };
}

/** A raw client: frames in arrival order, awaited by predicate. */
class RawSocket {
  readonly frames: string[] = [];
  readonly closed: Promise<void>;
  private readonly waiters = new Set<() => void>();
  private nextId = 1;

  constructor(readonly ws: WebSocket) {
    sockets.push(ws);
    ws.on('message', (d: Buffer) => {
      this.frames.push(d.toString('utf8'));
      for (const w of [...this.waiters]) w();
    });
    this.closed = new Promise((resolve) => ws.on('close', () => resolve()));
  }

  static async open(url: string): Promise<RawSocket> {
    const s = new RawSocket(new WebSocket(url));
    await s.frame((f) => f === 'o');
    return s;
  }

  frame(match: (f: string) => boolean): Promise<string> {
    return new Promise((resolve) => {
      const check = (): boolean => {
        const f = this.frames.find(match);
        if (f === undefined) return false;
        this.frames.splice(this.frames.indexOf(f), 1);
        resolve(f);
        return true;
      };
      if (check()) return;
      const w = (): void => {
        if (check()) this.waiters.delete(w);
      };
      this.waiters.add(w);
    });
  }

  messages(match: (m: ServerMessage) => boolean): Promise<ServerMessage> {
    let found: ServerMessage | undefined;
    return this.frame((f) => {
      const r = parseServerFrame(f);
      if (!r.ok || r.value.type !== 'messages') return false;
      found = r.value.messages.find(match);
      return found !== undefined;
    }).then(() => {
      if (!found) throw new Error('unreachable');
      return found;
    });
  }

  async request(endpoint: string, query?: Record<string, string | number>, body?: unknown): Promise<ServerMessage> {
    const id = this.nextId++;
    this.ws.send(formatJsonRequest(endpoint, id, query, body));
    return this.messages((m) => m.kind === 'response' && m.id === id);
  }

  async authorize(token: string): Promise<ServerMessage> {
    this.ws.send(formatAuthorize(0, token));
    return this.messages((m) => m.kind === 'response' && m.id === 0);
  }
}

describe('simulator REST', () => {
  it('logs in with errorText on bad credentials and a captcha after too many', async () => {
    const t = await sim({ sim: { captchaAfterBadLogins: 2 } });
    const bad = { name: LOGIN, password: 'nope' };
    expect((await rest(t, 'auth/accesstokenrequest', { body: bad })).json).toEqual({ errorText: BAD_CREDENTIALS });
    expect((await rest(t, 'auth/accesstokenrequest', { body: bad })).json).toEqual({ errorText: BAD_CREDENTIALS });
    expect((await rest(t, 'auth/accesstokenrequest', { body: { name: LOGIN, password: PASSWORD } })).json).toMatchObject({ 'p-captcha': true, 'p-time': 3600 });
  });

  it('answers a login with tokens, user and expiry, and enforces the Bearer token', async () => {
    const t = await sim();
    const tok = await login(t);
    expect(tok).toMatchObject({ name: LOGIN, userStatus: 'Active' });
    expect([typeof tok.accessToken, typeof tok.mdAccessToken, typeof tok.userId]).toEqual(['string', 'string', 'number']);
    expect(tok.userId).toBeGreaterThan(2 ** 32);
    expect((await rest(t, 'account/list')).status).toBe(401);
    expect((await rest(t, 'account/list', { token: 'forged' })).status).toBe(401);
    // Case-insensitive paths, either method, the token as header or as access_token.
    const viaHeader = await rest(t, 'Account/LIST', { token: tok.accessToken, method: 'POST' });
    const viaQuery = await rest(t, 'account/list', { query: `?access_token=${tok.accessToken}` });
    expect(viaHeader.status).toBe(200);
    expect(viaHeader.json).toEqual(viaQuery.json);
    expect(viaHeader.json).toEqual([expect.objectContaining({ id: t.account.id, name: 'DEMO1001' })]);
    expect((await rest(t, 'auth/me', { token: tok.accessToken })).json).toMatchObject({ userId: tok.userId, name: LOGIN });
  });

  it('renews a live token, refuses an expired one, and answers 401 after expireToken', async () => {
    const t = await sim();
    const tok = await login(t);
    const renewed = (await rest(t, 'auth/renewAccessToken', { token: tok.accessToken })).json as { accessToken: string };
    expect(renewed.accessToken).not.toBe(tok.accessToken);
    t.sim.applyFault(t.account.id, { kind: 'expireToken' });
    expect((await rest(t, 'account/list', { token: renewed.accessToken })).status).toBe(401);
    expect((await rest(t, 'auth/renewaccesstoken', { token: renewed.accessToken })).status).toBe(401);
  });

  it('finds contracts and products, and serves the generic entity operations', async () => {
    const t = await sim();
    const { accessToken: token } = await login(t);
    const contract = (await rest(t, 'contract/find', { token, query: '?name=MNQZ6' })).json as { id: number; name: string; contractMaturityId: number };
    expect(contract).toMatchObject({ name: 'MNQZ6' });
    expect(contract.id).toBeGreaterThan(2 ** 32);
    expect((await rest(t, 'contract/item', { token, query: `?id=${contract.id}` })).json).toEqual(contract);
    expect((await rest(t, 'contract/items', { token, query: `?ids=${contract.id},123` })).json).toEqual([contract]);
    expect((await rest(t, 'contract/find', { token, query: '?name=NOPEZ6' })).status).toBe(404);
    expect((await rest(t, 'product/find', { token, query: '?name=MNQ' })).json).toMatchObject({ name: 'MNQ', valuePerPoint: 2, tickSize: 0.25, months: 'HMUZ' });

    const placed = (await rest(t, 'order/placeorder', { token, body: { accountSpec: 'DEMO1001', accountId: t.account.id, action: 'Buy', symbol: 'MNQZ6', orderQty: 1, orderType: 'Market', isAutomated: true, clOrdId: 'raw-1' } })).json as { orderId: number };
    expect(placed.orderId).toBeGreaterThan(2 ** 32);
    const order = (await rest(t, 'order/item', { token, query: `?id=${placed.orderId}` })).json;
    expect(order).toMatchObject({ id: placed.orderId, accountId: t.account.id, action: 'Buy', ordStatus: 'Filled' });
    expect((await rest(t, 'order/deps', { token, query: `?masterid=${t.account.id}` })).json).toEqual([order]);
    expect((await rest(t, 'order/list', { token })).json).toEqual([order]);
    const commands = (await rest(t, 'command/deps', { token, query: `?masterid=${placed.orderId}` })).json as { id: number }[];
    expect(commands).toEqual([expect.objectContaining({ clOrdId: 'raw-1', commandType: 'New', isAutomated: true })]);
    expect((await rest(t, 'orderVersion/deps', { token, query: `?masterid=${placed.orderId}` })).json).toEqual([expect.objectContaining({ orderQty: 1, orderType: 'Market' })]);
    expect((await rest(t, 'fill/deps', { token, query: `?masterid=${placed.orderId}` })).json).toEqual([expect.objectContaining({ qty: 1, price: 21_000, action: 'Buy', active: true })]);
    expect((await rest(t, 'fill/list', { token })).json).toHaveLength(1);
    expect((await rest(t, 'position/list', { token })).json).toEqual([expect.objectContaining({ accountId: t.account.id, netPos: 1, netPrice: 21_000, bought: 1 })]);
    expect((await rest(t, 'cashBalance/getCashBalanceSnapshot', { token, body: { accountId: t.account.id } })).json).toMatchObject({ totalCashValue: 50_000, openPnL: 0 });
    const reports = (await rest(t, 'executionReport/deps', { token, query: `?masterid=${commands[0]?.id ?? 0}` })).json as { execType: string }[];
    expect(reports.map((r) => r.execType)).toEqual(['New', 'Trade']);
  });

  it('answers placeoso with both leg ids and reports business failures on HTTP 200', async () => {
    const t = await sim();
    const { accessToken: token } = await login(t);
    const oso = (await rest(t, 'order/placeOSO', { token, body: { accountId: t.account.id, action: 'Buy', symbol: 'MNQZ6', orderQty: 1, orderType: 'Limit', price: 20_990, isAutomated: true, bracket1: { action: 'Sell', orderType: 'Limit', price: 21_050 }, bracket2: { action: 'Sell', orderType: 'Stop', stopPrice: 20_950 } } })).json as { orderId: number; oso1Id: number; oso2Id: number };
    expect(t.account.orders.get(oso.oso1Id)).toMatchObject({ type: 'limit', status: 'suspended', parentOrderId: oso.orderId });
    expect(t.account.orders.get(oso.oso2Id)).toMatchObject({ type: 'stop', status: 'suspended', parentOrderId: oso.orderId });
    const legs = (await rest(t, 'order/items', { token, query: `?ids=${oso.oso1Id},${oso.oso2Id}` })).json as { id: number; ocoId: number; parentId: number }[];
    expect(legs.map((l) => [l.parentId, l.ocoId])).toEqual([
      [oso.orderId, oso.oso2Id],
      [oso.orderId, oso.oso1Id],
    ]);
    const bad = await rest(t, 'order/placeorder', { token, body: { accountId: t.account.id, action: 'Buy', symbol: 'MNQZ6', orderQty: 1, orderType: 'Limit', price: 20_990.1, isAutomated: true } });
    expect(bad.status).toBe(200);
    expect(bad.json).toMatchObject({ failureReason: 'InvalidPrice' });
    expect((bad.json as { failureText: string }).failureText).toContain('tick');
    expect((await rest(t, 'order/placeorder', { token, body: { accountId: 999, action: 'Buy', symbol: 'MNQZ6', orderQty: 1, orderType: 'Market' } })).json).toEqual({ failureReason: 'UnknownReason', failureText: 'Access is denied' });
  });

  it('penalises with a ticket and serves the endpoint again only on the ticketed resend after p-time', async () => {
    const t = await sim();
    const { accessToken: token } = await login(t);
    t.sim.applyFault(t.account.id, { kind: 'rateLimit', ms: 200 });
    const first = (await rest(t, 'account/list', { token })).json as { 'p-ticket': string; 'p-time': number };
    expect(first['p-time']).toBeGreaterThan(0);
    expect(first['p-time']).toBeLessThanOrEqual(0.2);
    expect(t.sim.pendingWork()).toBe(1);
    // Too early, even with the ticket, and for any endpoint of the login: the same ticket again.
    expect((await rest(t, 'account/list', { token, query: `?p-ticket=${first['p-ticket']}` })).json).toMatchObject({ 'p-ticket': first['p-ticket'] });
    expect((await rest(t, 'position/list', { token })).json).toMatchObject({ 'p-ticket': first['p-ticket'] });
    await waitOutPTime(first['p-time']);
    // After p-time: other endpoints are served; the penalised one wants its ticket.
    expect((await rest(t, 'position/list', { token })).status).toBe(200);
    expect((await rest(t, 'account/list', { token })).json).toEqual({ 'p-ticket': first['p-ticket'], 'p-time': 0 });
    expect((await rest(t, 'account/list', { token, query: `?p-ticket=${first['p-ticket']}` })).json).toEqual([expect.objectContaining({ id: t.account.id })]);
    expect(t.sim.pendingWork()).toBe(0);
    expect(t.sim.stats.ticketedResends).toBe(2);
  });

  it('refuses the login during a disconnect window and serves it again afterwards', async () => {
    const t = await sim();
    const { accessToken: token } = await login(t);
    t.sim.applyFault(t.account.id, { kind: 'disconnect', ms: 150 });
    expect((await rest(t, 'account/list', { token })).status).toBe(503);
    expect(t.sim.pendingWork()).toBe(1);
    await t.sim.whenIdle();
    expect((await rest(t, 'account/list', { token })).status).toBe(200);
  });
});

describe('simulator sockets', () => {
  it('opens with "o", authorises, syncs, and streams props with large ids', async () => {
    const t = await sim();
    const tok = await login(t);
    const s = await RawSocket.open(t.sim.urls().wsUrl);
    expect(await s.authorize(tok.accessToken)).toEqual({ kind: 'response', id: 0, status: 200, ok: true, data: undefined });
    const sync = await s.request('user/syncrequest', undefined, { accounts: [t.account.id], entityTypes: ['account', 'order', 'fill', 'position', 'cashBalance'], splitResponses: false });
    if (sync.kind !== 'response' || !sync.ok) throw new Error('sync failed');
    const snap = sync.data as Record<string, unknown[]>;
    expect(snap.accounts).toEqual([expect.objectContaining({ id: t.account.id })]);
    expect(snap.cashBalances).toEqual([expect.objectContaining({ accountId: t.account.id, amount: 50_000 })]);
    expect(snap.orderVersions).toBeUndefined();

    const placed = t.exchange.place(t.account.id, { contract: t.mnq, side: 'buy', qty: 1, type: 'market', source: 'manual' });
    if (!placed.ok) throw new Error(placed.reason);
    const created = await s.messages((m) => m.kind === 'props' && m.entityType === 'order' && m.eventType === 'Created');
    expect(created.kind === 'props' && created.entities[0]).toMatchObject({ id: placed.order.orderId, ordStatus: 'PendingNew' });
    const fill = await s.messages((m) => m.kind === 'props' && m.entityType === 'fill');
    const fillEntity = fill.kind === 'props' ? (fill.entities[0] as { id: number }) : undefined;
    expect(fillEntity?.id).toBeGreaterThan(2 ** 32);
    await s.messages((m) => m.kind === 'props' && m.entityType === 'position' && (m.entities[0] as { netPos: number }).netPos === 1);
    // Types not asked for are not streamed.
    expect(s.frames.some((f) => f.includes('"orderVersion"'))).toBe(false);
    // Any REST endpoint over the socket.
    const found = await s.request('contract/find', { name: 'MNQZ6' });
    expect(found).toMatchObject({ kind: 'response', status: 200, data: { name: 'MNQZ6' } });
    expect(await s.request('nothing/here')).toMatchObject({ kind: 'response', status: 404, ok: false });
  });

  it('sends heartbeats when idle, and closes sockets that do not authorise or go silent', async () => {
    const t = await sim({ sim: { heartbeatMs: 60, authorizeTimeoutMs: 100, clientTimeoutMs: 300 } });
    const tok = await login(t);
    const silentBeforeAuth = await RawSocket.open(t.sim.urls().wsUrl);
    await silentBeforeAuth.closed;
    const quiet = await RawSocket.open(t.sim.urls().wsUrl);
    await quiet.authorize(tok.accessToken);
    await quiet.frame((f) => f === 'h');
    await quiet.closed;
    expect(t.sim.socketCount()).toBe(0);
  });

  it('serves quotes on the md socket, authorised with the md token', async () => {
    const t = await sim();
    const tok = await login(t);
    const md = await RawSocket.open(t.sim.urls().mdUrl);
    expect(await md.authorize(tok.mdAccessToken)).toMatchObject({ status: 200 });
    expect(await md.request('md/subscribeQuote', undefined, { symbol: 'MNQZ6' })).toMatchObject({ status: 200 });
    const first = await md.messages((m) => m.kind === 'md');
    expect(first.kind === 'md' && first.quotes[0]).toMatchObject({ entries: { Trade: { price: 21_000 } } });
    t.exchange.setQuote(t.mnq, 21_002.5);
    await md.messages((m) => m.kind === 'md' && JSON.stringify(m.quotes).includes('21002.5'));
  });

  it('drops the sockets of a disconnected login and refuses to authorise it until the window ends', async () => {
    const t = await sim();
    const tok = await login(t);
    const s = await RawSocket.open(t.sim.urls().wsUrl);
    await s.authorize(tok.accessToken);
    t.sim.applyFault(t.account.id, { kind: 'disconnect', ms: 150 });
    await s.closed;
    const again = await RawSocket.open(t.sim.urls().wsUrl);
    again.ws.send(formatAuthorize(0, tok.accessToken));
    await again.closed;
    await t.sim.whenIdle();
    const later = await RawSocket.open(t.sim.urls().wsUrl);
    expect(await later.authorize(tok.accessToken)).toMatchObject({ status: 200 });
  });

  it('answers 404 on an unknown socket path', async () => {
    const t = await sim();
    const ws = new WebSocket(t.sim.urls().wsUrl.replace('/v1/websocket', '/v2/nothing'));
    sockets.push(ws);
    const status = await new Promise<number | undefined>((resolve) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode));
      ws.on('error', () => resolve(undefined));
    });
    expect(status).toBe(404);
  });
});

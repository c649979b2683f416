/**
 * The simulator's hubs spoken to by a raw `ws` client, byte for byte as protocols/projectx.md §12.2
 * describes: handshake, several records per frame, invocations with and without ids, pings,
 * close messages, 401 on the upgrade, negotiate.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ContractIds } from '../contractIds';
import { RECORD_SEPARATOR } from '../signalrFraming';
import { API_KEY, Harness, LOGIN } from './testHarness';
import type { ProjectXSimOptions } from './projectxSim';

let h: Harness | undefined;
const sockets: WebSocket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate();
  await h?.close();
  h = undefined;
});

async function sim(options: ProjectXSimOptions = {}): Promise<Harness> {
  h = new Harness(options);
  await h.sim.start(0);
  h.sim.addLogin(LOGIN, API_KEY);
  h.exchange.setQuote(h.mnq, 21_000);
  return h;
}

async function login(t: Harness): Promise<string> {
  const res = await fetch(`${t.sim.urls().apiUrl}/api/Auth/loginKey`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userName: LOGIN.toUpperCase(), apiKey: API_KEY }) });
  const body = (await res.json()) as { token: string; success: boolean };
  expect(body.success).toBe(true);
  return body.token;
}

/** A raw client: every frame kept as received, records parsed. */
class RawClient {
  readonly frames: string[] = [];
  private readonly waiters = new Set<() => void>();
  closedWith: number | undefined;

  constructor(readonly ws: WebSocket) {
    sockets.push(ws);
    ws.on('message', (d: Buffer) => {
      this.frames.push(d.toString('utf8'));
      this.wake();
    });
    ws.on('close', (code) => {
      this.closedWith = code;
      this.wake();
    });
  }

  static async open(url: string, headers: Record<string, string> = {}): Promise<RawClient> {
    const ws = new WebSocket(url, { headers });
    const c = new RawClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return c;
  }

  records(): Record<string, unknown>[] {
    return this.frames.flatMap((f) => f.split(RECORD_SEPARATOR).filter((r) => r.length > 0).map((r) => JSON.parse(r) as Record<string, unknown>));
  }

  send(...records: object[]): void {
    this.ws.send(records.map((r) => JSON.stringify(r) + RECORD_SEPARATOR).join(''));
  }

  until<T>(probe: () => T | undefined): Promise<T> {
    return new Promise((resolve) => {
      const check = (): void => {
        const v = probe();
        if (v === undefined) return;
        this.waiters.delete(check);
        resolve(v);
      };
      this.waiters.add(check);
      check();
    });
  }

  record(match: (r: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    return this.until(() => this.records().find(match));
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}

function upgradeStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    sockets.push(ws);
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => resolve(101));
    ws.on('error', () => undefined);
  });
}

describe('ProjectX simulator hubs (raw SignalR JSON protocol)', () => {
  it('handshakes, answers invocations with and without ids, and pushes events several records per frame', async () => {
    const t = await sim();
    const token = await login(t);
    const c = await RawClient.open(`${t.sim.urls().userHubUrl}?access_token=${encodeURIComponent(token)}`);
    c.ws.send(`{"protocol":"json","version":1}${RECORD_SEPARATOR}`);
    await c.until(() => (c.frames[0] === `{}${RECORD_SEPARATOR}` ? true : undefined));
    // Two invocations in one frame, then one without an id (fire and forget: no completion).
    c.send({ type: 1, invocationId: '1', target: 'SubscribeOrders', arguments: [t.account.id] }, { type: 1, invocationId: '2', target: 'SubscribeTrades', arguments: [t.account.id] });
    c.send({ type: 1, target: 'SubscribePositions', arguments: [t.account.id] });
    c.send({ type: 1, invocationId: '3', target: 'SubscribeOrders', arguments: [String(t.account.id)] });
    c.send({ type: 1, invocationId: '4', target: 'NoSuchMethod', arguments: [] });
    const errors = await c.until(() => {
      const r = c.records().filter((x) => x.type === 3);
      return r.length >= 4 ? r : undefined;
    });
    expect(errors.map((r) => [r.invocationId, 'error' in r])).toEqual([
      ['1', false],
      ['2', false],
      ['3', true],
      ['4', true],
    ]);
    expect(errors[0]).toEqual({ type: 3, invocationId: '1', result: 0 });

    t.exchange.place(t.account.id, { contract: t.mnq, side: 'buy', qty: 1, type: 'market', source: 'manual' });
    await c.record((r) => r.target === 'GatewayUserPosition');
    const eventFrame = c.frames.find((f) => f.includes('GatewayUserTrade'));
    expect(eventFrame?.split(RECORD_SEPARATOR).filter((r) => r.length > 0).length).toBeGreaterThan(1);
    const trade = c.records().find((r) => r.target === 'GatewayUserTrade');
    expect(trade).toMatchObject({ type: 1, arguments: [{ accountId: t.account.id, size: 1, price: 21_000, profitAndLoss: null, voided: false }] });
    expect(trade && 'invocationId' in trade).toBe(false);
  });

  it('pings on silence, closes on a client close message, and refuses a wrong protocol', async () => {
    const t = await sim({ pingIntervalMs: 30 });
    const token = await login(t);
    const c = await RawClient.open(`${t.sim.urls().marketHubUrl}?access_token=${encodeURIComponent(token)}`);
    c.ws.send(`{"protocol":"json","version":1}${RECORD_SEPARATOR}`);
    await c.record((r) => r.type === 6);
    const id = new ContractIds(t.catalog).toId(t.mnq);
    if (!id.ok) throw new Error(id.error);
    c.send({ type: 1, invocationId: '1', target: 'SubscribeContractQuotes', arguments: [id.value] });
    const quote = await c.record((r) => r.target === 'GatewayQuote');
    expect(quote.arguments).toEqual([id.value, expect.objectContaining({ lastPrice: 21_000, symbol: 'F.US.MNQ' }) as unknown]);
    // The current quote comes before the completion of the subscribe.
    const kinds = c.records().map((r) => r.type);
    expect(kinds.indexOf(1)).toBeLessThan(kinds.indexOf(3));
    c.send({ type: 7 });
    await c.until(() => c.closedWith);

    const bad = await RawClient.open(`${t.sim.urls().userHubUrl}?access_token=${encodeURIComponent(token)}`);
    bad.ws.send(`{"protocol":"messagepack","version":1}${RECORD_SEPARATOR}`);
    const err = await bad.record((r) => 'error' in r);
    expect(String(err.error)).toContain('messagepack');
    await bad.until(() => bad.closedWith);
  });

  it('takes the token as a Bearer header too, and refuses bad or expired tokens with 401', async () => {
    const t = await sim();
    const token = await login(t);
    const viaHeader = await RawClient.open(t.sim.urls().userHubUrl, { authorization: `Bearer ${token}` });
    viaHeader.ws.send(`{"protocol":"json","version":1}${RECORD_SEPARATOR}`);
    await viaHeader.until(() => viaHeader.frames[0]);
    expect(await upgradeStatus(`${t.sim.urls().userHubUrl}?access_token=nope`)).toBe(401);
    expect(await upgradeStatus(t.sim.urls().userHubUrl)).toBe(401);
    t.sim.applyFault(t.account.id, { kind: 'expireToken' });
    expect(await upgradeStatus(`${t.sim.urls().userHubUrl}?access_token=${encodeURIComponent(token)}`)).toBe(401);
    // The open socket is not cut by the expiry; a fresh login is accepted again.
    expect(viaHeader.closedWith).toBeUndefined();
    const fresh = await login(t);
    expect(await upgradeStatus(`${t.sim.urls().userHubUrl}?access_token=${encodeURIComponent(fresh)}`)).toBe(101);
  });

  it('drops sockets on a disconnect with a close message allowing reconnect, then refuses for a while', async () => {
    const t = await sim();
    const token = await login(t);
    const c = await RawClient.open(`${t.sim.urls().userHubUrl}?access_token=${encodeURIComponent(token)}`);
    c.ws.send(`{"protocol":"json","version":1}${RECORD_SEPARATOR}`);
    await c.until(() => c.frames[0]);
    t.sim.applyFault(t.account.id, { kind: 'disconnect', ms: 200 });
    const close = await c.record((r) => r.type === 7);
    expect(close).toMatchObject({ allowReconnect: true });
    await c.until(() => c.closedWith);
    expect(await upgradeStatus(`${t.sim.urls().userHubUrl}?access_token=${encodeURIComponent(token)}`)).toBe(503);
    expect(t.sim.pendingWork()).toBe(1);
    await t.sim.whenIdle();
    expect(await upgradeStatus(`${t.sim.urls().userHubUrl}?access_token=${encodeURIComponent(token)}`)).toBe(101);
  });

  it('answers negotiate for clients that negotiate, and REST basics (case-insensitive paths, 400, 401)', async () => {
    const t = await sim();
    const token = await login(t);
    const api = t.sim.urls().apiUrl;
    const neg = await fetch(`${t.sim.urls().userHubUrl}/negotiate?negotiateVersion=1`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(await neg.json()).toMatchObject({ negotiateVersion: 1, availableTransports: [{ transport: 'WebSockets', transferFormats: ['Text', 'Binary'] }] });
    const post = (path: string, body: unknown, bearer?: string) =>
      fetch(`${api}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) }, body: JSON.stringify(body) });
    expect((await post('/api/auth/LOGINKEY', { userName: LOGIN })).status).toBe(400);
    expect(await (await post('/api/Auth/loginKey', { userName: LOGIN, apiKey: 'wrong' })).json()).toEqual({ token: null, success: false, errorCode: 3, errorMessage: null });
    expect((await post('/api/Account/search', { onlyActiveAccounts: true })).status).toBe(401);
    const accounts = (await (await post('/api/account/SEARCH', { onlyActiveAccounts: true }, token)).json()) as { accounts: { id: number }[] };
    expect(accounts.accounts.map((a) => a.id)).toEqual([t.account.id, t.second.id]);
    const v = (await (await post('/api/Auth/validate', {}, token)).json()) as { newToken: string };
    expect(v.newToken).not.toBe(token);
    // The old token keeps working until its own expiry.
    expect((await post('/api/Position/searchOpen', { accountId: t.account.id }, token)).status).toBe(200);
    const byId = (await (await post('/api/Contract/searchById', { contractId: 'CON.F.US.ENQ.Z26' }, token)).json()) as Record<string, unknown>;
    expect(byId).toMatchObject({ success: true, contract: { id: 'CON.F.US.ENQ.Z26', name: 'NQZ6', tickSize: 0.25, tickValue: 5, symbolId: 'F.US.ENQ' } });
    const open = (await (await post('/api/Order/searchOpen', { accountId: 999 }, token)).json()) as Record<string, unknown>;
    expect(open).toMatchObject({ success: false, errorCode: 1 });
  });
});

/**
 * The simulator's REST endpoints over HTTP, as a client that is not our adapter would see them:
 * envelopes, per-endpoint error codes, half-turn trades, positions by type and size, v2/query
 * paging and the searchOpen gap for suspended legs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ContractIds } from '../contractIds';
import { API_KEY, Harness, LOGIN } from './testHarness';

let h: Harness | undefined;

afterEach(async () => {
  await h?.close();
  h = undefined;
});

type Body = Record<string, unknown>;

async function client(): Promise<{ t: Harness; post: (path: string, body: unknown) => Promise<Body>; status: (path: string, body: unknown) => Promise<number>; cid: string }> {
  h = new Harness();
  const t = h;
  await t.sim.start(0);
  t.sim.addLogin(LOGIN, API_KEY);
  t.exchange.setQuote(t.mnq, 21_000);
  const api = t.sim.urls().apiUrl;
  const raw = async (path: string, body: unknown, token?: string): Promise<Body> => {
    const res = await fetch(`${api}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
    return (await res.json()) as Body;
  };
  const token = String((await raw('/api/Auth/loginKey', { userName: LOGIN, apiKey: API_KEY })).token);
  const id = new ContractIds(t.catalog).toId(t.mnq);
  if (!id.ok) throw new Error(id.error);
  const status = async (path: string, body: unknown): Promise<number> =>
    (await fetch(`${api}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) })).status;
  return { t, post: (path, body) => raw(path, body, token), status, cid: id.value };
}

describe('ProjectX simulator REST', () => {
  it('places, reports half-turn trades and positions, and closes them', async () => {
    const { t, post, cid } = await client();
    const a = t.account.id;
    expect(await post('/api/Order/place', { accountId: a, contractId: cid, type: 2, side: 0, size: 3, customTag: 't1' })).toMatchObject({ success: true, errorCode: 0, errorMessage: null, orderId: expect.any(Number) as unknown });
    expect(await post('/api/Position/searchOpen', { accountId: a })).toMatchObject({ positions: [{ accountId: a, contractId: cid, type: 1, size: 3, averagePrice: 21_000 }] });
    t.exchange.setQuote(t.mnq, 21_010);
    expect(await post('/api/Position/partialCloseContract', { accountId: a, contractId: cid, size: 5 })).toMatchObject({ success: false, errorCode: 5 });
    expect(await post('/api/Position/partialCloseContract', { accountId: a, contractId: cid, size: 1 })).toMatchObject({ success: true });
    expect(await post('/api/Position/closeContract', { accountId: a, contractId: cid })).toMatchObject({ success: true });
    expect(await post('/api/Position/closeContract', { accountId: a, contractId: cid })).toMatchObject({ success: false, errorCode: 2 });
    expect(await post('/api/Position/searchOpen', { accountId: a })).toMatchObject({ positions: [] });
    const trades = (await post('/api/Trade/search', { accountId: a, startTimestamp: '2000-01-01T00:00:00Z' })).trades as Body[];
    // 10 points on MNQ = 40 ticks × $0.50 = $20 a contract.
    expect(trades.map((x) => [x.side, x.size, x.price, x.profitAndLoss])).toEqual([
      [0, 3, 21_000, null],
      [1, 1, 21_010, 20],
      [1, 2, 21_010, 40],
    ]);
    const orders = (await post('/api/Order/search', { accountId: a, startTimestamp: '2000-01-01T00:00:00Z' })).orders as Body[];
    expect(orders.map((o) => [o.status, o.customTag])).toEqual([
      [2, 't1'],
      [2, null],
      [2, null],
    ]);
    expect(await post('/api/Order/searchById', { accountId: a, orderId: 1 })).toMatchObject({ success: false, errorCode: 1, order: null });
  });

  it('keeps suspended bracket legs out of searchOpen but not out of v2/query, which pages', async () => {
    const { t, post, cid } = await client();
    const a = t.account.id;
    // Unsigned ticks (the doc example) and signed ones give the same legs.
    const unsigned = await post('/api/Order/place', { accountId: a, contractId: cid, type: 1, side: 0, size: 1, limitPrice: 20_990, stopLossBracket: { ticks: 10, type: 4 }, takeProfitBracket: { ticks: 20, type: 1 } });
    const signed = await post('/api/Order/place', { accountId: a, contractId: cid, type: 1, side: 0, size: 1, limitPrice: 20_990, stopLossBracket: { ticks: -10, type: 4 }, takeProfitBracket: { ticks: 20, type: 1 } });
    expect(unsigned.success && signed.success).toBe(true);
    const legPrices = t.exchange.openOrders(a).filter((o) => o.status === 'suspended').map((o) => o.price);
    expect(legPrices).toEqual([20_987.5, 20_995, 20_987.5, 20_995]);
    const open = (await post('/api/Order/searchOpen', { accountId: a })).orders as Body[];
    expect(open.map((o) => o.status)).toEqual([1, 1]);
    const page1 = await post('/api/Order/v2/query', { filter: { accountId: a, statuses: [1, 6, 7, 8] }, pageSize: 4, pageOffset: 0, sortBy: 1, sortDirection: 0, includeTotalCount: true });
    expect(page1.totalCount).toBe(6);
    expect((page1.orders as Body[]).map((o) => o.status)).toEqual([1, 8, 8, 1]);
    const page2 = await post('/api/Order/v2/query', { filter: { accountId: a, statuses: [8] }, pageSize: 4, pageOffset: 0 });
    expect((page2.orders as Body[]).every((o) => o.status === 8 && o.parentOrderId !== null && o.linkedOrderId !== null)).toBe(true);
    const bad = await fetch(`${t.sim.urls().apiUrl}/api/Order/v2/query`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer x' }, body: '{}' });
    expect(bad.status).toBe(401);
    expect(await post('/api/Order/v2/query', { pageSize: 4 })).toMatchObject({ status: 400, title: expect.any(String) as unknown });
  });

  it('answers place errors with the place endpoint codes', async () => {
    const { t, post, cid } = await client();
    expect(await post('/api/Order/place', { accountId: 1, contractId: cid, type: 2, side: 0, size: 1 })).toMatchObject({ success: false, errorCode: 1 });
    expect(await post('/api/Order/place', { accountId: t.account.id, contractId: 'CON.F.US.NOPE.Z26', type: 2, side: 0, size: 1 })).toMatchObject({ success: false, errorCode: 8 });
    const rejected = await post('/api/Order/place', { accountId: t.account.id, contractId: cid, type: 1, side: 0, size: 1, limitPrice: 20_990.1 });
    expect(rejected).toMatchObject({ success: false, errorCode: 2, orderId: expect.any(Number) as unknown });
    expect(String(rejected.errorMessage)).toContain('tick');
    t.sim.setAccountFlags(t.account.id, { canTrade: false });
    expect(await post('/api/Order/place', { accountId: t.account.id, contractId: cid, type: 2, side: 0, size: 1 })).toMatchObject({ success: false, errorCode: 4 });
    expect(await post('/api/Contract/search', { searchText: 'NQ', live: false })).toMatchObject({ contracts: [{ symbolId: 'F.US.ENQ' }, { symbolId: 'F.US.MNQ' }] });
    const available = (await post('/api/Contract/available', { live: true })).contracts as Body[];
    expect(available.length).toBe(t.catalog.products().length);
  });

  it('logs out only the calling token', async () => {
    const { t, post, status } = await client();
    const api = t.sim.urls().apiUrl;
    const other = (await (await fetch(`${api}/api/Auth/loginKey`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userName: LOGIN, apiKey: API_KEY }) })).json()) as { token: string };
    expect(await post('/api/Auth/logout', {})).toMatchObject({ success: true });
    const search = (token: string) => fetch(`${api}/api/Account/search`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{"onlyActiveAccounts":true}' });
    expect(await status('/api/Account/search', { onlyActiveAccounts: true })).toBe(401);
    expect((await search(other.token)).status).toBe(200);
  });

  it('counts requests in a sliding minute and answers 429 with Retry-After beyond it', async () => {
    h = new Harness({ rateLimitPerMinute: 3 });
    const t = h;
    await t.sim.start(0);
    t.sim.addLogin(LOGIN, API_KEY);
    const api = t.sim.urls().apiUrl;
    const login = () => fetch(`${api}/api/Auth/loginKey`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userName: LOGIN, apiKey: API_KEY }) });
    expect([(await login()).status, (await login()).status, (await login()).status]).toEqual([200, 200, 200]);
    const limited = await login();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

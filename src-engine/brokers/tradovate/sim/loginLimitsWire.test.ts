/**
 * The simulator's per-login limits on the wire: two accounts under one login spend one budget, a
 * request over the minute gets a penalty ticket, one over the hour a bare 429 that keeps coming,
 * and the token request its own hourly allowance.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { moneyFromDollars } from '../../../domain/money';
import { Harness, LOGIN, PASSWORD } from '../testHarness';
import { rest } from './simRestFixture';
import type { TradovateLimits } from './loginLimits';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function sim(limits: Partial<TradovateLimits>): Promise<Harness> {
  h = new Harness({ sim: { limits: { perMinute: 100, perHour: 100, tokensPerHour: 5, lockoutMs: 3_600_000, ...limits } } });
  await h.startSim();
  return h;
}

async function token(t: Harness): Promise<string> {
  const r = await rest(t, 'auth/accesstokenrequest', { body: { name: LOGIN, password: PASSWORD, appId: 'x', appVersion: '1', cid: 8, sec: 's', deviceId: 'd' } });
  return (r.json as { accessToken: string }).accessToken;
}

function orderIdOf(r: { json: unknown }): unknown {
  return (r.json as { orderId?: unknown }).orderId;
}

function marketBuy(accountId: number): Record<string, unknown> {
  return { accountId, action: 'Buy', symbol: 'MNQZ6', orderQty: 1, orderType: 'Market', isAutomated: true };
}

describe('Tradovate simulator: limits per login', () => {
  it('counts orders of two accounts under one login against one minute and tickets the one over it', async () => {
    const t = await sim({ perMinute: 3 });
    const second = t.exchange.addAccount({ key: 'a2', broker: 'tradovate', login: LOGIN, name: 'DEMO1002', balance: moneyFromDollars(50_000) });
    const tok = await token(t); // request 1 of the minute
    expect(typeof orderIdOf(await rest(t, 'order/placeorder', { token: tok, body: marketBuy(t.account.id) }))).toBe('number');
    expect(typeof orderIdOf(await rest(t, 'order/placeorder', { token: tok, body: marketBuy(second.id) }))).toBe('number');
    const over = (await rest(t, 'order/placeorder', { token: tok, body: marketBuy(second.id) })).json as Record<string, unknown>;
    expect(typeof over['p-ticket']).toBe('string');
    expect(over['p-time']).toBeGreaterThan(55);
    expect(over['p-time']).toBeLessThanOrEqual(60);
    expect(second.orderLog).toHaveLength(1);
    expect(t.sim.limits?.stats).toMatchObject({ minutePenalties: 1, lockouts: 0 });
    expect(t.sim.limits?.used(LOGIN).minute).toBe(3);
  });

  it('answers a bare 429 to the request over the hour and to everything after it', async () => {
    const t = await sim({ perHour: 3 });
    const tok = await token(t);
    expect((await rest(t, 'account/list', { token: tok })).status).toBe(200);
    expect((await rest(t, 'account/list', { token: tok })).status).toBe(200);
    const over = await rest(t, 'order/placeorder', { token: tok, body: marketBuy(t.account.id) });
    expect(over).toMatchObject({ status: 429, text: '' });
    expect(await rest(t, 'account/list', { token: tok })).toMatchObject({ status: 429, text: '' });
    expect(t.account.orderLog).toHaveLength(0);
    expect(t.sim.limits?.stats).toMatchObject({ lockouts: 1, tooManyRequests: 2 });
  });

  it('allows the access-token request a few times an hour, then a captcha penalty', async () => {
    const t = await sim({ tokensPerHour: 2 });
    await token(t);
    await token(t);
    const third = await rest(t, 'auth/accesstokenrequest', { body: { name: LOGIN, password: PASSWORD, appId: 'x', appVersion: '1', cid: 8, sec: 's', deviceId: 'd' } });
    const penalty = third.json as Record<string, unknown>;
    expect(typeof penalty['p-ticket']).toBe('string');
    expect(penalty['p-captcha']).toBe(true);
    expect(t.sim.limits?.stats.tokenRefusals).toBe(1);
  });

  it('enforces nothing without limits, as before', async () => {
    h = new Harness();
    await h.startSim();
    expect(h.sim.limits).toBeUndefined();
  });
});

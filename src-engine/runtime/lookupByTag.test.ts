/**
 * Resend only when certain (§8): an order placed a moment ago that the broker's search does not
 * list yet is found by asking again, not taken for absent and sent a second time. Against the
 * ProjectX simulator with a search index that lags its hub, through the production adapter.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { Harness } from '../brokers/projectx/sim/testHarness';
import { lookUpTag, NOT_FOUND_LOOKUPS } from './lookupByTag';

let h: Harness | undefined;

afterEach(async () => {
  await h?.close();
  h = undefined;
});

// Real pauses: what is measured is how many times the broker is asked, not how long it takes.
const pause = async (ms: number): Promise<boolean> => {
  await sleepFor(ms);
  return true;
};

describe('looking an order up by its tag before sending it again', () => {
  it('asks again when the search does not list an order placed a moment ago, and finds it', async () => {
    h = new Harness({ searchLagMs: 400 });
    const t = h;
    await t.start();
    const conn = t.conn;
    if (!conn) throw new Error('no connection');
    // Our place reached the broker; its answer was lost.
    const placed = t.exchange.place(t.account.id, { contract: t.mnq, side: 'buy', qty: 1, type: 'limit', price: 20_990, tag: 'mflagged1', source: 'api' });
    expect(placed.ok).toBe(true);
    expect(await conn.findOrderByTag(t.accountId, 'mflagged1')).toBeNull();
    const found = await lookUpTag(conn, t.accountId, 'mflagged1', pause);
    expect(found).toMatchObject({ tag: 'mflagged1', status: 'working', price: 20_990 });
    const searches = t.sim.requestLog().filter((r) => r.path === '/api/order/search').length;
    expect(searches).toBeGreaterThanOrEqual(3);
  });

  it('believes "not there" only after asking several times', async () => {
    h = new Harness();
    const t = h;
    await t.start();
    const conn = t.conn;
    if (!conn) throw new Error('no connection');
    const before = t.sim.requestLog().filter((r) => r.path === '/api/order/search').length;
    expect(await lookUpTag(conn, t.accountId, 'mfnever1', pause)).toBeNull();
    expect(t.sim.requestLog().filter((r) => r.path === '/api/order/search').length - before).toBe(NOT_FOUND_LOOKUPS);
  });
});

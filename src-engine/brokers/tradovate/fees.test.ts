/**
 * Fees over the wire: the simulator charges them per contract and side and reports them as
 * Tradovate does (a fillFee entity per fill, the cash balance net of them); the production adapter
 * puts them on the fill, or sends them on as their own event when they come after it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { contractCode } from '../../domain/contractCode';
import { moneyFromDollars } from '../../domain/money';
import { EntityCache } from './entityCache';
import { Harness, LOGIN } from './testHarness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('Tradovate fees over the simulator', () => {
  it('each fill carries its fillFee total and the cash balance is net of the fees', async () => {
    h = new Harness();
    const t = h;
    const paying = t.exchange.addAccount({ key: 'a2', broker: 'tradovate', login: LOGIN, name: 'DEMO1002', balance: moneyFromDollars(50_000), fees: new Map([['MNQ', moneyFromDollars(0.52)]]) });
    const c = await t.connect();
    const id = String(paying.id);
    const buy = await c.place({ accountId: id, tag: 'mf-fee-1', contract: t.mnq, side: 'buy', qty: 2, type: 'market' });
    if (!buy.ok) throw new Error(buy.reason);
    const first = await t.log.fill(buy.orderId);
    expect(first.fees).toBe(moneyFromDollars(1.04));
    t.exchange.setQuote(t.mnq, 20_995);
    const sell = await c.place({ accountId: id, tag: 'mf-fee-2', contract: t.mnq, side: 'sell', qty: 2, type: 'market' });
    if (!sell.ok) throw new Error(sell.reason);
    expect((await t.log.fill(sell.orderId)).fees).toBe(moneyFromDollars(1.04));
    // −5 points × $2 × 2 = −$20, less $2.08 of fees.
    await t.log.waitFor((e) => e.kind === 'balance' && e.accountId === id && e.balance === moneyFromDollars(49_977.92));
    const snap = await c.snapshot(id);
    expect(snap.balance).toBe(moneyFromDollars(49_977.92));
    expect(snap.fills.map((f) => f.fees)).toEqual([moneyFromDollars(1.04), moneyFromDollars(1.04)]);
  });
});

describe('Tradovate entity cache: a fillFee after its fill', () => {
  const MNQ = contractCode('MNQ', 2026, 3);
  const cache = (): EntityCache => new EntityCache(() => ({ ok: true, value: MNQ }), () => 1_000);
  const order = { id: 11, accountId: 7, contractId: 5, action: 'Buy', ordStatus: 'Filled' };
  const fill = { id: 21, orderId: 11, contractId: 5, action: 'Buy', qty: 2, price: 21_000, active: true };
  const fee = { id: 21, commission: 0.5, exchangeFee: 0.35, clearingFee: 0.19, nfaFee: null };

  it('is sent on as a fee event for that fill, once', () => {
    const c = cache();
    expect(c.apply('contract', 'Created', { id: 5, name: 'MNQH6' })).toBeUndefined();
    c.apply('order', 'Created', order);
    c.apply('fill', 'Created', fill);
    const first = c.drain().events.filter((e) => e.kind === 'fill');
    expect(first).toHaveLength(1);
    expect(first[0]?.kind === 'fill' && first[0].fill.fees).toBeUndefined();
    expect(c.apply('fillFee', 'Created', fee)).toBeUndefined();
    expect(c.drain().events).toEqual([{ kind: 'fee', accountId: '7', fillId: '21', fees: moneyFromDollars(1.04) }]);
    // The same entity again is not news.
    c.apply('fillFee', 'Updated', fee);
    expect(c.drain().events).toEqual([]);
  });

  it('rides on the fill when it came first', () => {
    const c = cache();
    c.apply('contract', 'Created', { id: 5, name: 'MNQH6' });
    c.apply('order', 'Created', order);
    c.apply('fillFee', 'Created', fee);
    c.apply('fill', 'Created', fill);
    const events = c.drain().events;
    expect(events.filter((e) => e.kind === 'fee')).toEqual([]);
    expect(events.find((e) => e.kind === 'fill')).toMatchObject({ fill: { fillId: '21', fees: moneyFromDollars(1.04) } });
  });
});

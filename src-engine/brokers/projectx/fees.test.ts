/**
 * Fees over the wire: the simulator charges them per contract and side and reports them as
 * ProjectX does (each trade's `fees`, the account balance net of them); the production adapter
 * reads them into the fill. Real loopback sockets, waits on events.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { moneyFromDollars } from '../../domain/money';
import type { BrokerEvent } from '../../orders/broker';
import { Harness, LOGIN } from './sim/testHarness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('ProjectX fees', () => {
  it("a trade's fees reach the fill, and the balance is net of them, opening fills included", async () => {
    h = new Harness();
    const t = h;
    const paying = t.exchange.addAccount({ key: 'f3', broker: 'projectx', login: LOGIN, name: 'PRAC-V2-423406-3', balance: moneyFromDollars(50_000), fees: new Map([['MNQ', moneyFromDollars(0.37)]]) });
    t.exchange.setQuote(t.mnq, 21_000);
    const conn = await t.start();
    const id = String(paying.id);
    const buy = await conn.place({ accountId: id, tag: 'mffee1', contract: t.mnq, side: 'buy', qty: 3, type: 'market' });
    if (!buy.ok) throw new Error(buy.reason);
    await t.settle();
    t.exchange.setQuote(t.mnq, 21_010);
    const sell = await conn.place({ accountId: id, tag: 'mffee2', contract: t.mnq, side: 'sell', qty: 3, type: 'market' });
    if (!sell.ok) throw new Error(sell.reason);
    await t.settle();
    const fills = t.ofKind('fill').map((e) => e.fill).filter((f) => f.accountId === id);
    expect(fills.map((f) => [f.side, f.qty, f.fees])).toEqual([
      ['buy', 3, moneyFromDollars(1.11)],
      ['sell', 3, moneyFromDollars(1.11)],
    ]);
    // +10 points × $2 × 3 = $60, less $2.22 of fees.
    const balances = t.ofKind('balance').filter((e: Extract<BrokerEvent, { kind: 'balance' }>) => e.accountId === id).map((e) => e.balance);
    expect(balances.at(-1)).toBe(moneyFromDollars(50_057.78));
    const snap = await conn.snapshot(id);
    expect(snap.balance).toBe(moneyFromDollars(50_057.78));
    expect(snap.fills.map((f) => f.fees)).toEqual([moneyFromDollars(1.11), moneyFromDollars(1.11)]);
  });

  it('an account with no fees is charged none and reports zero, so exact PnL stays exact', async () => {
    h = new Harness();
    const t = h;
    t.exchange.setQuote(t.mnq, 21_000);
    const conn = await t.start();
    const out = await conn.place({ accountId: t.accountId, tag: 'mfnofee', contract: t.mnq, side: 'buy', qty: 1, type: 'market' });
    if (!out.ok) throw new Error(out.reason);
    await t.settle();
    expect(t.ofKind('fill').map((e) => e.fill.fees)).toEqual([moneyFromDollars(0)]);
    expect(t.account.balance).toBe(moneyFromDollars(50_000));
  });
});

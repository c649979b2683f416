/**
 * A leader order moved while the engine is dead: after the restart every follower's mirror goes to
 * the new price, also a follower whose broker answers late (chaos seed 1660986806: pl-t2's mirror
 * stayed at the old price; the move was planned while that follower's book did not show the mirror).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { BrokerKind } from '../orders/broker';
import { accountId, catalog, settled, startWorld, tearDownWorlds } from './testWorld';

afterEach(tearDownWorlds);

describe.each<[BrokerKind, BrokerKind]>([
  ['projectx', 'tradovate'],
  ['tradovate', 'projectx'],
  ['paper', 'paper'],
])('a leader order moved while the engine was dead (leader %s, slow follower %s)', (leaderBroker, slowBroker) => {
  it('moves every mirror to the new price after the restart', async () => {
    const w = await startWorld({
      name: 'moved while dead',
      accounts: [
        { id: 'lead', broker: leaderBroker, balance: 50_000 },
        { id: 'f1', broker: leaderBroker, balance: 50_000 },
        { id: 'f2', broker: slowBroker, balance: 50_000 },
      ],
      groups: [{ name: 'G', leader: 'lead', followers: [{ account: 'f1' }, { account: 'f2', ratio: 2 }] }],
      quotes: { ES: 6000 },
    });
    const lead = accountId(w, 'lead');
    const f1 = accountId(w, 'f1');
    const f2 = accountId(w, 'f2');
    const contract = catalog.frontMonth('ES', w.clock.now());
    const r = w.exchange.place(lead, { contract, side: 'sell', qty: 2, type: 'limit', price: 6010, source: 'manual' });
    if (!r.ok) throw new Error(r.reason);
    await settled(w);
    expect(w.exchange.openOrders(f2).map((o) => o.price)).toEqual([6010]);

    w.requireEngine().abandon();
    expect(w.exchange.modify(lead, r.order.orderId, { price: 6012.5 }).ok).toBe(true);
    w.frontEnds.get(w.broker('f2'))?.applyFault(f2, { kind: 'delay', ms: 300 });
    await w.restart();
    await settled(w);

    expect(w.exchange.openOrders(f1).map((o) => `${o.side} ${o.qty} @ ${o.price ?? '-'}`)).toEqual(['sell 2 @ 6012.5']);
    expect(w.exchange.openOrders(f2).map((o) => `${o.side} ${o.qty} @ ${o.price ?? '-'}`)).toEqual(['sell 4 @ 6012.5']);
  }, 40_000);
});

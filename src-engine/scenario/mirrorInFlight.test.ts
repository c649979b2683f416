/**
 * A leader order cancelled or moved while its follower mirror is still on its way to the follower's
 * broker (placed there, its answer not yet back). Found by the chaos suite as orphaned mirrors: the
 * cancel and the move were looked up by the mirror's broker order id, which the engine did not have
 * yet, so they were dropped and the mirror stayed working at the old price, or after the leader's
 * order was gone.
 *
 * Deterministic: the leader acts from inside the simulator's handling of the mirror's place request,
 * and the follower's answers are held (a delay fault), so the leader's event always reaches the
 * engine first.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { BrokerKind } from '../orders/broker';
import { atFirstOrderEvent, settled, startPair, tearDownWorlds, working, type Pair } from './testWorld';

afterEach(tearDownWorlds);

/** Places a leader limit order and runs `act` on it inside the follower's first order event, its answers held. */
async function actWhileMirrorInFlight(p: Pair, act: (orderId: number) => void): Promise<void> {
  const { world: w, lead, f1, contract } = p;
  w.frontEnds.get(w.broker('f1'))?.applyFault(f1, { kind: 'delay', ms: 400 });
  const placed: { orderId?: number } = {};
  const acted = atFirstOrderEvent(w, f1, () => {
    if (placed.orderId !== undefined) act(placed.orderId);
  });
  const r = w.exchange.place(lead, { contract, side: 'buy', qty: 1, type: 'limit', price: 5990, source: 'manual' });
  if (!r.ok) throw new Error(r.reason);
  placed.orderId = r.order.orderId;
  await acted;
  await settled(w);
}

describe.each<BrokerKind>(['paper', 'tradovate', 'projectx'])('a leader order changed while its mirror is in flight (%s)', (broker) => {
  it('cancelled: the mirror is cancelled once the follower broker answers', async () => {
    const p = await startPair({ broker, ratio: 2 });
    await actWhileMirrorInFlight(p, (id) => {
      expect(p.world.exchange.cancel(p.lead, id).ok).toBe(true);
    });
    expect(working(p.world, p.f1)).toEqual([]);
    // It was placed, then cancelled: one order, nothing sent twice.
    expect(p.world.exchange.account(p.f1)?.orderLog.map((o) => o.status)).toEqual(['cancelled']);
  }, 30_000);

  it('moved: the mirror moves to the leader order’s new price', async () => {
    const p = await startPair({ broker, ratio: 2 });
    await actWhileMirrorInFlight(p, (id) => {
      expect(p.world.exchange.modify(p.lead, id, { price: 5992.5 }).ok).toBe(true);
    });
    expect(working(p.world, p.f1)).toEqual(['buy 2 limit @ 5992.5']);
  }, 30_000);

  it('a bracket leg cancelled while the entry’s copy is in flight: the follower’s native leg is cancelled too', async () => {
    const { world: w, lead, f1, contract } = await startPair({ broker, ratio: 2 });
    w.frontEnds.get(w.broker('f1'))?.applyFault(f1, { kind: 'delay', ms: 400 });
    const legs: { takeProfit?: number } = {};
    const acted = atFirstOrderEvent(w, f1, () => {
      if (legs.takeProfit !== undefined) expect(w.exchange.cancel(lead, legs.takeProfit).ok).toBe(true);
    });
    const r = w.exchange.place(lead, { contract, side: 'buy', qty: 1, type: 'market', source: 'manual', bracket: { stopLoss: 5990, takeProfit: 6010 } });
    if (!r.ok) throw new Error(r.reason);
    legs.takeProfit = r.legs.find((l) => l.type === 'limit')?.orderId;
    await acted;
    await settled(w);
    expect(w.exchange.positionOf(f1, contract)).toBe(2);
    expect(working(w, f1)).toEqual(['sell 2 stop @ 5990']);
  }, 30_000);
});

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
import { Catalog } from '../domain/instruments';
import type { BrokerKind } from '../orders/broker';
import { settle } from './runner';
import { Scenario } from './schema';
import { World } from './world';

const catalog = Catalog.load();
let world: World | undefined;

afterEach(async () => {
  await world?.tearDown();
  world = undefined;
});

async function start(broker: BrokerKind): Promise<World> {
  const scenario = Scenario.parse({
    name: 'mirror in flight',
    accounts: [
      { id: 'lead', broker, balance: 50_000 },
      { id: 'f1', broker, balance: 50_000 },
    ],
    groups: [{ name: 'G', leader: 'lead', followers: [{ account: 'f1', ratio: 2 }] }],
    quotes: { ES: 6000 },
    steps: [],
  });
  world = new World({ ...scenario, steps: [] }, catalog);
  await world.setUp();
  await settled(world);
  return world;
}

async function settled(w: World): Promise<void> {
  const s = await settle(w);
  if (!s.ok) throw new Error(`not settled: ${s.busy}`);
}

function account(w: World, key: string): number {
  const a = w.exchange.accountByKey(key);
  if (!a) throw new Error(`no account ${key}`);
  return a.id;
}

/** Places a leader limit order and runs `act` on it inside the follower's first order event. */
async function actWhileMirrorInFlight(w: World, act: (leader: number, orderId: number) => void): Promise<void> {
  const lead = account(w, 'lead');
  const f1 = account(w, 'f1');
  const contract = catalog.frontMonth('ES', w.clock.now());
  w.frontEnds.get(w.broker('f1'))?.applyFault(f1, { kind: 'delay', ms: 400 });
  const placed: { orderId?: number } = {};
  const acted = new Promise<void>((resolve) => {
    const off = w.exchange.onAccountEvent(f1, (e) => {
      if (e.kind !== 'order' || placed.orderId === undefined) return;
      off();
      act(lead, placed.orderId);
      resolve();
    });
  });
  const r = w.exchange.place(lead, { contract, side: 'buy', qty: 1, type: 'limit', price: 5990, source: 'manual' });
  if (!r.ok) throw new Error(r.reason);
  placed.orderId = r.order.orderId;
  await acted;
  await settled(w);
}

describe.each<BrokerKind>(['paper', 'tradovate', 'projectx'])('a leader order changed while its mirror is in flight (%s)', (broker) => {
  it('cancelled: the mirror is cancelled once the follower broker answers', async () => {
    const w = await start(broker);
    await actWhileMirrorInFlight(w, (lead, id) => {
      expect(w.exchange.cancel(lead, id).ok).toBe(true);
    });
    const f1 = account(w, 'f1');
    expect(w.exchange.openOrders(f1).map((o) => `${o.side} ${o.qty} ${o.type} @ ${o.price ?? '-'}`)).toEqual([]);
    // It was placed, then cancelled: one order, nothing sent twice.
    expect(w.exchange.account(f1)?.orderLog.map((o) => o.status)).toEqual(['cancelled']);
  }, 30_000);

  it('moved: the mirror moves to the leader order’s new price', async () => {
    const w = await start(broker);
    await actWhileMirrorInFlight(w, (lead, id) => {
      expect(w.exchange.modify(lead, id, { price: 5992.5 }).ok).toBe(true);
    });
    const f1 = account(w, 'f1');
    expect(w.exchange.openOrders(f1).map((o) => `${o.side} ${o.qty} ${o.type} @ ${o.price ?? '-'}`)).toEqual(['buy 2 limit @ 5992.5']);
  }, 30_000);

  it('a bracket leg cancelled while the entry’s copy is in flight: the follower’s native leg is cancelled too', async () => {
    const w = await start(broker);
    const lead = account(w, 'lead');
    const f1 = account(w, 'f1');
    const contract = catalog.frontMonth('ES', w.clock.now());
    w.frontEnds.get(w.broker('f1'))?.applyFault(f1, { kind: 'delay', ms: 400 });
    const legs: { takeProfit?: number } = {};
    const acted = new Promise<void>((resolve) => {
      const off = w.exchange.onAccountEvent(f1, (e) => {
        if (e.kind !== 'order' || legs.takeProfit === undefined) return;
        off();
        expect(w.exchange.cancel(lead, legs.takeProfit).ok).toBe(true);
        resolve();
      });
    });
    const r = w.exchange.place(lead, { contract, side: 'buy', qty: 1, type: 'market', source: 'manual', bracket: { stopLoss: 5990, takeProfit: 6010 } });
    if (!r.ok) throw new Error(r.reason);
    legs.takeProfit = r.legs.find((l) => l.type === 'limit')?.orderId;
    await acted;
    await settled(w);
    expect(w.exchange.positionOf(f1, contract)).toBe(2);
    expect(w.exchange.openOrders(f1).map((o) => `${o.side} ${o.qty} ${o.type} @ ${o.price ?? '-'}`)).toEqual(['sell 2 stop @ 5990']);
  }, 30_000);
});

/**
 * A ratio saved while the leader holds a position (copy-semantics §1; issue: 2 → 10 took a follower
 * from 4 to 20 contracts on Save with no word). The trader chooses: "apply now" sends the follower to
 * the new size at once; "from the next entry" keeps the open trade at the size it started with —
 * leader adds included, and across an engine restart — and the next lifecycle uses the new ratio.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { BrokerKind } from '../orders/broker';
import { settled, startPair, tearDownWorlds } from './testWorld';

afterEach(tearDownWorlds);

describe.each<BrokerKind>(['paper', 'tradovate'])('a ratio change mid-trade (%s)', (broker) => {
  it('from the next entry: the open trade keeps its size, the next one uses the new ratio', async () => {
    const { world: w, lead, f1, contract } = await startPair({ broker, ratio: 2 });
    const trade = (side: 'buy' | 'sell', qty: number): void => {
      expect(w.exchange.place(lead, { contract, side, qty, type: 'market', source: 'manual' }).ok).toBe(true);
    };
    const buy = (qty: number): void => trade('buy', qty);
    const sell = (qty: number): void => trade('sell', qty);
    buy(2);
    await settled(w);
    expect(w.exchange.positionOf(f1, contract)).toBe(4);

    const engine = w.requireEngine();
    expect(engine.saveImpact('G', { name: 'G', leader: 'lead', followers: [{ account: 'f1', ratio: 10 }] }).resized).toEqual([{ account: 'f1', contract, root: 'ES', from: 4, to: 20 }]);
    engine.editGroup('G', { followers: [{ account: 'f1', ratio: 10 }] }, { resize: 'nextEntry' });
    await settled(w);
    expect(w.exchange.positionOf(f1, contract)).toBe(4);

    // The pin is journaled with the lifecycle: a restart keeps it.
    await w.restart();
    await settled(w);
    buy(1);
    await settled(w);
    expect(w.exchange.positionOf(f1, contract)).toBe(6);

    sell(3);
    await settled(w);
    expect(w.exchange.positionOf(f1, contract)).toBe(0);
    buy(1);
    await settled(w);
    expect(w.exchange.positionOf(f1, contract)).toBe(10);
  }, 60_000);

  it('a ratio for the root alone goes the same way: pinned from the next entry across a restart, then used', async () => {
    const { world: w, lead, f1, contract } = await startPair({ broker, ratio: 2 });
    const trade = (side: 'buy' | 'sell', qty: number): void => {
      expect(w.exchange.place(lead, { contract, side, qty, type: 'market', source: 'manual' }).ok).toBe(true);
    };
    trade('buy', 2);
    await settled(w);
    expect(w.exchange.positionOf(f1, contract)).toBe(4);

    const engine = w.requireEngine();
    const perRoot = { followers: [{ account: 'f1', ratio: 2, ratios: { ES: 10 } }] };
    expect(engine.saveImpact('G', { name: 'G', leader: 'lead', ...perRoot }).resized).toEqual([{ account: 'f1', contract, root: 'ES', from: 4, to: 20 }]);
    // Another root's ratio resizes nothing open in ES.
    expect(engine.saveImpact('G', { name: 'G', leader: 'lead', followers: [{ account: 'f1', ratio: 2, ratios: { NQ: 10 } }] }).resized).toEqual([]);
    engine.editGroup('G', perRoot, { resize: 'nextEntry' });
    await w.restart();
    await settled(w);
    trade('buy', 1);
    await settled(w);
    expect(w.exchange.positionOf(f1, contract)).toBe(6);
    trade('sell', 3);
    await settled(w);
    expect(w.exchange.positionOf(f1, contract)).toBe(0);
    trade('buy', 1);
    await settled(w);
    expect(w.exchange.positionOf(f1, contract)).toBe(10);
  }, 60_000);

  it('apply now: the follower goes to the new size at once', async () => {
    const { world: w, lead, f1, contract } = await startPair({ broker, ratio: 2 });
    expect(w.exchange.place(lead, { contract, side: 'sell', qty: 2, type: 'market', source: 'manual' }).ok).toBe(true);
    await settled(w);
    expect(w.exchange.positionOf(f1, contract)).toBe(-4);

    w.requireEngine().editGroup('G', { followers: [{ account: 'f1', ratio: 10 }] }, { resize: 'now' });
    await settled(w);
    expect(w.exchange.positionOf(f1, contract)).toBe(-20);
    expect(w.exchange.positionOf(lead, contract)).toBe(-2);
  }, 60_000);
});

/**
 * The trader cancels a leader order and the price runs through it before the engine's cancel of the
 * follower's mirror lands: the mirror fills, the leader's order does not. The leader did not trade,
 * so the follower is brought back to its target, and protection it lost with the fill (a native
 * leg's OCO sibling) is mirrored again. Found by the chaos suite (seeds 1169571494, 913358564).
 *
 * Deterministic: the cancel and the price move happen in one turn, before the engine sees either.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { BrokerKind } from '../orders/broker';
import { settled, startPair, tearDownWorlds, working } from './testWorld';

afterEach(tearDownWorlds);

describe.each<BrokerKind>(['paper', 'tradovate', 'projectx'])('a mirror filled after the leader cancelled its order (%s)', (broker) => {
  it('a resting entry: the follower is taken back to its target (flat)', async () => {
    const { world: w, lead, f1, contract } = await startPair({ broker, ratio: 2 });
    const r = w.exchange.place(lead, { contract, side: 'buy', qty: 1, type: 'limit', price: 5995, source: 'manual' });
    if (!r.ok) throw new Error(r.reason);
    await settled(w);
    expect(working(w, f1)).toEqual(['buy 2 limit @ 5995']);

    expect(w.exchange.cancel(lead, r.order.orderId).ok).toBe(true);
    w.exchange.setQuote(contract, 5995);
    expect(w.exchange.positionOf(f1, contract)).toBe(2);
    await settled(w);

    expect(w.exchange.positionOf(lead, contract)).toBe(0);
    expect(w.exchange.positionOf(f1, contract)).toBe(0);
    expect(working(w, f1)).toEqual([]);
  }, 40_000);

  it('a take-profit leg: the follower is taken back to its target and its stop is mirrored again', async () => {
    const { world: w, lead, f1, contract } = await startPair({ broker, ratio: 2 });
    const r = w.exchange.place(lead, { contract, side: 'buy', qty: 1, type: 'market', source: 'manual', bracket: { stopLoss: 5990, takeProfit: 6005 } });
    if (!r.ok) throw new Error(r.reason);
    await settled(w);
    expect(w.exchange.positionOf(f1, contract)).toBe(2);
    expect(working(w, f1).sort()).toEqual(['sell 2 limit @ 6005', 'sell 2 stop @ 5990']);
    const takeProfit = r.legs.find((l) => l.type === 'limit');
    if (!takeProfit) throw new Error('no take-profit leg');

    expect(w.exchange.cancel(lead, takeProfit.orderId).ok).toBe(true);
    w.exchange.setQuote(contract, 6005);
    expect(w.exchange.positionOf(f1, contract)).toBe(0);
    await settled(w);

    expect(w.exchange.positionOf(lead, contract)).toBe(1);
    expect(w.exchange.positionOf(f1, contract)).toBe(2);
    expect(working(w, f1)).toEqual(['sell 2 stop @ 5990']);
  }, 40_000);

  it('a take-profit leg beside another bracket: the stop it lost is mirrored again although the other bracket has one', async () => {
    // The follower's other copy has a stop leg of the same kind; taken for this copy's own (chaos
    // seed 913358564), the lost stop was never mirrored again.
    const { world: w, lead, f1, contract } = await startPair({ broker, ratio: 2 });
    const first = w.exchange.place(lead, { contract, side: 'buy', qty: 1, type: 'market', source: 'manual', bracket: { stopLoss: 5990, takeProfit: 6010 } });
    if (!first.ok) throw new Error(first.reason);
    await settled(w);
    const second = w.exchange.place(lead, { contract, side: 'buy', qty: 1, type: 'market', source: 'manual', bracket: { stopLoss: 5992, takeProfit: 6005 } });
    if (!second.ok) throw new Error(second.reason);
    await settled(w);
    expect(w.exchange.positionOf(f1, contract)).toBe(4);
    expect(working(w, f1).sort()).toEqual(['sell 2 limit @ 6005', 'sell 2 limit @ 6010', 'sell 2 stop @ 5990', 'sell 2 stop @ 5992']);
    const takeProfit = second.legs.find((l) => l.type === 'limit');
    if (!takeProfit) throw new Error('no take-profit leg');

    expect(w.exchange.cancel(lead, takeProfit.orderId).ok).toBe(true);
    w.exchange.setQuote(contract, 6005);
    expect(w.exchange.positionOf(f1, contract)).toBe(2);
    await settled(w);

    expect(w.exchange.positionOf(lead, contract)).toBe(2);
    expect(w.exchange.positionOf(f1, contract)).toBe(4);
    expect(working(w, f1).sort()).toEqual(['sell 2 limit @ 6010', 'sell 2 stop @ 5990', 'sell 2 stop @ 5992']);
  }, 40_000);

  it('the engine dead between the leader cancel and its own: at the restart the follower is taken back to its target', async () => {
    // Chaos seed 1824732131: killed 70 ms after the trader cancelled the leader's take-profit, before
    // the mirror's cancel went out; the mirror filled while the engine was down, and the restarted
    // engine, whose fresh books no longer held the leader's order, left the follower 4 short, unflagged.
    const { world: w, lead, f1, contract } = await startPair({ broker, ratio: 2 });
    expect(w.exchange.place(lead, { contract, side: 'buy', qty: 2, type: 'market', source: 'manual' }).ok).toBe(true);
    await settled(w);
    const tp = w.exchange.place(lead, { contract, side: 'sell', qty: 2, type: 'limit', price: 6005, source: 'manual' });
    if (!tp.ok) throw new Error(tp.reason);
    await settled(w);
    expect(working(w, f1)).toEqual(['sell 4 limit @ 6005']);

    w.requireEngine().abandon();
    expect(w.exchange.cancel(lead, tp.order.orderId).ok).toBe(true);
    w.exchange.setQuote(contract, 6005);
    expect(w.exchange.positionOf(f1, contract)).toBe(0);
    await w.restart();
    await settled(w);

    expect(w.exchange.positionOf(lead, contract)).toBe(2);
    expect(w.exchange.positionOf(f1, contract)).toBe(4);
    expect(working(w, f1)).toEqual([]);
    expect(w.requireEngine().accountFlags('f1').outOfSync).toEqual([]);
  }, 40_000);

  it('the leader order filled too while the engine was dead: nothing is restored', async () => {
    const { world: w, lead, f1, contract } = await startPair({ broker, ratio: 2 });
    expect(w.exchange.place(lead, { contract, side: 'buy', qty: 2, type: 'market', source: 'manual' }).ok).toBe(true);
    await settled(w);
    expect(w.exchange.place(lead, { contract, side: 'sell', qty: 1, type: 'limit', price: 6005, source: 'manual' }).ok).toBe(true);
    await settled(w);
    expect(working(w, f1)).toEqual(['sell 2 limit @ 6005']);

    w.requireEngine().abandon();
    w.exchange.setQuote(contract, 6005);
    expect(w.exchange.positionOf(lead, contract)).toBe(1);
    expect(w.exchange.positionOf(f1, contract)).toBe(2);
    await w.restart();
    await settled(w);

    expect(w.exchange.positionOf(f1, contract)).toBe(2);
    expect(w.exchange.account(f1)?.orderLog.filter((o) => o.type === 'market').length).toBe(1);
    expect(w.requireEngine().accountFlags('f1').outOfSync).toEqual([]);
  }, 40_000);
});

/**
 * A save that removes a follower (or deletes its group) while it holds a position (copy-semantics
 * §1; issue: a removed follower kept 6 contracts and vanished without a word). Asked first with
 * what it holds; "flatten now" closes it at the broker, "keep" leaves it and says so in Activity.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { listActivity } from '../runtime/activity';
import { settled, startPair, tearDownWorlds, working } from './testWorld';

afterEach(tearDownWorlds);

async function followerHolding3() {
  const pair = await startPair({ broker: 'paper', ratio: 3 });
  const { world: w, lead, f1, contract } = pair;
  expect(w.exchange.place(lead, { contract, side: 'buy', qty: 1, type: 'market', source: 'manual' }).ok).toBe(true);
  await settled(w);
  expect(w.exchange.positionOf(f1, contract)).toBe(3);
  return pair;
}

describe('removing a follower that holds a position', () => {
  it('lists what it holds before the save', async () => {
    const { world: w, contract } = await followerHolding3();
    const impact = w.requireEngine().saveImpact('G', { name: 'G', leader: 'lead', followers: [] });
    expect(impact.removed.map(({ account, positions, workingOrders }) => ({ account, positions, workingOrders }))).toEqual([{ account: 'f1', positions: [{ contract, root: 'ES', qty: 3 }], workingOrders: 0 }]);
    expect(w.requireEngine().saveImpact('G', undefined).removed.map((r) => r.account)).toEqual(['f1']);
  }, 30_000);

  it('flatten now closes it at the broker; the leader keeps its own', async () => {
    const { world: w, lead, f1, contract } = await followerHolding3();
    w.requireEngine().editGroup('G', { followers: [] }, { removed: 'flatten' });
    await settled(w);
    expect(w.exchange.positionOf(f1, contract)).toBe(0);
    expect(w.exchange.positionOf(lead, contract)).toBe(1);
  }, 30_000);

  it('keep leaves it, no longer copied, and Activity says so', async () => {
    const { world: w, lead, f1, contract } = await followerHolding3();
    const engine = w.requireEngine();
    engine.editGroup('G', { followers: [] }, { removed: 'keep' });
    await settled(w);
    expect(w.exchange.place(lead, { contract, side: 'sell', qty: 1, type: 'market', source: 'manual' }).ok).toBe(true);
    await settled(w);
    expect(w.exchange.positionOf(f1, contract)).toBe(3);
    const rows = listActivity(engine.core.db, { accountId: 'f1' }, undefined, 50);
    expect(rows.some((r) => r.text.includes('kept, managed by hand') && r.text.includes('long 3 ES'))).toBe(true);
  }, 30_000);

  it('keep leaves its mirrored stop alone: the leader moving or cancelling its own no longer touches it', async () => {
    const { world: w, lead, f1, contract } = await followerHolding3();
    const placed = w.exchange.place(lead, { contract, side: 'sell', qty: 1, type: 'stop', price: 5990, source: 'manual' });
    if (!placed.ok) throw new Error(`leader stop refused: ${placed.reason}`);
    await settled(w);
    expect(working(w, f1)).toEqual(['sell 3 stop @ 5990']);
    w.requireEngine().editGroup('G', { followers: [] }, { removed: 'keep' });
    await settled(w);
    expect(w.exchange.modify(lead, placed.order.orderId, { price: 5980 }).ok).toBe(true);
    await settled(w);
    expect(working(w, f1)).toEqual(['sell 3 stop @ 5990']);
    expect(w.exchange.cancel(lead, placed.order.orderId).ok).toBe(true);
    await settled(w);
    expect(working(w, f1)).toEqual(['sell 3 stop @ 5990']);
    expect(w.exchange.positionOf(f1, contract)).toBe(3);
  }, 30_000);

  it('deleting the group with flatten now closes it', async () => {
    const { world: w, f1, contract } = await followerHolding3();
    w.requireEngine().deleteGroup('G', 'flatten');
    await settled(w);
    expect(w.exchange.positionOf(f1, contract)).toBe(0);
  }, 30_000);
});

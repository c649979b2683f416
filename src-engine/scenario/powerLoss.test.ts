/**
 * Power loss: with synchronous=NORMAL a commit is durable against a process crash but not against
 * an OS crash or a power cut, which can take the WAL's last frames with it. The orders those
 * commits sent are at the broker all the same. Here the database is put back to a copy taken just
 * before the leader acted (the journal's later commits lost, the orders at the simulator) and the
 * engine restarts on it: it must neither send them again nor lose them.
 */
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BrokerKind } from '../orders/broker';
import type { World } from './world';
import { settled, startPair, tearDownWorlds, working } from './testWorld';

afterEach(tearDownWorlds);

/** A consistent copy of the engine's database as it is now. */
function copyOfDatabase(w: World): string {
  const path = join(w.dbPath, '..', 'before-power-cut.db');
  w.requireEngine().core.db.prepare('VACUUM INTO ?').run(path);
  return path;
}

/** The machine loses power: the engine dies and the database comes back as it was at `copy`. */
async function powerCutTo(w: World, copy: string): Promise<void> {
  w.requireEngine().abandon();
  for (const suffix of ['', '-wal', '-shm']) rmSync(w.dbPath + suffix, { force: true });
  copyFileSync(copy, w.dbPath);
  await w.restart();
  await settled(w);
}

function followerOrders(w: World, account: number): number {
  return w.exchange.orders(account).length;
}

describe.each<BrokerKind>(['paper', 'tradovate', 'projectx'])('power lost after the orders went out (%s)', (broker) => {
  it('a copied fill: the follower keeps its copy, nothing is sent again', async () => {
    const { world: w, lead, f1, contract } = await startPair({ broker, ratio: 2 });
    const copy = copyOfDatabase(w);
    expect(w.exchange.place(lead, { contract, side: 'buy', qty: 1, type: 'market', source: 'manual' }).ok).toBe(true);
    await settled(w);
    expect(w.exchange.positionOf(f1, contract)).toBe(2);
    const sent = followerOrders(w, f1);

    await powerCutTo(w, copy);

    expect(w.exchange.positionOf(f1, contract)).toBe(2);
    expect(followerOrders(w, f1)).toBe(sent);
    // It still follows: the leader's exit is copied.
    expect(w.exchange.place(lead, { contract, side: 'sell', qty: 1, type: 'market', source: 'manual' }).ok).toBe(true);
    await settled(w);
    expect(w.exchange.positionOf(f1, contract)).toBe(0);
  }, 40_000);

  it('a mirrored working order: one mirror at the broker, not two, and it still follows the leader', async () => {
    const { world: w, lead, f1, contract } = await startPair({ broker, ratio: 2 });
    const copy = copyOfDatabase(w);
    const r = w.exchange.place(lead, { contract, side: 'buy', qty: 1, type: 'limit', price: 5990, source: 'manual' });
    if (!r.ok) throw new Error(r.reason);
    await settled(w);
    expect(working(w, f1)).toEqual(['buy 2 limit @ 5990']);

    await powerCutTo(w, copy);

    expect(working(w, f1)).toEqual(['buy 2 limit @ 5990']);
    expect(w.exchange.cancel(lead, r.order.orderId).ok).toBe(true);
    await settled(w);
    expect(working(w, f1)).toEqual([]);
  }, 40_000);
});

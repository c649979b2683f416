/**
 * The Dashboard's follower rows as the engine builds them: keyed by the leader's root, a cross
 * symbol's position on the leader root's row (never a row of its own), one state per row that
 * says "copying" only while the follower copies and holds its target, and row controls that act on
 * the contract the row shows. Real engine, real simulator, real SQLite.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FollowerRowView, GroupView } from '../api/views';
import { catalog, settled, startWorld, tearDownWorlds } from '../scenario/testWorld';
import type { World } from '../scenario/world';
import { groupViews } from './views';

afterEach(tearDownWorlds);

function group(w: World): GroupView {
  const g = groupViews(w.requireEngine().core)[0];
  if (!g) throw new Error('no group');
  return g;
}

function rows(w: World, account = 'f1'): readonly FollowerRowView[] {
  return group(w).followerRows[account] ?? [];
}

function row(w: World, root: string, account = 'f1'): FollowerRowView {
  const r = rows(w, account).find((x) => x.root === root);
  if (!r) throw new Error(`no ${root} row for ${account}: ${JSON.stringify(rows(w, account).map((x) => x.root))}`);
  return r;
}

function simId(w: World, key: string): number {
  const a = w.exchange.accountByKey(key);
  if (!a) throw new Error(`no account ${key}`);
  return a.id;
}

async function crossWorld(): Promise<World> {
  // The demo's cross: the leader trades MNQ, the follower NQ at ratio 10 with notional sizing (10 MNQ = 1 NQ).
  return startWorld({
    name: 'cross rows',
    accounts: [
      { id: 'lead', broker: 'paper', balance: 50_000 },
      { id: 'f1', broker: 'paper', balance: 50_000 },
    ],
    groups: [{ name: 'G', leader: 'lead', settings: { sizing: 'notional' }, followers: [{ account: 'f1', ratio: 10, cross: { MNQ: 'NQ' } }] }],
    quotes: { MNQ: 21000, NQ: 21000 },
  });
}

function buy(w: World, key: string, root: string, qty: number): void {
  const r = w.exchange.place(simId(w, key), { contract: catalog.frontMonth(root, w.clock.now()), side: qty > 0 ? 'buy' : 'sell', qty: Math.abs(qty), type: 'market', source: 'manual' });
  if (!r.ok) throw new Error(r.reason);
}

describe('follower rows with a cross symbol (MNQ → NQ, ratio 10)', () => {
  it('one MNQ row shows the NQ position the follower really holds; no NQ row', async () => {
    const w = await crossWorld();
    buy(w, 'lead', 'MNQ', -3);
    await settled(w);
    const nq = catalog.frontMonth('NQ', w.clock.now());
    expect(w.exchange.positionOf(simId(w, 'f1'), nq)).toBe(-3);

    expect(rows(w).map((r) => r.root)).toEqual(['MNQ']);
    const r = row(w, 'MNQ');
    expect(r.contract).toBe(nq);
    expect(r.followerRoot).toBe('NQ');
    expect(r.position).toBe(-3);
    expect(r.target).toBe(-3);
    expect(r.leaderPosition).toBe(-3);
    expect(r.state).toEqual({ kind: 'copying', leaderFlat: false });
    expect(r.holdings.map((h) => [h.contract, h.netPos])).toEqual([[nq, -3]]);
    expect(r.holdings[0]?.avgPrice).toBe(21000);
    expect(r.syncWould).toEqual([]);
  }, 40_000);

  it('Sync on the MNQ row brings the NQ position back to its target', async () => {
    const w = await crossWorld();
    buy(w, 'lead', 'MNQ', -3);
    await settled(w);
    // The trader closes one NQ by hand at the broker: the row says so, with the numbers.
    buy(w, 'f1', 'NQ', 1);
    await settled(w);
    const nq = catalog.frontMonth('NQ', w.clock.now());
    const r = row(w, 'MNQ');
    expect(r.state).toMatchObject({ kind: 'outOfSync', holds: -2, target: -3 });
    expect(r.syncWould).toEqual([{ contract: nq, from: -2, to: -3 }]);
    expect(group(w).followerRows.f1?.map((x) => x.root)).toEqual(['MNQ']);

    w.requireEngine().sync('f1', 'MNQ');
    await settled(w);
    expect(w.exchange.positionOf(simId(w, 'f1'), nq)).toBe(-3);
    expect(row(w, 'MNQ').state).toEqual({ kind: 'copying', leaderFlat: false });
  }, 40_000);

  it('a Sync named by the follower\'s own root does not close the position the leader root holds', async () => {
    const w = await crossWorld();
    buy(w, 'lead', 'MNQ', -3);
    await settled(w);
    w.requireEngine().sync('f1', 'NQ');
    await settled(w);
    expect(w.exchange.positionOf(simId(w, 'f1'), catalog.frontMonth('NQ', w.clock.now()))).toBe(-3);
  }, 40_000);

  it('while the leader is flat, a micro position left over is on the MNQ row, out of sync against 0', async () => {
    const w = await crossWorld();
    buy(w, 'f1', 'MNQ', 3);
    await settled(w);
    expect(rows(w).map((r) => r.root)).toEqual(['MNQ']);
    const r = row(w, 'MNQ');
    const mnq = catalog.frontMonth('MNQ', w.clock.now());
    expect(r.contract).toBe(mnq);
    expect(r.state).toMatchObject({ kind: 'outOfSync', holds: 3, target: 0 });
    expect(r.syncWould).toEqual([{ contract: mnq, from: 3, to: 0 }]);

    // Flatten on that row closes exactly what it shows.
    w.requireEngine().flattenPosition('f1', 'MNQ');
    await settled(w);
    expect(w.exchange.positionOf(simId(w, 'f1'), mnq)).toBe(0);
    expect(row(w, 'MNQ').state).toEqual({ kind: 'copying', leaderFlat: true });
  }, 40_000);
});

describe('one state per row: nothing reads as copying while it is not', () => {
  async function pairInTrade(): Promise<World> {
    const w = await startWorld({
      name: 'states',
      accounts: [
        { id: 'lead', broker: 'paper', balance: 50_000 },
        { id: 'f1', broker: 'paper', balance: 50_000 },
        { id: 'f2', broker: 'paper', balance: 50_000, risk: { dailyLoss: 500 } },
      ],
      groups: [{ name: 'G', leader: 'lead', followers: [{ account: 'f1', ratio: 2 }, { account: 'f2', ratio: 1 }] }],
      quotes: { ES: 6000 },
    });
    buy(w, 'lead', 'ES', 1);
    await settled(w);
    expect(row(w, 'ES').state).toEqual({ kind: 'copying', leaderFlat: false });
    return w;
  }

  it('pause: every row says not copying, paused by you; resume waits for the next entry', async () => {
    const w = await pairInTrade();
    const e = w.requireEngine();
    e.pause('G');
    await settled(w);
    expect(row(w, 'ES').state).toEqual({ kind: 'notCopying', why: 'paused', detail: 'user' });
    expect(row(w, 'ES', 'f2').state).toEqual({ kind: 'notCopying', why: 'paused', detail: 'user' });
    expect(row(w, 'ES').inSync).toBe(false);
    e.resume('G');
    await settled(w);
    expect(row(w, 'ES').state).toEqual({ kind: 'notCopying', why: 'waitsForNextEntry', detail: 'groupPaused' });
  }, 40_000);

  it('sync off, flattened by you, a lock', async () => {
    const w = await pairInTrade();
    const e = w.requireEngine();
    e.setSync('G', 'f1', 'ES', false);
    await settled(w);
    expect(row(w, 'ES').state).toEqual({ kind: 'notCopying', why: 'syncOff', detail: undefined });
    e.setSync('G', 'f1', 'ES', true);
    await settled(w);
    expect(row(w, 'ES').state).toMatchObject({ kind: 'notCopying', why: 'waitsForNextEntry' });

    e.flattenPosition('f2', 'ES');
    await settled(w);
    expect(row(w, 'ES', 'f2').state).toEqual({ kind: 'notCopying', why: 'waitsForNextEntry', detail: 'flattenedByUser' });
    expect(row(w, 'ES', 'f2').position).toBe(0);

    // f2's daily loss of $500 is crossed (10 points of ES are $500): a breach lock.
    buy(w, 'f2', 'ES', 1);
    await settled(w);
    w.exchange.setQuote(catalog.frontMonth('ES', w.clock.now()), 5985);
    await settled(w);
    expect(row(w, 'ES', 'f2').state).toMatchObject({ kind: 'notCopying', why: 'locked', detail: 'dailyLoss' });
  }, 40_000);

  it('Emergency Stop and Flatten All: not copying, paused; Flatten All pauses the group', async () => {
    const w = await pairInTrade();
    const e = w.requireEngine();
    e.flattenAll('G');
    await settled(w);
    expect(e.groupStatus('G')).toEqual({ status: 'Paused', reason: 'user' });
    expect(row(w, 'ES').state).toMatchObject({ kind: 'notCopying', why: 'paused' });
    // The leader's next entry is not copied.
    buy(w, 'lead', 'ES', 1);
    await settled(w);
    expect(w.exchange.positionOf(simId(w, 'f1'), catalog.frontMonth('ES', w.clock.now()))).toBe(0);

    e.resume('G');
    e.emergencyStop();
    await settled(w);
    expect(row(w, 'ES').state).toEqual({ kind: 'notCopying', why: 'paused', detail: 'emergencyStop' });
  }, 40_000);

  it('a follower added mid-trade waits for the next entry; Sync would open its position', async () => {
    const w = await startWorld({
      name: 'late joiner',
      accounts: [
        { id: 'lead', broker: 'paper', balance: 50_000 },
        { id: 'f1', broker: 'paper', balance: 50_000 },
        { id: 'f3', broker: 'paper', balance: 50_000 },
      ],
      groups: [{ name: 'G', leader: 'lead', followers: [{ account: 'f1', ratio: 1 }] }],
      quotes: { ES: 6000 },
    });
    buy(w, 'lead', 'ES', 2);
    await settled(w);
    const e = w.requireEngine();
    e.editGroup('G', { followers: [{ account: 'f1', ratio: 1 }, { account: 'f3', ratio: 1 }] });
    await settled(w);
    const r = row(w, 'ES', 'f3');
    expect(r.state).toEqual({ kind: 'notCopying', why: 'waitsForNextEntry', detail: 'joinedLate' });
    expect(r.syncWould).toEqual([{ contract: catalog.frontMonth('ES', w.clock.now()), from: 0, to: 2 }]);
  }, 40_000);

  it('the leader flat: rows stay (with their switches), copying from the next entry', async () => {
    const w = await pairInTrade();
    buy(w, 'lead', 'ES', -1);
    await settled(w);
    expect(group(w).roots).toEqual(['ES']);
    expect(row(w, 'ES').state).toEqual({ kind: 'copying', leaderFlat: true });
    expect(row(w, 'ES').position).toBe(0);
    expect(row(w, 'ES').syncOn).toBe(true);
    // The closing fills are the group's latest trades, with what each realized.
    expect(group(w).recentTrades.map((t) => t.accountId).sort()).toEqual(['f1', 'f2', 'lead']);
    // A symbol the leader has not traded gets rows (and its switches) once it is switched on.
    w.requireEngine().setMasterSync('G', 'NQ', true);
    expect(group(w).roots).toEqual(['ES', 'NQ']);
    expect(row(w, 'NQ').state).toEqual({ kind: 'copying', leaderFlat: true });
  }, 40_000);
});

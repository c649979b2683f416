import { describe, expect, it } from 'vitest';
import type { ActivityRow } from '../../src-engine/api/views';
import { SocketClient } from '../api/client';
import { FakeEngine, flush } from '../test/fakeEngine';
import { createActivityStore, matches, mergeRows, PAGE } from './activity';

const row = (id: string, time: number, over: Partial<ActivityRow> = {}): ActivityRow => ({
  id,
  time,
  kind: 'order',
  groupId: 'g1',
  accountId: 'f1',
  root: 'MNQ',
  text: `buy 1 MNQ — copy — sending (${id})`,
  brokerReason: undefined,
  status: 'sending',
  ...over,
});

async function setup(history: (args: { before?: number; filter?: object }) => ActivityRow[]): Promise<{ engine: FakeEngine; client: SocketClient; act: ReturnType<typeof createActivityStore> }> {
  const engine = new FakeEngine();
  engine.on('activity.list', (a) => history(a as { before?: number }));
  const client = new SocketClient({ connect: engine.connect });
  const act = createActivityStore(client);
  client.start();
  await flush(10);
  return { engine, client, act };
}

describe('activity store', () => {
  it('reads the newest page, then adds live rows on top and updates an order in place', async () => {
    const { engine, client, act } = await setup(() => [row('i:a', 100, { status: 'filled' })]);
    expect(act.store.getState().rows.map((r) => r.id)).toEqual(['i:a']);
    engine.emit({ type: 'activity', row: row('i:b', 200) });
    engine.emit({ type: 'activity', row: row('i:b', 250, { status: 'filled', text: 'buy 1 MNQ — copy — filled' }) });
    const rows = act.store.getState().rows;
    expect(rows.map((r) => r.id)).toEqual(['i:b', 'i:a']);
    expect(rows[0]?.status).toBe('filled');
    expect(rows[0]?.time).toBe(200);
    client.stop();
  });

  it('pages back with `before` = the oldest row it has', async () => {
    const full = Array.from({ length: PAGE }, (_, i) => row(`i:${i}`, 10_000 - i));
    const { engine, client, act } = await setup((a) => (a.before === undefined ? full : [row('i:old', 5)]));
    expect(act.store.getState().hasMore).toBe(true);
    await act.loadOlder();
    const calls = engine.callsOf('activity.list') as { before?: number }[];
    expect(calls[1]?.before).toBe(10_000 - (PAGE - 1));
    expect(act.store.getState().rows.at(-1)?.id).toBe('i:old');
    expect(act.store.getState().hasMore).toBe(false);
    client.stop();
  });

  it('filters live rows and sends the filter with every read', async () => {
    const { engine, client, act } = await setup(() => []);
    await act.setFilter({ accountId: 'f2', groupId: undefined });
    expect(engine.callsOf('activity.list').at(-1)).toEqual({ filter: { accountId: 'f2' }, limit: PAGE });
    engine.emit({ type: 'activity', row: row('i:x', 1) });
    engine.emit({ type: 'activity', row: row('i:y', 2, { accountId: 'f2' }) });
    expect(act.store.getState().rows.map((r) => r.id)).toEqual(['i:y']);
    client.stop();
  });

  it('keeps live-only rows (locks, connections) when the history is read again', async () => {
    const { engine, client, act } = await setup(() => [row('i:a', 100)]);
    engine.emit({ type: 'activity', row: row('e:1', 150, { kind: 'lock', text: 'locked: dailyLoss (breach)' }) });
    engine.emit({ type: 'activity', row: row('e:2', 160, { kind: 'skip', text: 'no order: locked' }) });
    await act.refresh();
    expect(act.store.getState().rows.map((r) => r.id)).toEqual(['e:1', 'i:a']);
    client.stop();
  });

  it('merges by id and sorts newest first', () => {
    expect(mergeRows([row('a', 1), row('b', 3)], [row('c', 2), row('a', 5, { status: 'filled' })]).map((r) => `${r.id}@${r.time}`)).toEqual(['b@3', 'c@2', 'a@1']);
    expect(matches({ kinds: ['skip'] }, row('a', 1))).toBe(false);
    expect(matches({ groupId: 'g1', root: 'MNQ' }, row('a', 1))).toBe(true);
  });
});

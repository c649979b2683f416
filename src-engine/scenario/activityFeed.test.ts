/**
 * Activity lists the leader's own fills (issue 16, item 7), journaled with what they caused, so
 * they are in the history and filter by the leader's account; a follower's filter keeps its fills.
 */
import { afterEach, expect, it } from 'vitest';
import { activityCsv, listActivity } from '../runtime/activity';
import { settled, startPair, tearDownWorlds } from './testWorld';

afterEach(tearDownWorlds);

it('the leader fill is a row of its own; each account filter keeps its own rows', async () => {
  const { world: w, lead, contract } = await startPair({ broker: 'paper', ratio: 2 });
  expect(w.exchange.place(lead, { contract, side: 'buy', qty: 1, type: 'market', source: 'manual' }).ok).toBe(true);
  await settled(w);
  const db = w.requireEngine().core.db;
  const leader = listActivity(db, { accountId: 'lead' }, undefined, 50);
  expect(leader.map((r) => [r.kind, r.text])).toEqual([['leaderFill', 'leader bought 1 ES @ 6000; now long 1']]);
  const follower = listActivity(db, { accountId: 'f1' }, undefined, 50);
  expect(follower.filter((r) => r.kind === 'order').map((r) => r.status)).toEqual(['filled']);
  expect(listActivity(db, { kinds: ['leaderFill'] }, undefined, 50)).toHaveLength(1);
  // The engine's own export names the group and the account, and says its times are UTC.
  const engine = w.requireEngine();
  const csv = activityCsv(leader, { group: (id) => engine.group(id)?.name ?? id, account: (id) => engine.core.accounts.get(id)?.name ?? id });
  expect(csv.split('\n')[0]).toBe('time (UTC),kind,group,account,symbol,status,text,broker_reason');
  expect(csv).toContain(`"G","${engine.core.accounts.get('lead')?.name ?? ''}"`);
}, 30_000);

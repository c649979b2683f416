/**
 * A child process for the durability tests: opens a real database file the way the engine does
 * (openDatabase: WAL, synchronous=NORMAL, migrations) and commits numbered decisions in a loop, as
 * fast as it can, until it is killed. Each decision is one transaction touching four tables (the
 * decision journal, the dedupe key, the lifecycle and a setting); after each commit it tells the
 * parent the number over IPC. Run with `node --import tsx` and an IPC channel.
 */
import { openDatabase } from './db';

const path = process.argv[2];
if (path === undefined || !process.send) throw new Error('usage: durabilityWriter <db path> (with an IPC channel)');
const db = openDatabase(path);
const insertJournal = db.prepare('INSERT INTO journal (id, time, payload) VALUES (?, ?, ?)');
const insertEvent = db.prepare('INSERT INTO leader_events (account_id, event_key, processed_at) VALUES (?, ?, ?)');
const upsertLifecycle = db.prepare('INSERT INTO lifecycles (leader_account, contract, state, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (leader_account, contract) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at');
const upsertSetting = db.prepare("INSERT INTO settings (key, value) VALUES ('durability.last', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
const start = (db.prepare('SELECT COALESCE(MAX(id), 0) AS n FROM journal').get() as { n: number }).n;

const commit = db.transaction((n: number) => {
  // A payload of a few KB so transactions span pages and WAL frames.
  insertJournal.run(n, Date.now(), JSON.stringify({ n, intents: Array.from({ length: 20 }, (_, i) => ({ tag: `t${n}-${i}`, pad: 'x'.repeat(100) })) }));
  insertEvent.run('lead', `fill:${n}`, Date.now());
  upsertLifecycle.run('lead', 'ESH6', JSON.stringify({ n }), Date.now());
  upsertSetting.run(String(n));
});

let n = start;
const send = process.send.bind(process);
function loop(): void {
  for (let i = 0; i < 20; i++) {
    n++;
    commit(n);
    send({ committed: n });
  }
  setImmediate(loop);
}
loop();

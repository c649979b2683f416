/**
 * What a leader fill's journal commit costs with synchronous=NORMAL (the engine's choice) and with
 * FULL, on a real file in this machine's temp folder: the same transaction the copy path commits
 * before any order goes out (the decision row with twenty intents, the dedupe key, the lifecycle),
 * measured in the same run, one after the other, each after a warm-up.
 *
 *   npx tsx bench/journalSync.ts [commits]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../src-engine/store/db';

const COMMITS = Number(process.argv[2] ?? 2000);
const WARMUP = 200;

function measure(mode: 'NORMAL' | 'FULL'): { p50: number; p99: number; max: number; mean: number } {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorfill-journal-sync-'));
  try {
    const db = openDatabase(join(dir, 'engine.db'));
    db.pragma(`synchronous = ${mode}`);
    // As in the engine: checkpoints run elsewhere, never inside a commit.
    db.pragma('wal_autocheckpoint = 0');
    const insertJournal = db.prepare('INSERT INTO journal (id, time, payload) VALUES (?, ?, ?)');
    const insertEvent = db.prepare('INSERT INTO leader_events (account_id, event_key, processed_at) VALUES (?, ?, ?)');
    const upsertLifecycle = db.prepare('INSERT INTO lifecycles (leader_account, contract, state, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (leader_account, contract) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at');
    const commit = db.transaction((n: number) => {
      insertJournal.run(n, Date.now(), JSON.stringify({ n, intents: Array.from({ length: 20 }, (_, i) => ({ tag: `t${n}-${i}`, account: `f${i}`, qty: 2, side: 'buy' })) }));
      insertEvent.run('lead', `fill:${n}`, Date.now());
      upsertLifecycle.run('lead', 'ESH7', JSON.stringify({ n }), Date.now());
    });
    const times: number[] = [];
    for (let n = 1; n <= WARMUP + COMMITS; n++) {
      const t0 = performance.now();
      commit(n);
      if (n > WARMUP) times.push(performance.now() - t0);
      if (n % 500 === 0) db.pragma('wal_checkpoint(TRUNCATE)');
    }
    db.close();
    times.sort((a, b) => a - b);
    const at = (q: number): number => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? NaN;
    return { p50: at(0.5), p99: at(0.99), max: times[times.length - 1] ?? NaN, mean: times.reduce((s, t) => s + t, 0) / times.length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (ms: number): string => ms.toFixed(3);
console.log(`journal commit, ${COMMITS} commits each (ms): mode p50 / p99 / max / mean`);
for (const mode of ['NORMAL', 'FULL'] as const) {
  const r = measure(mode);
  console.log(`${mode.padEnd(6)} ${fmt(r.p50)} / ${fmt(r.p99)} / ${fmt(r.max)} / ${fmt(r.mean)}`);
}

/**
 * WAL checkpoints off the engine thread. With synchronous=NORMAL a commit only appends to the WAL;
 * the checkpoint that copies pages back and fsyncs is what takes milliseconds. SQLite would run it
 * inside whichever commit crossed the threshold — possibly a leader fill's. Here a worker thread,
 * on its own connection, checkpoints on a timer instead, and the engine's connection never does.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Db } from './db';
import { outsideAsar, sqliteBinding } from './sqliteBinding';

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.path, workerData.nativeBinding ? { fileMustExist: true, nativeBinding: workerData.nativeBinding } : { fileMustExist: true });
db.pragma('busy_timeout = 1000');
let stopping = false;
const tick = () => {
  if (stopping) return;
  try { db.pragma('wal_checkpoint(PASSIVE)'); parentPort.postMessage({ ok: true }); } catch (err) { parentPort.postMessage({ error: String(err && err.message || err) }); }
  timer = setTimeout(tick, workerData.intervalMs);
};
let timer = setTimeout(tick, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  stopping = true;
  clearTimeout(timer);
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
  db.close();
  parentPort.postMessage({ stopped: true });
});
`;

export interface Checkpointer {
  /** Final checkpoint, then the worker ends. */
  stop(): Promise<void>;
  /** Crash tests: end the worker now. */
  kill(): void;
}

/** Failed checkpoints in a row after which the worker is given up. */
export const FAILURES_BEFORE_FALLBACK = 3;
/** SQLite's own default: a commit that finds the WAL this many pages long checkpoints it. */
const AUTOCHECKPOINT_PAGES = 1000;

/**
 * Starts the worker and turns SQLite's automatic checkpoints off. When the worker fails (it dies,
 * or its checkpoints keep failing), automatic checkpoints come back on the engine's connection:
 * a checkpoint inside a commit costs milliseconds, a WAL that grows without bound costs the disk.
 */
export function startCheckpointer(
  db: Db,
  path: string,
  opts: { intervalMs?: number; onError?: (message: string) => void; onFallback?: (reason: string) => void; workerSource?: string } = {},
): Checkpointer | undefined {
  if (path === ':memory:') return undefined;
  db.pragma('wal_autocheckpoint = 0');
  const module = outsideAsar(createRequire(import.meta.url).resolve('better-sqlite3'));
  const worker = new Worker(opts.workerSource ?? WORKER, { eval: true, workerData: { module, nativeBinding: sqliteBinding(), path, intervalMs: opts.intervalMs ?? 1000 } });
  worker.unref();
  let ending = false;
  let failures = 0;
  const fallBack = (reason: string): void => {
    if (ending) return;
    ending = true;
    if (db.open) db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
    opts.onFallback?.(reason);
    void worker.terminate();
  };
  worker.on('message', (m: { error?: string; ok?: boolean }) => {
    if (m.ok === true) failures = 0;
    if (m.error === undefined) return;
    opts.onError?.(m.error);
    if (++failures >= FAILURES_BEFORE_FALLBACK) fallBack(`${failures} checkpoints failed in a row (last: ${m.error})`);
  });
  worker.on('error', (err) => {
    opts.onError?.(err.message);
    fallBack(`the checkpoint worker failed: ${err.message}`);
  });
  worker.on('exit', (code) => fallBack(`the checkpoint worker exited (code ${code})`));
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        if (ending) {
          resolve();
          return;
        }
        ending = true;
        const done = (): void => {
          clearTimeout(guard);
          void worker.terminate().then(() => resolve());
        };
        const guard = setTimeout(done, 2000);
        worker.once('message', (m: { stopped?: boolean }) => {
          if (m.stopped === true) done();
        });
        worker.once('exit', done);
        worker.postMessage('stop');
      }),
    kill: () => {
      ending = true;
      void worker.terminate();
    },
  };
}

/**
 * WAL checkpoints off the engine thread. With synchronous=NORMAL a commit only appends to the WAL;
 * the checkpoint that copies pages back and fsyncs is what takes milliseconds. SQLite would run it
 * inside whichever commit crossed the threshold — possibly a leader fill's. Here a worker thread,
 * on its own connection, checkpoints on a timer instead, and the engine's connection never does.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Db } from './db';

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
let stopping = false;
const tick = () => {
  if (stopping) return;
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (err) { parentPort.postMessage({ error: String(err && err.message || err) }); }
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

export function startCheckpointer(db: Db, path: string, opts: { intervalMs?: number; onError?: (message: string) => void } = {}): Checkpointer | undefined {
  if (path === ':memory:') return undefined;
  db.pragma('wal_autocheckpoint = 0');
  const module = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER, { eval: true, workerData: { module, path, intervalMs: opts.intervalMs ?? 1000 } });
  worker.unref();
  worker.on('message', (m: { error?: string }) => {
    if (m.error !== undefined) opts.onError?.(m.error);
  });
  worker.on('error', (err) => opts.onError?.(err.message));
  return {
    stop: () =>
      new Promise<void>((resolve) => {
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
    kill: () => void worker.terminate(),
  };
}

/**
 * Durability of the engine's SQLite file, with real files and real processes:
 * - a child committing decisions in a loop is SIGKILLed mid-write: the file reopens, passes the
 *   integrity check, every decision the child reported committed is there, and no decision is
 *   half-applied (its four rows are all there or none is);
 * - a torn write (the WAL truncated or its tail garbled) reopens to a consistent prefix;
 * - a damaged database file (tail truncated, header garbled) is detected at open with a clear
 *   message, kept as a backup beside it, and replaced by a fresh one; the app host surfaces it.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openAppHost } from '../host/appHost';
import type { KeychainStatus, Secret, SecretStore } from '../secrets/secretStore';
import { backupNow } from './backups';
import { openDatabase, openDatabaseOrRecover, type Db } from './db';

const WRITER = fileURLToPath(new URL('./durabilityWriter.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mirrorfill-durability-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Starts the writer on `path`, waits until it reports `atLeast` commits, SIGKILLs it; returns the last reported. */
async function killWriterAfter(path: string, atLeast: number): Promise<number> {
  const child: ChildProcess = fork(WRITER, [path], { execArgv: ['--import', TSX], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  let last = 0;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.on('message', (m: { committed?: number }) => {
      if (typeof m.committed !== 'number') return;
      last = m.committed;
      if (last >= atLeast) {
        // Killed while it is still writing: it keeps committing until the signal lands.
        child.kill('SIGKILL');
        resolve();
      }
    });
    child.once('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer exited early (code ${code ?? '-'}): ${stderr}`));
    });
  });
  await exited;
  return last;
}

/** Every decision whole or absent; returns the decisions present. */
function consistentDecisions(db: Db): number[] {
  const journal = (db.prepare('SELECT id FROM journal ORDER BY id').all() as { id: number }[]).map((r) => r.id);
  const events = (db.prepare('SELECT event_key FROM leader_events ORDER BY processed_at').all() as { event_key: string }[]).map((r) => Number(r.event_key.slice('fill:'.length)));
  expect(new Set(events)).toEqual(new Set(journal));
  // Decisions are a prefix 1..N: nothing later survived without everything earlier.
  expect(journal).toEqual(Array.from({ length: journal.length }, (_, i) => i + 1));
  const n = journal.length;
  const setting = db.prepare("SELECT value FROM settings WHERE key = 'durability.last'").get() as { value: string } | undefined;
  const lifecycle = db.prepare("SELECT state FROM lifecycles WHERE leader_account = 'lead'").get() as { state: string } | undefined;
  if (n === 0) {
    expect(setting).toBeUndefined();
    return journal;
  }
  expect(setting?.value).toBe(String(n));
  expect(JSON.parse(lifecycle?.state ?? '{}')).toEqual({ n });
  for (const row of db.prepare('SELECT payload FROM journal').all() as { payload: string }[]) expect(() => JSON.parse(row.payload) as unknown).not.toThrow();
  return journal;
}

function integrity(db: Db): unknown {
  return db.pragma('integrity_check', { simple: true });
}

describe('kill during a write', () => {
  it('SIGKILL mid-loop: reopens intact, every reported commit present, no decision half-applied', async () => {
    const path = join(dir, 'engine.db');
    let reported = 0;
    for (let round = 1; round <= 3; round++) {
      // Each round continues the same file: a database reopened after a kill keeps working.
      reported = await killWriterAfter(path, reported + 150);
      const { db, recovered } = openDatabaseOrRecover(path);
      try {
        expect(recovered).toBeUndefined();
        expect(integrity(db)).toBe('ok');
        const present = consistentDecisions(db);
        expect(present.length).toBeGreaterThanOrEqual(reported);
      } finally {
        db.close();
      }
    }
  });
});

describe('torn writes', () => {
  /** A killed writer's files, with its WAL still holding frames. */
  async function killedWithWal(): Promise<{ path: string; wal: string; reported: number }> {
    const path = join(dir, 'engine.db');
    const reported = await killWriterAfter(path, 200);
    const wal = `${path}-wal`;
    expect(existsSync(wal)).toBe(true);
    expect(statSync(wal).size).toBeGreaterThan(32);
    return { path, wal, reported };
  }

  /** Opens without calling it damage, passes the integrity check, and holds no half-applied decision. */
  function reopensConsistent(path: string): void {
    const { db, recovered } = openDatabaseOrRecover(path);
    try {
      expect(recovered).toBeUndefined();
      expect(integrity(db)).toBe('ok');
      consistentDecisions(db);
    } finally {
      db.close();
    }
  }

  it.each([0.9, 0.5, 0.13])('the WAL truncated mid-frame (to %s of its size) reopens to a consistent prefix', async (fraction) => {
    const { path, wal } = await killedWithWal();
    truncateSync(wal, Math.floor(statSync(wal).size * fraction) + 7);
    reopensConsistent(path);
  });

  it('a damaged file with commits still in the WAL: the kept copy has that WAL byte for byte, and the newest good backup is restored', async () => {
    const path = join(dir, 'engine.db');
    cleanDatabase(path);
    const good = openDatabase(path);
    const backup = backupNow(good, path, 'scheduled');
    good.close();
    const { wal, reported } = await killedWithWal();
    expect(reported).toBeGreaterThan(0);
    const walBefore = readFileSync(wal);
    // Page 1 may be newer in the WAL (which then masks a bad header): cut the file instead.
    truncateSync(path, Math.floor(statSync(path).size / 2) + 100);
    const damaged = readFileSync(path);

    const { db, recovered } = openDatabaseOrRecover(path);
    try {
      expect(recovered?.message).toMatch(/damaged/);
      expect(recovered?.message).toContain('restored the newest good backup');
      expect(recovered?.restoredFrom?.path).toBe(backup.path);
      // Everything needed to salvage the commits in the WAL is kept as it was before the open.
      expect(readFileSync(recovered?.backupPath ?? '')).toEqual(damaged);
      expect(readFileSync(`${recovered?.backupPath ?? ''}-wal`)).toEqual(walBefore);
      // The backup's data is back; the new file works.
      expect(db.prepare("SELECT value FROM settings WHERE key = 'kept'").get()).toEqual({ value: 'yes' });
      expect(integrity(db)).toBe('ok');
      expect(readdirSync(dir).filter((f) => f.includes('preopen'))).toEqual([]);
    } finally {
      db.close();
    }
  });

  it('the WAL tail garbled reopens to a consistent prefix (the frames after the damage are dropped)', async () => {
    const { path, wal } = await killedWithWal();
    const size = statSync(wal).size;
    const fd = openSync(wal, 'r+');
    writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, Math.max(32, size - 6000));
    closeSync(fd);
    reopensConsistent(path);
  });
});

/** A database closed cleanly (WAL checkpointed into the file), large enough to have many pages. */
function cleanDatabase(path: string): void {
  const db = openDatabase(path);
  const put = db.prepare('INSERT INTO journal (id, time, payload) VALUES (?, ?, ?)');
  db.transaction(() => {
    for (let i = 1; i <= 400; i++) put.run(i, i, 'y'.repeat(2000));
  })();
  db.prepare("INSERT INTO settings (key, value) VALUES ('kept', 'yes')").run();
  db.close();
}

describe('a damaged database file', () => {
  const damages: [string, (path: string) => void][] = [
    ['its tail truncated', (p) => truncateSync(p, Math.floor(statSync(p).size / 2) + 100)],
    [
      'its header garbled',
      (p) => {
        const fd = openSync(p, 'r+');
        writeSync(fd, Buffer.from('this is not sqlite at all'), 0, 25, 0);
        closeSync(fd);
      },
    ],
    [
      'pages in the middle garbled',
      (p) => {
        const fd = openSync(p, 'r+');
        writeSync(fd, Buffer.alloc(8192, 0x5a), 0, 8192, 4096 * 3);
        closeSync(fd);
      },
    ],
  ];

  it.each(damages)('with %s is detected at open, kept as a backup, and replaced by a fresh one', (_what, damage) => {
    const path = join(dir, 'engine.db');
    cleanDatabase(path);
    damage(path);
    const damaged = readFileSync(path);
    const { db, recovered } = openDatabaseOrRecover(path);
    try {
      expect(recovered).toBeDefined();
      expect(recovered?.message).toContain(path);
      expect(recovered?.message).toMatch(/damaged/);
      expect(recovered?.message).toContain(recovered?.backupPath ?? '?');
      // The damaged file is kept byte for byte; the new one works.
      expect(readFileSync(recovered?.backupPath ?? '')).toEqual(damaged);
      expect(integrity(db)).toBe('ok');
      expect(db.prepare("SELECT value FROM settings WHERE key = 'kept'").get()).toBeUndefined();
      db.prepare("INSERT INTO settings (key, value) VALUES ('after', '1')").run();
    } finally {
      db.close();
    }
  });

  it('an intact database is not mistaken for a damaged one', () => {
    const path = join(dir, 'engine.db');
    cleanDatabase(path);
    const { db, recovered } = openDatabaseOrRecover(path);
    expect(recovered).toBeUndefined();
    expect(db.prepare("SELECT value FROM settings WHERE key = 'kept'").get()).toEqual({ value: 'yes' });
    db.close();
    expect(readdirSync(dir).filter((f) => f.includes('corrupt'))).toEqual([]);
  });

  it('the app host creates its data folder for the owner alone, and the database readable by the owner only', async () => {
    const dataDir = join(dir, 'fresh', 'Mirrorfill');
    const host = openAppHost({ dataDir, host: 'test', secrets: new MemorySecrets() });
    try {
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
      expect(statSync(join(dataDir, 'mirrorfill.db')).mode & 0o777).toBe(0o600);
    } finally {
      await host.close();
    }
  });

  it('the app host surfaces it: snapshot info, the log, and the backup beside the file', async () => {
    const path = join(dir, 'mirrorfill.db');
    cleanDatabase(path);
    truncateSync(path, Math.floor(statSync(path).size / 2) + 100);
    const host = openAppHost({ dataDir: dir, host: 'test', secrets: new MemorySecrets() });
    try {
      const info = (await host.api.invoke('state.get', {})).info;
      expect(info.recoveredFrom).toMatch(/mirrorfill\.db is damaged and cannot be opened .*It was moved to .*mirrorfill\.db\.corrupt-.*start with an empty one/);
      const backups = readdirSync(dir).filter((f) => f.startsWith('mirrorfill.db.corrupt-') && !f.endsWith('-wal') && !f.endsWith('-shm'));
      expect(backups).toHaveLength(1);
      expect(info.recoveredFrom).toContain(backups[0]);
      const logLines = readFileSync(join(dir, 'logs', 'engine.log'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { level: string; msg: string });
      expect(logLines.some((l) => l.level === 'error' && l.msg.includes('is damaged'))).toBe(true);
    } finally {
      await host.close();
    }
  });
});

class MemorySecrets implements SecretStore {
  status(): Promise<KeychainStatus> {
    return Promise.resolve({ available: true, detail: 'memory (test)' });
  }
  get(): Promise<Secret | undefined> {
    return Promise.resolve(undefined);
  }
  has(): Promise<boolean> {
    return Promise.resolve(false);
  }
  set(): Promise<void> {
    return Promise.resolve();
  }
  clear(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Backups, schema versions and the checkpoint worker's failure, on real SQLite files.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupDir, backupNow, backupOnline, KEEP_BACKUPS, listBackups, startBackupSchedule, type BackupFile } from './backups';
import { FAILURES_BEFORE_FALLBACK, startCheckpointer } from './checkpointer';
import { DatabaseTooNewError, openDatabase, openDatabaseOrRecover } from './db';
import { MIGRATIONS } from './migrations';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mirrorfill-backups-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function withSetting(path: string, value: string): void {
  const db = openDatabase(path);
  db.prepare("INSERT OR REPLACE INTO settings (key, value) VALUES ('kept', ?)").run(value);
  db.close();
}

function settingIn(path: string): unknown {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare("SELECT value FROM settings WHERE key = 'kept'").get() as { value: string } | undefined)?.value;
  } finally {
    db.close();
  }
}

describe('backups', () => {
  it('an online backup is a consistent copy, readable by the owner only', async () => {
    const path = join(dir, 'engine.db');
    withSetting(path, 'one');
    const db = openDatabase(path);
    const b = await backupOnline(db, path, 'scheduled');
    db.close();
    expect(settingIn(b.path)).toBe('one');
    expect(statSync(b.path).mode & 0o777).toBe(0o600);
    expect(statSync(backupDir(path)).mode & 0o777).toBe(0o700);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it(`keeps the newest ${KEEP_BACKUPS}`, () => {
    const path = join(dir, 'engine.db');
    withSetting(path, 'x');
    const db = openDatabase(path);
    const t0 = Date.parse('2026-12-07T10:00:00Z');
    const taken: BackupFile[] = [];
    for (let n = 0; n < KEEP_BACKUPS + 3; n++) taken.push(backupNow(db, path, 'scheduled', t0 + n * 60_000));
    db.close();
    expect(listBackups(path).map((b) => b.path)).toEqual(taken.slice(3).reverse().map((b) => b.path));
  });

  it('the schedule takes a backup on its interval and stops when asked', async () => {
    const path = join(dir, 'engine.db');
    withSetting(path, 'scheduled');
    const db = openDatabase(path);
    const done = new Promise<BackupFile>((resolve, reject) => {
      const schedule = startBackupSchedule(db, path, {
        intervalMs: 20,
        onDone: (b) => void schedule?.stop().then(() => resolve(b)),
        onError: (m) => reject(new Error(m)),
      });
    });
    const b = await done;
    db.close();
    expect(b.reason).toBe('scheduled');
    expect(settingIn(b.path)).toBe('scheduled');
  });

  it('a migration is preceded by a backup of the database as it was', () => {
    const path = join(dir, 'engine.db');
    const first = MIGRATIONS[0];
    if (!first || MIGRATIONS.length < 2) throw new Error('needs at least two migrations');
    // A database an older version left: only the first migration applied.
    const old = new Database(path);
    old.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
    first.up(old);
    old.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(first.version, first.name, 1);
    old.prepare("INSERT INTO settings (key, value) VALUES ('kept', 'before the upgrade')").run();
    old.close();

    openDatabase(path).close();
    const backups = listBackups(path);
    expect(backups.map((b) => b.reason)).toEqual(['migration']);
    const copy = new Database(backups[0]?.path ?? '', { readonly: true });
    try {
      expect(copy.prepare('SELECT max(version) AS v FROM schema_migrations').get()).toEqual({ v: first.version });
      expect(copy.prepare("SELECT value FROM settings WHERE key = 'kept'").get()).toEqual({ value: 'before the upgrade' });
    } finally {
      copy.close();
    }
  });

  it('a new database is not backed up (nothing to lose)', () => {
    openDatabase(join(dir, 'engine.db')).close();
    expect(listBackups(join(dir, 'engine.db'))).toEqual([]);
  });
});

describe('a database from a newer version', () => {
  it('is refused with a clear message and left untouched', () => {
    const path = join(dir, 'engine.db');
    withSetting(path, 'newer');
    const db = new Database(path);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, ?, 1)').run('from the future');
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const before = readFileSync(path);

    expect(() => openDatabaseOrRecover(path)).toThrow(DatabaseTooNewError);
    expect(() => openDatabaseOrRecover(path)).toThrow(/written by a newer version of Mirrorfill \(schema 999; this version knows up to \d+\)/);
    expect(readFileSync(path)).toEqual(before);
    expect(readdirSync(dir).filter((f) => f !== 'engine.db' && f !== 'engine.db-wal' && f !== 'engine.db-shm')).toEqual([]);
    expect(settingIn(path)).toBe('newer');
  });
});

describe('the checkpoint worker', () => {
  function autocheckpoint(db: Database.Database): unknown {
    return db.pragma('wal_autocheckpoint', { simple: true });
  }

  it('keeps automatic checkpoints off while it works', async () => {
    const path = join(dir, 'engine.db');
    const db = openDatabase(path);
    const cp = startCheckpointer(db, path, { intervalMs: 10 });
    expect(autocheckpoint(db)).toBe(0);
    await cp?.stop();
    expect(autocheckpoint(db)).toBe(0);
    db.close();
  });

  it(`gives way to SQLite's own checkpoints after ${FAILURES_BEFORE_FALLBACK} failures in a row`, async () => {
    const path = join(dir, 'engine.db');
    const db = openDatabase(path);
    const failing = `
      const { parentPort } = require('node:worker_threads');
      setInterval(() => parentPort.postMessage({ error: 'database is locked' }), 5);
    `;
    const errors: string[] = [];
    const reason = await new Promise<string>((resolve) => startCheckpointer(db, path, { workerSource: failing, onError: (m) => errors.push(m), onFallback: resolve }));
    expect(reason).toMatch(/3 checkpoints failed in a row \(last: database is locked\)/);
    expect(errors.length).toBeGreaterThanOrEqual(FAILURES_BEFORE_FALLBACK);
    expect(autocheckpoint(db)).toBe(1000);
    db.close();
  });

  it('gives way to them when the worker dies', async () => {
    const path = join(dir, 'engine.db');
    const db = openDatabase(path);
    const dying = `throw new Error('cannot open the database')`;
    const reason = await new Promise<string>((resolve) => startCheckpointer(db, path, { workerSource: dying, onFallback: resolve }));
    expect(reason).toMatch(/cannot open the database/);
    expect(autocheckpoint(db)).toBe(1000);
    db.close();
  });
});

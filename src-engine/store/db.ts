/**
 * Opens the engine's SQLite file with the pragmas the journal relies on (WAL, synchronous=NORMAL,
 * foreign keys) and brings the schema up to date, after a backup; refuses a newer schema. One
 * writer: the engine process.
 */
import Database from 'better-sqlite3';
import { chmodSync, copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import { backupNow, restoreNewestGood, type BackupFile } from './backups';
import { MIGRATIONS } from './migrations';
import { withSqliteBinding } from './sqliteBinding';

export type Db = Database.Database;

export class DatabaseCorruptError extends Error {
  constructor(
    readonly path: string,
    /** The damaged file, kept byte for byte, with the -wal and -shm it had before it was opened. */
    readonly backupPath: string,
    cause: unknown,
    /** The backup the database was restored from, or undefined when it starts empty. */
    readonly restoredFrom?: BackupFile,
  ) {
    const what = restoredFrom
      ? `Mirrorfill restored the newest good backup, taken ${new Date(restoredFrom.takenAt).toISOString()} (${restoredFrom.path}): anything saved after it must be checked.`
      : 'No good backup was found: Mirrorfill will start with an empty one.';
    super(`The database ${path} is damaged and cannot be opened (${cause instanceof Error ? cause.message : String(cause)}). It was moved to ${backupPath}. ${what}`);
    this.name = 'DatabaseCorruptError';
  }
}

/** A database written by a newer Mirrorfill: opening it would risk its data, so it is left alone. */
export class DatabaseTooNewError extends Error {
  constructor(
    readonly path: string,
    readonly found: number,
    readonly known: number,
  ) {
    super(`The database ${path} was written by a newer version of Mirrorfill (schema ${found}; this version knows up to ${known}). It was not opened and nothing in it was changed: install the newer version again, or move the file aside to start fresh.`);
    this.name = 'DatabaseTooNewError';
  }
}

export function openDatabase(path: string): Db {
  if (path !== ':memory:' && existsSync(path)) checkThroughReadOnlyHandle(path);
  const db = new Database(path, withSqliteBinding({}));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 2000');
    if (path !== ':memory:') restrictFiles(path);
    migrate(db, path);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/**
 * The integrity check runs through a read-only handle, before anything may write: closing a
 * read-write handle on a damaged file checkpoints its WAL into it, so the file kept for salvage
 * was no longer the one found (seen under load, when the WAL had grown large before the crash).
 */
function checkThroughReadOnlyHandle(path: string): void {
  const probe = new Database(path, withSqliteBinding({ readonly: true, fileMustExist: true }));
  try {
    const check: unknown = probe.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`integrity check: ${String(check)}`);
  } finally {
    probe.close();
  }
}

/** The database and its WAL hold the trader's accounts and journal: readable by the owner only. */
function restrictFiles(path: string): void {
  for (const f of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
}

/**
 * Opens the database. A damaged file is kept, with the -wal and -shm it had before anything opened
 * it (closing a handle on a damaged file removes its WAL, and with it every commit not yet copied
 * back), and the newest good backup takes its place — or a fresh database when there is none —
 * with a clear error the host shows to the user.
 */
export function openDatabaseOrRecover(path: string): { db: Db; recovered?: DatabaseCorruptError } {
  const kept = path === ':memory:' ? [] : keepSidecars(path);
  try {
    const db = openDatabase(path);
    dropKept(kept);
    return { db };
  } catch (err) {
    if (path === ':memory:' || !existsSync(path) || !isCorruption(err)) {
      dropKept(kept);
      throw err;
    }
    const backup = `${path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(path, backup);
    for (const suffix of ['-wal', '-shm'] as const) {
      const before = kept.find((k) => k.suffix === suffix);
      if (before) renameSync(before.copy, backup + suffix);
      rmSync(path + suffix, { force: true });
    }
    const restored = restoreNewestGood(path);
    return { db: openDatabase(path), recovered: new DatabaseCorruptError(path, backup, err, restored) };
  }
}

interface KeptSidecar {
  readonly suffix: '-wal' | '-shm';
  readonly copy: string;
}

/** Copies of the -wal and -shm as they are before the first open of this run. */
function keepSidecars(path: string): KeptSidecar[] {
  const kept: KeptSidecar[] = [];
  for (const suffix of ['-wal', '-shm'] as const) {
    if (!existsSync(path + suffix)) continue;
    const copy = `${path}.preopen${suffix}`;
    copyFileSync(path + suffix, copy);
    kept.push({ suffix, copy });
  }
  return kept;
}

function dropKept(kept: readonly KeptSidecar[]): void {
  for (const k of kept) rmSync(k.copy, { force: true });
}

function isCorruption(err: unknown): boolean {
  const text = err instanceof Error ? `${(err as { code?: string }).code ?? ''} ${err.message}` : '';
  return /SQLITE_CORRUPT|SQLITE_NOTADB|malformed|not a database|integrity check/i.test(text);
}

const KNOWN_VERSION = Math.max(...MIGRATIONS.map((m) => m.version));

function migrate(db: Db, path: string): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const applied = new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
  const newest = Math.max(0, ...applied);
  if (newest > KNOWN_VERSION) throw new DatabaseTooNewError(path, newest, KNOWN_VERSION);
  const pending = MIGRATIONS.filter((m) => !applied.has(m.version));
  // A database with data gets a backup before its schema changes; a new one has nothing to lose.
  if (pending.length > 0 && applied.size > 0 && path !== ':memory:') backupNow(db, path, 'migration');
  for (const m of pending) {
    db.transaction(() => {
      m.up(db);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
    })();
  }
}

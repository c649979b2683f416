/**
 * Opens the engine's SQLite file with the pragmas the journal relies on (WAL, synchronous=NORMAL,
 * foreign keys) and brings the schema up to date. One writer: the engine process.
 */
import Database from 'better-sqlite3';
import { existsSync, copyFileSync, renameSync } from 'node:fs';
import { MIGRATIONS } from './migrations';

export type Db = Database.Database;

export class DatabaseCorruptError extends Error {
  constructor(
    readonly path: string,
    readonly backupPath: string,
    cause: unknown,
  ) {
    super(`The database ${path} is damaged and cannot be opened (${cause instanceof Error ? cause.message : String(cause)}). It was moved to ${backupPath}; Mirrorfill will start with an empty one.`);
    this.name = 'DatabaseCorruptError';
  }
}

export function openDatabase(path: string): Db {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 2000');
    if (path !== ':memory:') {
      const check: unknown = db.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new Error(`integrity check: ${String(check)}`);
    }
    migrate(db);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/**
 * Opens the database; a damaged file is detected, kept as a backup beside it, and replaced by a
 * fresh one, with a clear error the host shows to the user.
 */
export function openDatabaseOrRecover(path: string): { db: Db; recovered?: DatabaseCorruptError } {
  try {
    return { db: openDatabase(path) };
  } catch (err) {
    if (path === ':memory:' || !existsSync(path) || !isCorruption(err)) throw err;
    const backup = `${path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(path, backup);
    for (const suffix of ['-wal', '-shm']) if (existsSync(path + suffix)) copyFileSync(path + suffix, backup + suffix);
    return { db: openDatabase(path), recovered: new DatabaseCorruptError(path, backup, err) };
  }
}

function isCorruption(err: unknown): boolean {
  const text = err instanceof Error ? `${(err as { code?: string }).code ?? ''} ${err.message}` : '';
  return /SQLITE_CORRUPT|SQLITE_NOTADB|malformed|not a database|integrity check/i.test(text);
}

function migrate(db: Db): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const applied = new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
  for (const m of MIGRATIONS) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      m.up(db);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
    })();
  }
}

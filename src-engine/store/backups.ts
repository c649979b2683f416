/**
 * Backups of the engine's SQLite file, in `backups/` beside it: taken online on a schedule and
 * before every migration, checked before one is restored. Retention: the newest KEEP_BACKUPS files
 * (an hourly schedule keeps about half a day of history, and a migration's own backup is among
 * them until a dozen more were taken).
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type { Db } from './db';
import { withSqliteBinding } from './sqliteBinding';

export const KEEP_BACKUPS = 12;
export const BACKUP_INTERVAL_MS = 60 * 60 * 1000;

export type BackupReason = 'scheduled' | 'migration' | 'shutdown';

export interface BackupFile {
  readonly path: string;
  readonly takenAt: number;
  readonly reason: string;
}

export function backupDir(dbPath: string): string {
  return join(dirname(dbPath), 'backups');
}

function prepareDir(dbPath: string): string {
  const dir = backupDir(dbPath);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** `engine.db` → `engine-20261207T174600123Z-scheduled.db`: sortable by name, newest last. */
function backupName(dbPath: string, reason: BackupReason, now: number): string {
  const base = basename(dbPath).replace(/\.[^.]*$/, '');
  const stamp = new Date(now).toISOString().replace(/[-:.]/g, '');
  return `${base}-${stamp}-${reason}.db`;
}

const NAME = /^(.+)-(\d{8}T\d{9}Z)-([a-z]+)\.db$/;

function parseStamp(stamp: string): number {
  const iso = `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(9, 11)}:${stamp.slice(11, 13)}:${stamp.slice(13, 15)}.${stamp.slice(15, 18)}Z`;
  return Date.parse(iso);
}

/** This database's backups, newest first. */
export function listBackups(dbPath: string): BackupFile[] {
  const dir = backupDir(dbPath);
  if (!existsSync(dir)) return [];
  const base = basename(dbPath).replace(/\.[^.]*$/, '');
  const out: BackupFile[] = [];
  for (const name of readdirSync(dir)) {
    const m = NAME.exec(name);
    if (!m || m[1] !== base || m[2] === undefined || m[3] === undefined) continue;
    out.push({ path: join(dir, name), takenAt: parseStamp(m[2]), reason: m[3] });
  }
  return out.sort((a, b) => b.takenAt - a.takenAt || b.path.localeCompare(a.path));
}

function prune(dbPath: string): void {
  for (const old of listBackups(dbPath).slice(KEEP_BACKUPS)) rmSync(old.path, { force: true });
}

/**
 * A consistent copy taken synchronously (VACUUM INTO): used before a migration, where the schema
 * must not change until the copy exists.
 */
export function backupNow(db: Db, dbPath: string, reason: BackupReason, now = Date.now()): BackupFile {
  const path = join(prepareDir(dbPath), backupName(dbPath, reason, now));
  db.prepare('VACUUM INTO ?').run(path);
  chmodSync(path, 0o600);
  prune(dbPath);
  return { path, takenAt: now, reason };
}

/**
 * An online copy taken a few pages at a time between the engine's own work (better-sqlite3's
 * backup API), so a scheduled backup never holds up a leader fill for the whole copy.
 */
export async function backupOnline(db: Db, dbPath: string, reason: BackupReason, now = Date.now()): Promise<BackupFile> {
  const path = join(prepareDir(dbPath), backupName(dbPath, reason, now));
  await db.backup(path, { progress: () => 64 });
  chmodSync(path, 0o600);
  prune(dbPath);
  return { path, takenAt: now, reason };
}

/** Whether a backup file opens and passes SQLite's integrity check. */
export function isGoodBackup(path: string): boolean {
  if (!existsSync(path) || statSync(path).size === 0) return false;
  try {
    const db = new Database(path, withSqliteBinding({ readonly: true, fileMustExist: true }));
    try {
      return db.pragma('quick_check', { simple: true }) === 'ok';
    } finally {
      db.close();
    }
  } catch {
    return false;
  }
}

/** The newest backup that passes the integrity check, copied over `dbPath` (which must not exist). */
export function restoreNewestGood(dbPath: string): BackupFile | undefined {
  for (const b of listBackups(dbPath)) {
    if (!isGoodBackup(b.path)) continue;
    copyFileSync(b.path, dbPath);
    chmodSync(dbPath, 0o600);
    return b;
  }
  return undefined;
}

export interface BackupSchedule {
  /** No backup starts after this; resolves once one under way has finished (before the file closes). */
  stop(): Promise<void>;
}

/** Online backups every `intervalMs`; a failure is reported and the next one tried on time. */
export function startBackupSchedule(db: Db, dbPath: string, opts: { intervalMs?: number; onError?: (message: string) => void; onDone?: (b: BackupFile) => void } = {}): BackupSchedule | undefined {
  if (dbPath === ':memory:') return undefined;
  let stopped = false;
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (stopped || running) return;
    running = backupOnline(db, dbPath, 'scheduled')
      .then((b) => opts.onDone?.(b))
      .catch((err: unknown) => opts.onError?.(err instanceof Error ? err.message : String(err)))
      .finally(() => (running = undefined));
  }, opts.intervalMs ?? BACKUP_INTERVAL_MS);
  timer.unref();
  return {
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

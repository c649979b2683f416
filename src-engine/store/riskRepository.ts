/**
 * The risk engine's store on SQLite (tables `locks` and `risk_state`, migration 0001). Prepared
 * statements, one short synchronous transaction per write (architecture practice 10).
 *
 * Reading back is defensive in one direction only: a lock row whose evidence JSON is damaged is
 * still returned, open, with placeholder evidence, because dropping it would silently unlock the
 * account. A damaged state row reads as absent (the engine then starts the account afresh from the
 * broker's snapshot) and is logged.
 */
import type { Statement } from 'better-sqlite3';
import type { Logger } from '../domain/log';
import { money } from '../domain/money';
import type { LockEvidence, LockRecord } from '../risk/locks';
import type { LockRule } from '../risk/rules';
import {
  compareByRecent,
  LockEvidenceSchema,
  LockRuleSchema,
  parseDayLog,
  parseState,
  type LockFilter,
  type PersistedDayLog,
  type PersistedRiskState,
  type RiskStore,
} from '../risk/riskStore';
import type { Db } from './db';

interface LockRow {
  id: string;
  account_id: string;
  kind: string;
  rule: string;
  started_at: number;
  trading_day: string;
  evidence: string;
  ended_at: number | null;
  end_reason: string | null;
  acknowledgement: string | null;
}

const LOCK_COLUMNS = 'id, account_id, kind, rule, started_at, trading_day, evidence, ended_at, end_reason, acknowledgement';

export class SqliteRiskStore implements RiskStore {
  private readonly loadStateStmt: Statement<[string]>;
  private readonly saveStateStmt: Statement<[{ account_id: string; trading_day: string; state: string; updated_at: number }]>;
  private readonly loadDayLogStmt: Statement<[string]>;
  private readonly saveDayLogStmt: Statement<[{ account_id: string; trading_day: string; day_log: string; updated_at: number }]>;
  private readonly openLocksStmt: Statement<[]>;
  private readonly saveLockStmt: Statement<[Record<string, string | number | null>]>;
  private readonly lockStmt: Statement<[string]>;

  constructor(
    private readonly db: Db,
    private readonly log?: Logger,
  ) {
    this.loadStateStmt = db.prepare('SELECT state FROM risk_state WHERE account_id = ?');
    // The state row is written often (every high-water mark rise); it never touches day_log.
    this.saveStateStmt = db.prepare(
      `INSERT INTO risk_state (account_id, trading_day, state, updated_at) VALUES (@account_id, @trading_day, @state, @updated_at)
       ON CONFLICT (account_id) DO UPDATE SET trading_day = excluded.trading_day, state = excluded.state, updated_at = excluded.updated_at`,
    );
    this.loadDayLogStmt = db.prepare('SELECT day_log FROM risk_state WHERE account_id = ?');
    // A day log is only meaningful with its state row; without one there is nothing to attach it to.
    this.saveDayLogStmt = db.prepare('UPDATE risk_state SET day_log = @day_log, updated_at = @updated_at WHERE account_id = @account_id AND trading_day = @trading_day');
    this.openLocksStmt = db.prepare(`SELECT ${LOCK_COLUMNS} FROM locks WHERE ended_at IS NULL ORDER BY started_at`);
    this.saveLockStmt = db.prepare(
      `INSERT INTO locks (${LOCK_COLUMNS}) VALUES (@id, @account_id, @kind, @rule, @started_at, @trading_day, @evidence, @ended_at, @end_reason, @acknowledgement)
       ON CONFLICT (id) DO UPDATE SET ended_at = excluded.ended_at, end_reason = excluded.end_reason, acknowledgement = excluded.acknowledgement`,
    );
    this.lockStmt = db.prepare(`SELECT ${LOCK_COLUMNS} FROM locks WHERE id = ?`);
  }

  loadAccountState(accountId: string): PersistedRiskState | undefined {
    const row = this.loadStateStmt.get(accountId) as { state: string } | undefined;
    if (!row) return undefined;
    const state = parseState(safeJson(row.state));
    if (!state) this.log?.error('risk state row unreadable; the account starts afresh from its next snapshot', { accountId });
    return state;
  }

  saveAccountState(accountId: string, state: PersistedRiskState): void {
    this.saveStateStmt.run({ account_id: accountId, trading_day: state.tradingDay, state: JSON.stringify(state), updated_at: state.updatedAt });
  }

  loadDayLog(accountId: string): PersistedDayLog | undefined {
    const row = this.loadDayLogStmt.get(accountId) as { day_log: string | null } | undefined;
    if (!row?.day_log) return undefined;
    return parseDayLog(safeJson(row.day_log));
  }

  saveDayLog(accountId: string, log: PersistedDayLog): void {
    this.saveDayLogStmt.run({ account_id: accountId, trading_day: log.tradingDay, day_log: JSON.stringify(log), updated_at: Date.now() });
  }

  openLocks(): LockRecord[] {
    return (this.openLocksStmt.all() as LockRow[]).map((r) => this.toRecord(r));
  }

  saveLock(lock: LockRecord): void {
    this.saveLockStmt.run({
      id: lock.id,
      account_id: lock.accountId,
      kind: lock.kind,
      rule: lock.rule,
      started_at: lock.startedAt,
      trading_day: lock.tradingDay,
      evidence: JSON.stringify(lock.evidence),
      ended_at: lock.endedAt ?? null,
      end_reason: lock.endReason ?? null,
      acknowledgement: lock.acknowledgement ?? null,
    });
  }

  lock(id: string): LockRecord | undefined {
    const row = this.lockStmt.get(id) as LockRow | undefined;
    return row ? this.toRecord(row) : undefined;
  }

  locks(filter: LockFilter = {}): LockRecord[] {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (filter.accountId !== undefined) {
      where.push('account_id = ?');
      params.push(filter.accountId);
    }
    if (filter.open !== undefined) where.push(filter.open ? 'ended_at IS NULL' : 'ended_at IS NOT NULL');
    params.push(Math.max(1, Math.min(filter.limit ?? 200, 10_000)));
    const sql = `SELECT ${LOCK_COLUMNS} FROM locks ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY started_at DESC, id LIMIT ?`;
    return (this.db.prepare(sql).all(...params) as LockRow[]).map((r) => this.toRecord(r)).sort(compareByRecent);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  private toRecord(r: LockRow): LockRecord {
    const rule: LockRule = LockRuleSchema.safeParse(r.rule).data ?? 'dailyLoss';
    const parsed = LockEvidenceSchema.safeParse(safeJson(r.evidence));
    let evidence: LockEvidence;
    if (parsed.success) {
      evidence = { ...parsed.data, fills: parsed.data.fills.map((f) => ({ ...f, realized: f.realized })) };
    } else {
      this.log?.error('lock evidence unreadable; the lock is kept', { lockId: r.id });
      evidence = { rule, threshold: money(0), value: money(0), values: {}, summary: 'evidence unreadable', time: r.started_at, fills: [], fillsOmitted: 0, pnlPath: [] };
    }
    return {
      id: r.id,
      accountId: r.account_id,
      // Anything but an explicit soft lock is treated as a breach: never weaker than it was.
      kind: r.kind === 'soft' ? 'soft' : 'breach',
      rule,
      startedAt: r.started_at,
      tradingDay: r.trading_day,
      evidence,
      ...(r.ended_at !== null ? { endedAt: r.ended_at, endReason: r.end_reason === 'dayRoll' ? 'dayRoll' : 'unlocked' } : {}),
      ...(r.acknowledgement !== null ? { acknowledgement: r.acknowledgement } : {}),
    };
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

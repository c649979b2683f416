/**
 * The intent journal (copy-semantics §8, architecture practice 5): a leader event, the lifecycle it
 * moved, the follower orders it decided and the reasons for every skip are written in ONE short
 * SQLite transaction before any order is sent. Statements are prepared once; nothing is awaited
 * inside a transaction.
 */
import type { Statement } from 'better-sqlite3';
import type { ContractCode } from '../domain/contractCode';
import type { Db } from './db';
import type { Lifecycle } from '../copy/lifecycle';
import type { DecisionRow, LeaderDecision } from '../orders/decisionRecord';
import type { Intent, IntentPurpose, Priority } from '../orders/intent';
import type { IntentStatus } from '../orders/orderState';
import type { OrderType, Side } from '../orders/broker';

/** One appended decision: what it will materialise into. */
interface JournalRow {
  readonly id: number;
  readonly intents: readonly Intent[];
  readonly decisions: readonly DecisionRow[];
}

interface IntentRow {
  tag: string;
  account_id: string;
  group_id: string | null;
  purpose: string;
  cause: string;
  contract: string;
  side: string;
  qty: number;
  type: string;
  price: number | null;
  bracket: string | null;
  leader_order_id: string | null;
  priority: number;
  status: string;
  broker_order_id: string | null;
  filled_qty: number;
  reason: string | null;
  created_at: number;
  updated_at: number;
}

export class Journal {
  private readonly insertEvent: Statement;
  private readonly hasEvent: Statement;
  private readonly upsertLifecycle: Statement;
  private readonly deleteLifecycle: Statement;
  private readonly updateIntentStmt: Statement;
  private readonly insertDecision: Statement;
  private readonly appendJournal: Statement;
  private readonly deleteJournal: Statement;
  private readonly insertIntentIgnore: Statement;
  private readonly commitLeaderTx: (d: LeaderDecision) => boolean;
  private readonly commitIntentsTx: (intents: readonly Intent[], decisions: readonly DecisionRow[]) => void;
  private readonly flushTx: (rows: readonly JournalRow[], intents: Iterable<Intent>) => void;
  /** Status changes written together at the end of the event-loop turn (see updateIntent). */
  private readonly dirty = new Set<Intent>();
  /** Journal rows whose intents and decisions are not yet in their tables. */
  private readonly unmaterialised: JournalRow[] = [];
  private flushScheduled = false;

  constructor(private readonly db: Db) {
    this.insertEvent = db.prepare('INSERT OR IGNORE INTO leader_events (account_id, event_key, processed_at) VALUES (?, ?, ?)');
    this.hasEvent = db.prepare('SELECT 1 FROM leader_events WHERE account_id = ? AND event_key = ?').pluck();
    this.upsertLifecycle = db.prepare(
      'INSERT INTO lifecycles (leader_account, contract, state, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (leader_account, contract) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at',
    );
    this.deleteLifecycle = db.prepare('DELETE FROM lifecycles WHERE leader_account = ? AND contract = ?');
    this.updateIntentStmt = db.prepare('UPDATE intents SET status = ?, broker_order_id = ?, filled_qty = ?, reason = ?, updated_at = ? WHERE tag = ?');
    this.insertDecision = db.prepare(
      'INSERT INTO decisions (time, group_id, account_id, cause, contract, kind, reason, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );

    this.appendJournal = db.prepare('INSERT INTO journal (time, payload) VALUES (?, ?)');
    this.deleteJournal = db.prepare('DELETE FROM journal WHERE id = ?');
    this.insertIntentIgnore = db.prepare(
      `INSERT OR IGNORE INTO intents (tag, account_id, group_id, purpose, cause, contract, side, qty, type, price, bracket, leader_order_id, priority, status, broker_order_id, filled_qty, reason, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );

    // One append, the dedupe key and the lifecycle: the least a decision can durably be.
    this.commitLeaderTx = db.transaction((d: LeaderDecision): boolean => {
      const now = Date.now();
      if (this.insertEvent.run(d.leaderAccount, d.eventKey, now).changes === 0) return false;
      if (d.lifecycle) this.writeLifecycle(d.leaderAccount, d.lifecycle.contract, d.lifecycle.state, now);
      if (d.intents.length > 0 || d.decisions.length > 0) this.append(d.intents, d.decisions, now);
      return true;
    });
    this.commitIntentsTx = db.transaction((intents: readonly Intent[], decisions: readonly DecisionRow[]) => {
      this.append(intents, decisions, Date.now());
    });
    this.flushTx = db.transaction((rows: readonly JournalRow[], intents: Iterable<Intent>) => {
      // Rows are inserted with their intents' current state: those need no update after.
      const inserted = new Set<Intent>();
      for (const r of rows) {
        for (const i of r.intents) {
          this.insertIntentIgnore.run(...intentParams(i));
          inserted.add(i);
        }
        for (const d of r.decisions) this.writeDecision(d);
        this.deleteJournal.run(r.id);
      }
      for (const i of intents) if (!inserted.has(i)) this.updateIntentStmt.run(i.status, i.brokerOrderId ?? null, i.filledQty, i.reason ?? null, i.updatedAt, i.tag);
    });
    this.recover();
  }

  private append(intents: readonly Intent[], decisions: readonly DecisionRow[], now: number): void {
    const id = Number(this.appendJournal.run(now, JSON.stringify({ intents, decisions })).lastInsertRowid);
    this.unmaterialised.push({ id, intents, decisions });
    this.scheduleFlush();
  }

  /** After a crash: journal rows written but never materialised go into their tables first. */
  private recover(): void {
    const rows = this.db.prepare('SELECT id, payload FROM journal ORDER BY id').all() as { id: number; payload: string }[];
    if (rows.length === 0) return;
    const parsed = rows.map((r) => {
      const p = JSON.parse(r.payload) as { intents: Intent[]; decisions: DecisionRow[] };
      return { id: r.id, intents: p.intents, decisions: p.decisions };
    });
    this.flushTx(parsed, []);
  }

  /** Journals a leader event with everything it decided. False: already processed (duplicate), nothing written. */
  commitLeaderDecision(d: LeaderDecision): boolean {
    return this.commitLeaderTx(d);
  }

  leaderEventSeen(accountId: string, eventKey: string): boolean {
    return this.hasEvent.get(accountId, eventKey) !== undefined;
  }

  /** Intents and decisions of a control (flatten, sync...), in one transaction. */
  commitIntents(intents: readonly Intent[], decisions: readonly DecisionRow[] = []): void {
    this.commitIntentsTx(intents, decisions);
  }

  recordDecisions(decisions: readonly DecisionRow[]): void {
    this.commitIntentsTx([], decisions);
  }

  saveLifecycle(leaderAccount: string, contract: ContractCode, state: Lifecycle | undefined): void {
    this.writeLifecycle(leaderAccount, contract, state, Date.now());
  }

  /**
   * Records an intent's new status. Twenty followers' acknowledgements and fills arrive within a
   * millisecond: they are written in one transaction at the end of the turn, not twenty. Losing
   * them in a crash is safe: the restart resolves every open intent at the broker by its tag.
   */
  updateIntent(i: Intent): void {
    this.dirty.add(i);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  /** Materialises journal rows and writes pending status changes now (also before a graceful stop). */
  flush(): void {
    this.flushScheduled = false;
    if ((this.dirty.size === 0 && this.unmaterialised.length === 0) || !this.db.open) return;
    const rows = this.unmaterialised.splice(0);
    const batch = [...this.dirty];
    this.dirty.clear();
    this.flushTx(rows, batch);
  }

  /** Hard kill: nothing more is written, as a crash would (the journal rows replay at the next open). */
  discardPending(): void {
    this.dirty.clear();
    this.unmaterialised.length = 0;
  }

  /** The intent behind a follower's broker order, final ones included (rebuilding links after a restart). */
  intentForBrokerOrder(accountId: string, brokerOrderId: string): Intent | undefined {
    this.flush();
    const row = this.db.prepare('SELECT * FROM intents WHERE account_id = ? AND broker_order_id = ?').get(accountId, brokerOrderId) as IntentRow | undefined;
    return row ? fromRow(row) : undefined;
  }

  /**
   * This follower's copies of that leader order that carried a native bracket (its legs then live
   * at the broker with the copy), whatever became of them since, short of never reaching the broker.
   */
  bracketCopies(accountId: string, leaderOrderId: string): Intent[] {
    this.flush();
    const rows = this.db
      .prepare("SELECT * FROM intents WHERE account_id = ? AND leader_order_id = ? AND bracket IS NOT NULL AND status NOT IN ('rejected','abandoned')")
      .all(accountId, leaderOrderId) as IntentRow[];
    return rows.map(fromRow);
  }

  /** One intent by its tag, final ones included (a bracket entry's legs after the entry filled). */
  intentByTag(tag: string): Intent | undefined {
    this.flush();
    const row = this.db.prepare('SELECT * FROM intents WHERE tag = ?').get(tag) as IntentRow | undefined;
    return row ? fromRow(row) : undefined;
  }

  openIntents(): Intent[] {
    const rows = this.db.prepare(`SELECT * FROM intents WHERE status NOT IN ('filled','cancelled','rejected','abandoned') ORDER BY created_at`).all() as IntentRow[];
    return rows.map(fromRow);
  }

  intentsSince(sinceMs: number, limit: number): Intent[] {
    const rows = this.db.prepare('SELECT * FROM intents WHERE created_at >= ? ORDER BY created_at DESC LIMIT ?').all(sinceMs, limit) as IntentRow[];
    return rows.map(fromRow);
  }

  decisionsSince(sinceMs: number, limit: number): (DecisionRow & { id: number })[] {
    const rows = this.db
      .prepare('SELECT id, time, group_id, account_id, cause, contract, kind, reason, detail FROM decisions WHERE time >= ? ORDER BY id DESC LIMIT ?')
      .all(sinceMs, limit) as { id: number; time: number; group_id: string | null; account_id: string; cause: string; contract: string | null; kind: string; reason: string | null; detail: string | null }[];
    return rows.map((r) => ({
      id: r.id,
      time: r.time,
      groupId: r.group_id ?? undefined,
      accountId: r.account_id,
      cause: r.cause,
      contract: (r.contract ?? undefined) as ContractCode | undefined,
      kind: r.kind,
      reason: r.reason ?? undefined,
      detail: r.detail ?? undefined,
    }));
  }

  lifecycles(): Lifecycle[] {
    const rows = this.db.prepare('SELECT state FROM lifecycles').pluck().all() as string[];
    return rows.map((s) => JSON.parse(s) as Lifecycle);
  }

  private writeLifecycle(leaderAccount: string, contract: ContractCode, state: Lifecycle | undefined, now: number): void {
    if (state) this.upsertLifecycle.run(leaderAccount, contract, JSON.stringify(state), now);
    else this.deleteLifecycle.run(leaderAccount, contract);
  }

  private writeDecision(r: DecisionRow): void {
    this.insertDecision.run(r.time, r.groupId ?? null, r.accountId, r.cause, r.contract ?? null, r.kind, r.reason ?? null, r.detail ?? null);
  }
}

/** Positional, in the INSERT's column order: binding named parameters costs more on the hot path. */
function intentParams(i: Intent): (string | number | null)[] {
  return [
    i.tag,
    i.accountId,
    i.groupId ?? null,
    i.purpose,
    i.cause,
    i.contract,
    i.side,
    i.qty,
    i.type,
    i.price ?? null,
    i.bracket ? JSON.stringify(i.bracket) : null,
    i.leaderOrderId ?? null,
    i.priority,
    i.status,
    i.brokerOrderId ?? null,
    i.filledQty,
    i.reason ?? null,
    i.createdAt,
    i.updatedAt,
  ];
}


function fromRow(r: IntentRow): Intent {
  return {
    tag: r.tag,
    accountId: r.account_id,
    groupId: r.group_id ?? undefined,
    purpose: r.purpose as IntentPurpose,
    cause: r.cause,
    contract: r.contract as ContractCode,
    side: r.side as Side,
    qty: r.qty,
    type: r.type as OrderType,
    price: r.price ?? undefined,
    bracket: r.bracket ? (JSON.parse(r.bracket) as Intent['bracket']) : undefined,
    leaderOrderId: r.leader_order_id ?? undefined,
    priority: r.priority as Priority,
    status: r.status as IntentStatus,
    brokerOrderId: r.broker_order_id ?? undefined,
    filledQty: r.filled_qty,
    reason: r.reason ?? undefined,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

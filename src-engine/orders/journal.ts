/**
 * The intent journal (copy-semantics §8, architecture practice 5): a leader event, the lifecycle it
 * moved, the follower orders it decided and the reasons for every skip are written in ONE short
 * SQLite transaction before any order is sent. Statements are prepared once; nothing is awaited
 * inside a transaction.
 */
import type { Statement } from 'better-sqlite3';
import type { ContractCode } from '../domain/contractCode';
import type { Db } from '../store/db';
import type { Lifecycle } from '../copy/lifecycle';
import type { Intent, IntentPurpose, Priority } from './intent';
import type { IntentStatus } from './orderState';
import type { OrderType, Side } from './broker';

export interface DecisionRow {
  readonly time: number;
  readonly groupId: string | undefined;
  readonly accountId: string;
  readonly cause: string;
  readonly contract: ContractCode | undefined;
  readonly kind: string;
  readonly reason: string | undefined;
  readonly detail: string | undefined;
}

export interface LeaderDecision {
  readonly leaderAccount: string;
  /** Deduplication key of the leader event (e.g. `fill:<fillId>`). */
  readonly eventKey: string;
  readonly lifecycle: { readonly contract: ContractCode; readonly state: Lifecycle | undefined } | undefined;
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
  private readonly insertIntent: Statement;
  private readonly updateIntentStmt: Statement;
  private readonly insertDecision: Statement;
  private readonly commitLeaderTx: (d: LeaderDecision) => boolean;
  private readonly commitIntentsTx: (intents: readonly Intent[], decisions: readonly DecisionRow[]) => void;

  constructor(private readonly db: Db) {
    this.insertEvent = db.prepare('INSERT OR IGNORE INTO leader_events (account_id, event_key, processed_at) VALUES (?, ?, ?)');
    this.hasEvent = db.prepare('SELECT 1 FROM leader_events WHERE account_id = ? AND event_key = ?').pluck();
    this.upsertLifecycle = db.prepare(
      'INSERT INTO lifecycles (leader_account, contract, state, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (leader_account, contract) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at',
    );
    this.deleteLifecycle = db.prepare('DELETE FROM lifecycles WHERE leader_account = ? AND contract = ?');
    this.insertIntent = db.prepare(
      `INSERT INTO intents (tag, account_id, group_id, purpose, cause, contract, side, qty, type, price, bracket, leader_order_id, priority, status, broker_order_id, filled_qty, reason, created_at, updated_at)
       VALUES (@tag, @account_id, @group_id, @purpose, @cause, @contract, @side, @qty, @type, @price, @bracket, @leader_order_id, @priority, @status, @broker_order_id, @filled_qty, @reason, @created_at, @updated_at)`,
    );
    this.updateIntentStmt = db.prepare('UPDATE intents SET status = ?, broker_order_id = ?, filled_qty = ?, reason = ?, updated_at = ? WHERE tag = ?');
    this.insertDecision = db.prepare(
      'INSERT INTO decisions (time, group_id, account_id, cause, contract, kind, reason, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );

    this.commitLeaderTx = db.transaction((d: LeaderDecision): boolean => {
      const now = Date.now();
      if (this.insertEvent.run(d.leaderAccount, d.eventKey, now).changes === 0) return false;
      if (d.lifecycle) this.writeLifecycle(d.leaderAccount, d.lifecycle.contract, d.lifecycle.state, now);
      for (const i of d.intents) this.insertIntent.run(toRow(i));
      for (const r of d.decisions) this.writeDecision(r);
      return true;
    });
    this.commitIntentsTx = db.transaction((intents: readonly Intent[], decisions: readonly DecisionRow[]) => {
      for (const i of intents) this.insertIntent.run(toRow(i));
      for (const r of decisions) this.writeDecision(r);
    });
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

  updateIntent(i: Intent): void {
    this.updateIntentStmt.run(i.status, i.brokerOrderId ?? null, i.filledQty, i.reason ?? null, i.updatedAt, i.tag);
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

function toRow(i: Intent): IntentRow {
  return {
    tag: i.tag,
    account_id: i.accountId,
    group_id: i.groupId ?? null,
    purpose: i.purpose,
    cause: i.cause,
    contract: i.contract,
    side: i.side,
    qty: i.qty,
    type: i.type,
    price: i.price ?? null,
    bracket: i.bracket ? JSON.stringify(i.bracket) : null,
    leader_order_id: i.leaderOrderId ?? null,
    priority: i.priority,
    status: i.status,
    broker_order_id: i.brokerOrderId ?? null,
    filled_qty: i.filledQty,
    reason: i.reason ?? null,
    created_at: i.createdAt,
    updated_at: i.updatedAt,
  };
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

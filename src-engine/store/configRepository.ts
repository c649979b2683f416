/**
 * Connections, accounts, groups and small settings in SQLite. A group is stored as the GroupInput
 * the user saved (validated before it gets here); ratios stay decimal text.
 */
import type { Statement } from 'better-sqlite3';
import { GroupInput, RiskRulesInput } from '../api/config';
import type { AccountId, Group, GroupId, SwitchOffReason } from '../domain/group';
import { toGroupInput } from '../domain/groupEdit';
import type { BrokerKind } from '../orders/broker';
import type { Db } from './db';

export interface ConnectionRow {
  readonly id: string;
  readonly broker: BrokerKind;
  readonly name: string;
  /** Broker-specific, secret-free settings (URLs, user name...). */
  readonly settings: Readonly<Record<string, unknown>>;
}

export interface AccountRow {
  readonly id: AccountId;
  readonly connectionId: string;
  readonly brokerAccountId: string;
  readonly name: string;
  readonly risk: RiskRulesInput;
}

export interface StoredGroup {
  readonly id: GroupId;
  readonly input: GroupInput;
  readonly switchedOff: SwitchOffReason | undefined;
}

export class ConfigRepository {
  private readonly upsertGroupStmt: Statement;

  constructor(private readonly db: Db) {
    this.upsertGroupStmt = db.prepare(
      `INSERT INTO groups (id, name, config, switched_off, created_at, updated_at) VALUES (@id, @name, @config, @switched_off, @now, @now)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, config = excluded.config, switched_off = excluded.switched_off, updated_at = excluded.updated_at`,
    );
  }

  connections(): ConnectionRow[] {
    const rows = this.db.prepare('SELECT id, broker, name, settings FROM connections ORDER BY created_at').all() as { id: string; broker: BrokerKind; name: string; settings: string }[];
    return rows.map((r) => ({ id: r.id, broker: r.broker, name: r.name, settings: JSON.parse(r.settings) as Record<string, unknown> }));
  }

  saveConnection(c: ConnectionRow): void {
    this.db
      .prepare(
        `INSERT INTO connections (id, broker, name, settings, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, settings = excluded.settings`,
      )
      .run(c.id, c.broker, c.name, JSON.stringify(c.settings), Date.now());
  }

  deleteConnection(id: string): void {
    this.db.prepare('DELETE FROM connections WHERE id = ?').run(id);
  }

  accounts(): AccountRow[] {
    const rows = this.db.prepare('SELECT id, connection_id, broker_account_id, name, risk FROM accounts ORDER BY rowid').all() as {
      id: string;
      connection_id: string;
      broker_account_id: string;
      name: string;
      risk: string;
    }[];
    return rows.map((r) => ({
      id: r.id,
      connectionId: r.connection_id,
      brokerAccountId: r.broker_account_id,
      name: r.name,
      risk: RiskRulesInput.parse(JSON.parse(r.risk)),
    }));
  }

  saveAccount(a: AccountRow): void {
    this.db
      .prepare(
        `INSERT INTO accounts (id, connection_id, broker_account_id, name, risk) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, risk = excluded.risk`,
      )
      .run(a.id, a.connectionId, a.brokerAccountId, a.name, JSON.stringify(a.risk));
  }

  groups(): StoredGroup[] {
    const rows = this.db.prepare('SELECT id, config, switched_off FROM groups ORDER BY created_at, rowid').all() as { id: string; config: string; switched_off: string | null }[];
    return rows.map((r) => ({
      id: r.id,
      input: GroupInput.parse(JSON.parse(r.config)),
      switchedOff: (r.switched_off ?? undefined) as SwitchOffReason | undefined,
    }));
  }

  saveGroup(g: Group): void {
    this.upsertGroupStmt.run({ id: g.id, name: g.name, config: JSON.stringify(toGroupInput(g)), switched_off: g.switchedOff ?? null, now: Date.now() });
  }

  /** Several groups at once (pause all, emergency stop): all or nothing. */
  saveGroups(groups: readonly Group[]): void {
    this.db.transaction(() => {
      for (const g of groups) this.saveGroup(g);
    })();
  }

  deleteGroup(id: GroupId): void {
    this.db.prepare('DELETE FROM groups WHERE id = ?').run(id);
  }

  watermark(accountId: AccountId): number | undefined {
    const v = this.db.prepare('SELECT watermark FROM leader_watermarks WHERE account_id = ?').pluck().get(accountId) as number | undefined;
    return v;
  }

  setWatermark(accountId: AccountId, ms: number): void {
    this.db
      .prepare('INSERT INTO leader_watermarks (account_id, watermark) VALUES (?, ?) ON CONFLICT (account_id) DO UPDATE SET watermark = excluded.watermark')
      .run(accountId, ms);
  }

  setting(key: string): unknown {
    const v = this.db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(key) as string | undefined;
    return v === undefined ? undefined : (JSON.parse(v) as unknown);
  }

  setSetting(key: string, value: unknown): void {
    this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, JSON.stringify(value));
  }
}

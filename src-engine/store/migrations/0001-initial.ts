import type { Migration } from './index';

export const m0001Initial: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );

      -- One broker login. Secrets are in the OS keychain, never here.
      CREATE TABLE connections (
        id TEXT PRIMARY KEY,
        broker TEXT NOT NULL CHECK (broker IN ('paper','tradovate','projectx')),
        name TEXT NOT NULL,
        settings TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );

      CREATE TABLE accounts (
        id TEXT PRIMARY KEY,
        connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
        broker_account_id TEXT NOT NULL,
        name TEXT NOT NULL,
        risk TEXT NOT NULL DEFAULT '{}',
        UNIQUE (connection_id, broker_account_id)
      );

      CREATE TABLE groups (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        config TEXT NOT NULL,
        switched_off TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );

      -- The tracking state of each open leader position (copy-semantics §2), journaled with the
      -- decisions it drives so a restart resumes exactly where the engine stood.
      CREATE TABLE lifecycles (
        leader_account TEXT NOT NULL,
        contract TEXT NOT NULL,
        state TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (leader_account, contract)
      );

      -- Leader events already acted on: a duplicate delivery or a replay after reconnect is a no-op.
      CREATE TABLE leader_events (
        account_id TEXT NOT NULL,
        event_key TEXT NOT NULL,
        processed_at INTEGER NOT NULL,
        PRIMARY KEY (account_id, event_key)
      ) WITHOUT ROWID;

      -- Since when the engine has seen every leader fill of an account: a fill at the broker newer than
      -- this and not in leader_events was missed during a gap and is recovered (§8).
      CREATE TABLE leader_watermarks (
        account_id TEXT PRIMARY KEY,
        watermark INTEGER NOT NULL
      );

      -- Every follower order, written with its decision before it is sent (exactly once, §8).
      CREATE TABLE intents (
        tag TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        group_id TEXT,
        purpose TEXT NOT NULL,
        cause TEXT NOT NULL,
        contract TEXT NOT NULL,
        side TEXT NOT NULL CHECK (side IN ('buy','sell')),
        qty INTEGER NOT NULL CHECK (qty > 0),
        type TEXT NOT NULL,
        price REAL,
        bracket TEXT,
        leader_order_id TEXT,
        priority INTEGER NOT NULL,
        status TEXT NOT NULL,
        broker_order_id TEXT,
        filled_qty INTEGER NOT NULL DEFAULT 0,
        reason TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX intents_open ON intents (status) WHERE status NOT IN ('filled','cancelled','rejected','abandoned');
      CREATE INDEX intents_account ON intents (account_id, created_at);

      -- Why every follower is where it is: each decision, including every skip, with its reason.
      CREATE TABLE decisions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        time INTEGER NOT NULL,
        group_id TEXT,
        account_id TEXT NOT NULL,
        cause TEXT NOT NULL,
        contract TEXT,
        kind TEXT NOT NULL,
        reason TEXT,
        detail TEXT
      );
      CREATE INDEX decisions_time ON decisions (time);

      -- Risk locks (copy-semantics §7), open and ended: a breach lock stays open until the user
      -- unlocks it, across restarts. Evidence (threshold, values, the day's fills and PnL path) is
      -- JSON written once when the lock starts; only the end columns change afterwards.
      CREATE TABLE locks (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('breach','soft')),
        rule TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        trading_day TEXT NOT NULL,
        evidence TEXT NOT NULL,
        ended_at INTEGER,
        end_reason TEXT CHECK (end_reason IN ('unlocked','dayRoll')),
        -- What the user typed to unlock; when is ended_at.
        acknowledgement TEXT,
        CHECK ((ended_at IS NULL) = (end_reason IS NULL))
      );
      CREATE INDEX locks_open ON locks (account_id) WHERE ended_at IS NULL;
      CREATE INDEX locks_recent ON locks (started_at);
      CREATE INDEX locks_account ON locks (account_id, started_at);

      -- Per-account risk state that must survive a restart: high-water mark, net liq at the start
      -- of the trading day, start balance (small JSON, written on every high-water mark rise), and
      -- the day's fills and PnL path kept as lock evidence (larger JSON, written at most every few
      -- seconds and whenever a lock starts).
      CREATE TABLE risk_state (
        account_id TEXT PRIMARY KEY,
        trading_day TEXT NOT NULL,
        state TEXT NOT NULL,
        day_log TEXT,
        updated_at INTEGER NOT NULL
      );

      -- Follower flags that outlive a lifecycle: out of sync, with the numbers.
      CREATE TABLE follower_flags (
        account_id TEXT NOT NULL,
        root TEXT NOT NULL,
        flag TEXT NOT NULL,
        detail TEXT NOT NULL,
        since INTEGER NOT NULL,
        PRIMARY KEY (account_id, root, flag)
      );
    `);
  },
};

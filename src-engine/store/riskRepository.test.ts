import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LockRecord } from '../risk/locks';
import type { PersistedRiskState } from '../risk/riskStore';
import { ESH6, usd } from '../risk/testSupport';
import { openDatabase, type Db } from './db';
import { SqliteRiskStore } from './riskRepository';

const open: Db[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function fresh(): { db: Db; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorfill-riskrepo-'));
  dirs.push(dir);
  const path = join(dir, 'engine.db');
  const db = openDatabase(path);
  open.push(db);
  return { db, path };
}

const lock = (over: Partial<LockRecord> = {}): LockRecord => ({
  id: 'L1',
  accountId: 'f1',
  kind: 'breach',
  rule: 'dailyLoss',
  startedAt: 1000,
  tradingDay: '2026-03-02',
  evidence: {
    rule: 'dailyLoss',
    threshold: usd(-500),
    value: usd(-500),
    values: { dayPnl: usd(-500), netLiq: usd(49_500) },
    summary: 'day PnL -$500.00 reached the daily loss limit of -$500.00',
    time: 1000,
    fills: [{ fillId: 'a', contract: ESH6, side: 'buy', qty: 2, price: 6000, time: 900, realized: undefined }],
    fillsOmitted: 0,
    pnlPath: [{ time: 900, dayPnl: usd(0), netLiq: usd(50_000) }],
  },
  ...over,
});

const state: PersistedRiskState = {
  version: 1,
  tradingDay: '2026-03-02',
  startBalance: usd(50_000),
  dayStartNetLiq: usd(50_000),
  highWaterMark: usd(50_500),
  lastNetLiq: usd(49_500),
  sessionFiredFor: undefined,
  updatedAt: 1,
};

describe('SqliteRiskStore', () => {
  it('round-trips state, day log and locks, across a reopen', () => {
    const { db, path } = fresh();
    const s = new SqliteRiskStore(db);
    s.saveAccountState('f1', state);
    s.saveDayLog('f1', { tradingDay: '2026-03-02', fills: lock().evidence.fills, fillsOmitted: 3, pnlPath: lock().evidence.pnlPath });
    s.saveLock(lock());
    s.saveLock(lock({ id: 'L2', kind: 'soft', rule: 'consistency', startedAt: 2000 }));
    s.saveLock({ ...lock({ id: 'L2', kind: 'soft', rule: 'consistency', startedAt: 2000 }), endedAt: 3000, endReason: 'unlocked', acknowledgement: 'f1' });
    db.close();
    open.splice(open.indexOf(db), 1);

    const db2 = openDatabase(path);
    open.push(db2);
    const s2 = new SqliteRiskStore(db2);
    expect(s2.loadAccountState('f1')).toEqual(state);
    expect(s2.loadDayLog('f1')).toMatchObject({ fillsOmitted: 3, fills: [{ fillId: 'a', qty: 2 }] });
    expect(s2.openLocks().map((l) => l.id)).toEqual(['L1']);
    expect(s2.lock('L1')).toEqual(lock());
    expect(s2.lock('L2')).toMatchObject({ endedAt: 3000, endReason: 'unlocked', acknowledgement: 'f1' });
    expect(s2.locks().map((l) => l.id)).toEqual(['L2', 'L1']);
    expect(s2.locks({ open: false }).map((l) => l.id)).toEqual(['L2']);
    expect(s2.locks({ accountId: 'other' })).toEqual([]);
    expect(s2.loadAccountState('nobody')).toBeUndefined();
  });

  it('keeps a lock whose evidence is damaged open, never drops it', () => {
    const { db } = fresh();
    const s = new SqliteRiskStore(db);
    s.saveLock(lock());
    db.prepare("UPDATE locks SET evidence = '{broken' WHERE id = 'L1'").run();
    const [l] = s.openLocks();
    expect(l).toMatchObject({ id: 'L1', kind: 'breach', rule: 'dailyLoss' });
    expect(l?.evidence.summary).toBe('evidence unreadable');
  });

  it('reads a damaged state row as absent', () => {
    const { db } = fresh();
    const s = new SqliteRiskStore(db);
    s.saveAccountState('f1', state);
    db.prepare("UPDATE risk_state SET state = '{\"version\":2}'").run();
    expect(s.loadAccountState('f1')).toBeUndefined();
  });

  it('writes a lock and its state in one transaction', () => {
    const { db } = fresh();
    const s = new SqliteRiskStore(db);
    expect(() =>
      s.transaction(() => {
        s.saveLock(lock());
        s.saveAccountState('f1', state);
        throw new Error('crash in the middle');
      }),
    ).toThrow('crash');
    expect(s.openLocks()).toEqual([]);
    expect(s.loadAccountState('f1')).toBeUndefined();
  });
});

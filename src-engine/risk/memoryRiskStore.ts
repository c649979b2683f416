/**
 * A RiskStore in memory, for tests and for hosts that keep no file. Values are copied through JSON
 * on the way in and out, like the SQLite store, so a test cannot pass by sharing mutable objects.
 */
import type { LockRecord } from './locks';
import { compareByRecent, type LockFilter, type PersistedDayLog, type PersistedRiskState, type RiskStore } from './riskStore';

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

export class MemoryRiskStore implements RiskStore {
  private readonly states = new Map<string, PersistedRiskState>();
  private readonly dayLogs = new Map<string, PersistedDayLog>();
  private readonly lockRows = new Map<string, LockRecord>();

  loadAccountState(accountId: string): PersistedRiskState | undefined {
    const s = this.states.get(accountId);
    return s ? clone(s) : undefined;
  }
  saveAccountState(accountId: string, state: PersistedRiskState): void {
    this.states.set(accountId, clone(state));
  }
  loadDayLog(accountId: string): PersistedDayLog | undefined {
    const l = this.dayLogs.get(accountId);
    return l ? clone(l) : undefined;
  }
  saveDayLog(accountId: string, log: PersistedDayLog): void {
    this.dayLogs.set(accountId, clone(log));
  }
  openLocks(): LockRecord[] {
    return [...this.lockRows.values()].filter((l) => l.endedAt === undefined).map(clone);
  }
  saveLock(lock: LockRecord): void {
    this.lockRows.set(lock.id, clone(lock));
  }
  lock(id: string): LockRecord | undefined {
    const l = this.lockRows.get(id);
    return l ? clone(l) : undefined;
  }
  locks(filter: LockFilter = {}): LockRecord[] {
    return [...this.lockRows.values()]
      .filter((l) => (filter.accountId === undefined || l.accountId === filter.accountId) && (filter.open === undefined || (l.endedAt === undefined) === filter.open))
      .sort(compareByRecent)
      .slice(0, filter.limit ?? 200)
      .map(clone);
  }
  transaction<T>(fn: () => T): T {
    return fn();
  }
}

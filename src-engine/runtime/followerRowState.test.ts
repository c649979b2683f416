import { describe, expect, it } from 'vitest';
import type { BudgetView } from '../orders/broker';
import type { ConnectionRuntime } from './core';
import { followerRowState, type RowFacts } from './followerRowState';
import { rowConnection, type RowConnectionFacts } from './rowConnection';

const facts = (over: Partial<RowFacts> = {}): RowFacts => ({
  group: { status: 'Active' },
  lockRule: undefined,
  enabled: true,
  syncOn: true,
  connected: true,
  quarantined: false,
  track: undefined,
  leaderFlat: true,
  current: 0,
  strayContracts: 0,
  target: 0,
  outOfSync: undefined,
  ...over,
});

const NOW = 1_800_000_000_000;

function runtime(status: ConnectionRuntime['status'], opts: { penaltyUntil?: number; oauth?: boolean } = {}): NonNullable<RowConnectionFacts['runtime']> {
  const budget: BudgetView = { limit: 80, remaining: 0, windowMs: 60_000, ...(opts.penaltyUntil !== undefined ? { penaltyUntil: opts.penaltyUntil } : {}) };
  return {
    row: { id: 'c1', broker: 'tradovate', name: 'Tradovate main', settings: opts.oauth ? { auth: 'oauth' } : {} },
    status,
    connection: { budget: () => budget },
  };
}

describe('a follower row whose connection is not up', () => {
  it('carries the connection\'s own state and reason', () => {
    const connection = rowConnection({ runtime: runtime({ state: 'failed', reason: 'token expired' }, { oauth: true }), name: 'ignored', now: NOW });
    expect(connection).toEqual({ name: 'Tradovate main', status: { state: 'failed', reason: 'token expired' }, signIn: true, reading: false });
    expect(followerRowState(facts({ connected: false, connection }))).toEqual({ kind: 'notCopying', why: 'disconnected', detail: undefined, connection });
  });

  it('includes a penalty only while it runs, and says when an up connection is still reading the account', () => {
    expect(rowConnection({ runtime: runtime({ state: 'connected' }, { penaltyUntil: NOW + 30_000 }), name: 'x', now: NOW })).toMatchObject({ penaltyUntil: NOW + 30_000, reading: true });
    expect(rowConnection({ runtime: runtime({ state: 'connected' }, { penaltyUntil: NOW - 1 }), name: 'x', now: NOW })).not.toHaveProperty('penaltyUntil');
    expect(rowConnection({ runtime: runtime({ state: 'reconnecting', attempt: 2, nextTryAt: NOW + 4_000, reason: 'socket closed' }), name: 'x', now: NOW }).reading).toBe(false);
  });

  it('names a connection that could not even be created as not running', () => {
    expect(rowConnection({ runtime: undefined, name: 'ProjectX key', now: NOW })).toEqual({ name: 'ProjectX key', status: { state: 'stopped' }, signIn: false, reading: false });
  });

  it('lets whatever stops copying first outrank the connection', () => {
    const connection = rowConnection({ runtime: undefined, name: 'x', now: NOW });
    expect(followerRowState(facts({ connected: false, connection, lockRule: 'dailyLoss' }))).toEqual({ kind: 'notCopying', why: 'locked', detail: 'dailyLoss' });
    expect(followerRowState(facts({ connected: true, connection }))).toEqual({ kind: 'copying', leaderFlat: true });
  });
});

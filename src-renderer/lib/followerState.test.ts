import { describe, expect, it } from 'vitest';
import type { FollowerRowView } from '../../src-engine/api/views';
import { flattenConfirmText, stateCounts, stateWords, syncConfirmText } from './followerState';

function row(over: Partial<FollowerRowView> = {}): FollowerRowView {
  return {
    root: 'MNQ',
    contract: 'NQ:202612',
    followerRoot: 'NQ',
    position: -3,
    target: -3,
    tracking: true,
    notTracking: undefined,
    inSync: true,
    syncOn: true,
    quarantined: false,
    state: { kind: 'copying', leaderFlat: false },
    leaderPosition: -3,
    holdings: [{ contract: 'NQ:202612', netPos: -3, avgPrice: 21000, mark: 21010, openPnl: -600 }],
    workingOrders: [],
    syncWould: [],
    ...over,
  };
}

describe('follower state words', () => {
  it('says each state in plain words, with the numbers and the reason', () => {
    expect(stateWords({ kind: 'copying', leaderFlat: false })).toEqual({ tone: 'ok', label: 'Copying', detail: undefined });
    expect(stateWords({ kind: 'outOfSync', holds: 2, target: 4, reason: 'exit sell 2 rejected: no margin on MNQ:202612' })).toEqual({
      tone: 'bad',
      label: 'Out of sync',
      detail: 'holds +2, target +4 — exit sell 2 rejected: no margin on MNQ Z26',
    });
    expect(stateWords({ kind: 'notCopying', why: 'paused', detail: 'emergencyStop' }).label).toBe('Not copying: paused');
    expect(stateWords({ kind: 'notCopying', why: 'paused', detail: 'emergencyStop' }).detail).toContain('Emergency Stop');
    expect(stateWords({ kind: 'notCopying', why: 'waitsForNextEntry', detail: 'flattenedByUser' })).toMatchObject({ label: 'Not copying: waits for the next entry', detail: 'flattened by you' });
    expect(stateWords({ kind: 'notCopying', why: 'locked', detail: 'trailingDrawdown' }).detail).toBe('Trailing drawdown rule; review it on the Risk screen');
    // No internal code reaches the words.
    for (const why of ['paused', 'locked', 'disabled', 'syncOff', 'disconnected', 'quarantined', 'waitsForNextEntry'] as const) {
      const w = stateWords({ kind: 'notCopying', why, detail: undefined });
      expect(`${w.label} ${w.detail ?? ''}`).not.toMatch(/[a-z][A-Z]/);
    }
  });

  it('counts the summary from the same states', () => {
    const rows = [row(), row({ state: { kind: 'outOfSync', holds: 0, target: 1, reason: undefined } }), row({ state: { kind: 'notCopying', why: 'syncOff', detail: undefined } })];
    expect(stateCounts(rows)).toEqual({ rows: 3, copying: 1, outOfSync: 1, notCopying: 1 });
  });

  it('confirmations name side, size and the contract the row really trades', () => {
    expect(flattenConfirmText(row())).toBe('Flatten: buy 3 NQ Z26 (closes the position)?');
    expect(syncConfirmText(row())).toBeUndefined();
    expect(syncConfirmText(row({ syncWould: [{ contract: 'NQ:202612', from: 0, to: -3 }] }))).toBe('Sync: sell 3 NQ Z26 (opens a position)?');
    expect(syncConfirmText(row({ syncWould: [{ contract: 'NQ:202612', from: -3, to: 0 }] }))).toBe('Sync: buy 3 NQ Z26 (closes the position)?');
    expect(syncConfirmText(row({ syncWould: [{ contract: 'NQ:202612', from: -2, to: -4 }] }))).toBe('Sync: sell 2 NQ Z26 (to −4)?');
  });
});

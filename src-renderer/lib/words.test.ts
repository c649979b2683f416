import { describe, expect, it } from 'vitest';
import type { ActivityRow, SnapshotView } from '../../src-engine/api/views';
import { activityCsv, localStamp } from './activityCsv';
import { activityText, inWords } from './words';

const row = (r: Partial<ActivityRow>): ActivityRow => ({ id: 'x', time: 0, kind: 'control', groupId: undefined, accountId: undefined, root: 'MNQ', text: '', brokerReason: undefined, status: undefined, ...r });

describe('engine codes in words', () => {
  it('puts reason codes in words and drops a bare order number', () => {
    expect(inWords('notTracking: groupPaused')).toBe('not copying this trade: group paused');
    expect(inWords('cancel — leaderCancelled: 6100000034')).toBe('cancel — the leader cancelled its order');
    expect(inWords('trailingDrawdown breached')).toBe('trailing drawdown breached');
    expect(inWords('controls.sync refused')).toBe('sync was refused');
    expect(activityText(row({ kind: 'control', purpose: 'cancel', reason: 'leaderCancelled', detail: '6100000034' }))).toBe('cancelled a follower order — the leader cancelled its order');
    expect(activityText(row({ kind: 'skip', reason: 'notTracking', detail: 'joinedLate' }))).toBe('no order: not copying this trade (joined after the trade began, waits for the next entry)');
    expect(activityText(row({ kind: 'order', status: 'filled', purpose: 'copy', order: { side: 'buy', qty: 2, type: 'market', price: undefined, filledQty: 2 } }))).toBe('buy 2 MNQ — copy — filled');
  });

  it('exports names and local times, the zone in the header', () => {
    const snap = { groups: [{ id: 'g-uuid', name: 'Demo' }], accounts: [{ id: 'paper-2cf13fca', name: 'PAPER-25K' }] } as unknown as SnapshotView;
    const csv = activityCsv([row({ time: Date.UTC(2026, 11, 7, 18, 0), groupId: 'g-uuid', accountId: 'paper-2cf13fca', kind: 'skip', reason: 'syncOff' })], snap, 'America/Chicago');
    const [head, line] = csv.trim().split('\n');
    expect(head).toContain('"time (America/Chicago)"');
    expect(line).toContain(`"${localStamp(Date.UTC(2026, 11, 7, 18, 0))}","skipped","Demo","PAPER-25K","MNQ"`);
    expect(line).toContain('no order: sync off for this symbol');
    expect(csv).not.toMatch(/g-uuid|paper-2cf13fca|syncOff/);
  });
});

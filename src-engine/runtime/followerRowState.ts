/**
 * The one state of a follower row (Dashboard, summary counts, every screen that reads the views).
 * Pure: the row's facts in, one state out. Whatever stops copying outranks the numbers, so a paused,
 * locked or sync-off follower never reads "Copying" because it happens to hold its old target.
 */
import type { FollowerRowState, RowConnectionView } from '../api/views';
import type { GroupStatus } from '../domain/group';

export interface RowFacts {
  readonly group: GroupStatus;
  /** An open lock of the account: its rule. */
  readonly lockRule: string | undefined;
  readonly enabled: boolean;
  readonly syncOn: boolean;
  /** The account's book is read from its broker and its connection is up. */
  readonly connected: boolean;
  /** When not connected: the connection's own state and reason, for the row to say. */
  readonly connection?: RowConnectionView | undefined;
  readonly quarantined: boolean;
  /** The follower's track in the leader's open lifecycle of this root, if there is one. */
  readonly track: { readonly tracking: boolean; readonly notTracking: string | undefined } | undefined;
  /** The leader holds nothing in this root. */
  readonly leaderFlat: boolean;
  /** The position in the row's contract, orders in flight included. */
  readonly current: number;
  /** Contracts held in the row's other contracts (a leftover in the old contract of a cross). */
  readonly strayContracts: number;
  /** What the follower should hold: its last target when tracking, 0 when the leader is flat. */
  readonly target: number | undefined;
  /** The engine's out-of-sync flag for this row (a rejected exit, an entry not copied…). */
  readonly outOfSync: string | undefined;
}

export function followerRowState(f: RowFacts): FollowerRowState {
  if (f.lockRule !== undefined) return notCopying('locked', f.lockRule);
  if (f.group.status !== 'Active') return notCopying('paused', f.group.status === 'Paused' ? f.group.reason : 'notConfigured');
  if (!f.enabled) return notCopying('disabled', undefined);
  if (!f.syncOn) return notCopying('syncOff', undefined);
  if (!f.connected) return f.connection ? { kind: 'notCopying', why: 'disconnected', detail: undefined, connection: f.connection } : notCopying('disconnected', undefined);
  if (f.quarantined) return notCopying('quarantined', undefined);
  const tracking = f.track === undefined || f.track.tracking;
  if (tracking && f.target !== undefined && (f.outOfSync !== undefined || f.current !== f.target || f.strayContracts !== 0)) {
    const reason = f.outOfSync ?? (f.strayContracts !== 0 ? `also holds ${f.strayContracts} in another contract` : undefined);
    return { kind: 'outOfSync', holds: f.current, target: f.target, reason };
  }
  if (f.track !== undefined && !f.track.tracking) return notCopying('waitsForNextEntry', f.track.notTracking);
  return { kind: 'copying', leaderFlat: f.leaderFlat };
}

function notCopying(why: Extract<FollowerRowState, { kind: 'notCopying' }>['why'], detail: string | undefined): FollowerRowState {
  return { kind: 'notCopying', why, detail };
}

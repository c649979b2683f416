/**
 * A follower row's state in the trader's words. The engine decides the state (one per row, see
 * FollowerRowView.state); this file only says it, and counts the summary strip from the same states
 * so the strip and the rows can never disagree.
 */
import type { FollowerRowState, FollowerRowView, NotCopyingReason } from '../../src-engine/api/views';
import { connectionReasonText } from './connectionReason';
import { contractLabel, contractsInText } from './contracts';
import { qty, ruleLabel } from './format';

export type StateTone = 'ok' | 'warn' | 'bad' | 'muted';

export interface StateWords {
  readonly tone: StateTone;
  /** "Copying", "Out of sync", "Not copying: paused". */
  readonly label: string;
  /** The numbers and the reason, in a sentence. */
  readonly detail: string | undefined;
}

const NOT_COPYING: Record<NotCopyingReason, string> = {
  paused: 'paused',
  locked: 'locked',
  disabled: 'disabled',
  syncOff: 'sync off',
  disconnected: 'not connected',
  quarantined: 'quarantined',
  waitsForNextEntry: 'waits for the next entry',
};

const PAUSED_BY: Readonly<Record<string, string>> = {
  user: 'paused by you; copies again after Resume, from the next entry',
  emergencyStop: 'Emergency Stop; copies again after Resume, from the next entry',
  leaderBreach: "the leader's risk limit was hit; copies again after Resume",
  noFollowers: 'the group has no followers',
  notConfigured: 'the group has no leader',
};

const STOPPED_BECAUSE: Readonly<Record<string, string>> = {
  joinedLate: 'joined after the trade began; press Sync to join it now',
  syncOff: 'sync was off when the trade began; press Sync to join it now',
  disabled: 'was disabled when the trade began',
  groupPaused: 'the group was paused during this trade; press Sync to join it now',
  locked: 'was locked during this trade',
  flattenedByUser: 'flattened by you',
  reconnectFlatten: 'flattened after a reconnect',
  notWhitelisted: 'this symbol was not allowed when the trade began; press Sync to join it now',
};

export function stateWords(state: FollowerRowState): StateWords {
  switch (state.kind) {
    case 'copying':
      return { tone: 'ok', label: 'Copying', detail: state.leaderFlat ? 'leader flat; copies the next entry' : undefined };
    case 'outOfSync': {
      const numbers = `holds ${qty(state.holds)}, target ${qty(state.target)}`;
      return { tone: 'bad', label: 'Out of sync', detail: state.reason ? `${numbers} — ${contractsInText(state.reason)}` : numbers };
    }
    case 'notCopying':
      return {
        tone: state.why === 'locked' || state.why === 'disconnected' ? 'bad' : 'warn',
        label: `Not copying: ${NOT_COPYING[state.why]}`,
        detail: state.why === 'disconnected' && state.connection ? connectionReasonText(state.connection) : notCopyingDetail(state.why, state.detail),
      };
  }
}

function notCopyingDetail(why: NotCopyingReason, detail: string | undefined): string | undefined {
  switch (why) {
    case 'paused':
      return detail !== undefined ? PAUSED_BY[detail] : undefined;
    case 'locked':
      return detail !== undefined ? `${ruleLabel(detail)} rule; review it on the Risk screen` : undefined;
    case 'waitsForNextEntry':
      return detail !== undefined ? STOPPED_BECAUSE[detail] : undefined;
    case 'syncOff':
      return 'turn sync on to copy this symbol';
    case 'disconnected':
      return 'its connection is not up; positions shown are the last known';
    case 'quarantined':
      return 'a copy was rejected: only exits are copied until the leader is flat';
    case 'disabled':
      return 'enable it in Groups';
  }
}

export interface StateCounts {
  readonly rows: number;
  readonly copying: number;
  readonly outOfSync: number;
  readonly notCopying: number;
}

/** The summary strip, from the very states the rows show. */
export function stateCounts(rows: readonly FollowerRowView[]): StateCounts {
  let copying = 0;
  let outOfSync = 0;
  let notCopying = 0;
  for (const r of rows) {
    if (r.state.kind === 'copying') copying++;
    else if (r.state.kind === 'outOfSync') outOfSync++;
    else notCopying++;
  }
  return { rows: rows.length, copying, outOfSync, notCopying };
}

/** "sell 3 NQ Z26" */
function order(contract: string, delta: number): string {
  return `${delta > 0 ? 'buy' : 'sell'} ${Math.abs(delta)} ${contractLabel(contract)}`;
}

/**
 * What the row's Sync will send, for its confirmation; undefined when it sends nothing. Says when
 * it opens or closes a position, and how many contracts of which contract.
 */
export function syncConfirmText(row: FollowerRowView): string | undefined {
  const steps = row.syncWould.filter((s) => s.to !== s.from);
  if (steps.length === 0) return undefined;
  return `Sync: ${steps
    .map((s) => {
      const what = order(s.contract, s.to - s.from);
      if (s.to === 0) return `${what} (closes the position)`;
      if (s.from === 0) return `${what} (opens a position)`;
      if (Math.sign(s.to) !== Math.sign(s.from)) return `${what} (reverses the position)`;
      return `${what} (to ${qty(s.to)})`;
    })
    .join(', ')}?`;
}

/** What the row's Flatten will send, for its confirmation. */
export function flattenConfirmText(row: FollowerRowView): string {
  const held = row.holdings.filter((h) => h.netPos !== 0);
  const orders = row.workingOrders.length;
  const cancel = orders > 0 ? `cancel ${orders} working order${orders === 1 ? '' : 's'}` : undefined;
  if (held.length === 0) return cancel ? `Flatten: ${cancel}?` : 'Flatten: nothing held';
  const close = held.map((h) => order(h.contract, -h.netPos)).join(', ');
  return `Flatten: ${close} (closes the position)${cancel ? `, ${cancel}` : ''}?`;
}

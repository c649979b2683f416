/**
 * The engine's reason codes in the trader's words: one place for every screen, toast and export.
 * The engine names things for its journal (`notTracking`, `trailingDrawdown`, `leaderCancelled`);
 * a person reads "not copying this trade", "trailing drawdown", "the leader cancelled its order".
 */
import type { ActivityRow, SnapshotView } from '../../src-engine/api/views';

/** Reason codes of decisions, tracking, risk rules and engine actions. */
export const REASON_WORDS: Readonly<Record<string, string>> = {
  // why a follower got no order
  notWhitelisted: "symbol not in the group's whitelist",
  groupPaused: 'group paused',
  disabled: 'follower disabled or removed',
  syncOff: 'sync off for this symbol',
  locked: 'account locked by a risk rule',
  notTracking: 'not copying this trade',
  atTarget: 'already where it should be',
  belowOneContract: 'size rounds to less than one contract',
  entriesBlocked: 'new entries held back',
  capReached: 'max contracts reached',
  noLeaderBalance: "leader's balance unknown",
  positionUnknown: 'position not read from the broker yet',
  fillsOnly: 'the group copies fills only',
  // why a follower is not tracking a trade
  joinedLate: 'joined after the trade began, waits for the next entry',
  flattenedByUser: 'flattened by you',
  reconnectFlatten: 'flattened after a reconnect',
  quarantine: 'quarantined',
  skipEntries: 'entries skipped after a reconnect',
  catchUpExpired: 'entry too old to catch up',
  softLock: 'soft lock',
  riskUnknown: 'risk state unknown',
  // what the engine did with a follower's orders
  leaderCancelled: 'the leader cancelled its order',
  leaderOrderGone: "the leader's order is gone",
  leaderLegMoved: "the leader moved its stop or target",
  leaderLegGone: "the leader's stop or target is gone",
  leaderFlat: 'the leader is flat',
  mirrorGraceExpired: 'the mirrored order did not fill in time; sent at market',
  mirrorFilledAfterLeaderCancel: 'the mirrored order filled after the leader cancelled; brought back',
  nothingToProtect: 'nothing left to protect',
  awaitMirror: 'waits for its mirrored order to fill',
  removedFlattened: 'removed from the group and flattened',
  removedKept: 'removed from the group, kept by hand',
  sizingNow: 'new sizing applied now',
  sizingFromNextEntry: 'new sizing from the next entry',
  // risk rules
  dailyLoss: 'daily loss limit',
  trailingDrawdown: 'trailing drawdown',
  maxContracts: 'max contracts',
  dailyProfit: 'daily profit target',
  // group pause reasons
  user: 'paused by you',
  noFollowers: 'no followers',
  leaderBreach: "the leader's risk rule was breached",
  emergencyStop: 'emergency stop',
};

/** Why an order was sent, and what the engine did (the row's purpose). */
const PURPOSE_WORDS: Readonly<Record<string, string>> = {
  copy: 'copy',
  mirror: 'mirror',
  flatten: 'flatten',
  sync: 'sync',
  gap: 'catch-up',
  retry: 'retry',
  cancel: 'cancelled a follower order',
  modify: 'moved a follower order',
  place: 'placed a follower order',
  breach: 'risk rule breached',
  stop: 'stopped',
};

export function reasonWords(code: string | undefined): string {
  if (code === undefined || code === '') return '';
  return REASON_WORDS[code] ?? code;
}

/**
 * Any text with engine codes in it, in words: `notTracking: groupPaused` → "not copying this
 * trade: group paused"; bare broker order numbers after a reason are dropped.
 */
export function inWords(text: string): string {
  return text
    .replace(/\b([a-z]+[A-Z][A-Za-z]*)\b(?::\s*\d{6,})?/g, (m: string, code: string) => REASON_WORDS[code] ?? m)
    .replace(/\bcontrols\.(\w+) (refused|failed)\b/g, (_m, verb: string, how: string) => `${verb} was ${how === 'refused' ? 'refused' : 'not done'}`);
}

/** One Activity row as a sentence. */
export function activityText(r: ActivityRow): string {
  if (r.kind === 'order' && r.order) {
    const o = r.order;
    const at = o.type === 'market' ? '' : ` ${o.type} @ ${String(o.price)}`;
    const part = r.status === 'partial' ? ` (${o.filledQty} of ${o.qty})` : '';
    return `${o.side} ${o.qty} ${r.root ?? ''}${at} — ${PURPOSE_WORDS[r.purpose ?? ''] ?? r.purpose ?? ''} — ${r.status ?? ''}${part}`;
  }
  if (r.kind === 'skip') {
    const detail = r.reason === 'notTracking' ? reasonWords(r.detail) : r.detail ? inWords(r.detail) : '';
    return `no order: ${reasonWords(r.reason)}${detail ? ` (${detail})` : ''}`;
  }
  if (r.kind === 'control' && r.purpose !== undefined) {
    const what = PURPOSE_WORDS[r.purpose] ?? r.purpose;
    const why = reasonWords(r.reason);
    // A bare order number says nothing to the trader.
    const detail = r.detail !== undefined && !/^\d+$/.test(r.detail) ? inWords(r.detail) : '';
    return [what, why, detail].filter((x) => x !== '').join(' — ');
  }
  return inWords(r.text);
}

export const ACTIVITY_KIND_WORDS: Readonly<Record<ActivityRow['kind'], string>> = {
  order: 'order',
  skip: 'skipped',
  rejection: 'rejected',
  lock: 'lock',
  quarantine: 'quarantine',
  outOfSync: 'out of sync',
  control: 'engine',
  connection: 'connection',
  info: 'info',
  leaderFill: 'leader fill',
  user: 'you',
};

/** Quoted account and connection ids in an engine message (`account "demo-tv1"`) by the names the trader knows. */
export function namesIn(text: string, snap: SnapshotView | undefined): string {
  if (!snap) return text;
  return text.replace(/"([^"]+)"/g, (m: string, id: string) => {
    const name = snap.accounts.find((a) => a.id === id)?.name ?? snap.connections.find((c) => c.id === id)?.name;
    return name !== undefined ? `"${name}"` : m;
  });
}

/** What each command does, for "… was refused" toasts (never `controls.sync refused`). */
const COMMAND_WORDS: Readonly<Record<string, string>> = {
  'connections.add': 'Adding the connection',
  'connections.update': 'Saving the connection',
  'connections.remove': 'Removing the connection',
  'connections.setSecret': 'Storing the secret',
  'connections.clearSecret': 'Clearing the secret',
  'connections.reconnect': 'Reconnecting',
  'connections.signIn': 'Sign in with Tradovate',
  'connections.signInCancel': 'Cancelling the sign-in',
  'groups.save': 'Saving the group',
  'groups.delete': 'Deleting the group',
  'groups.impact': 'Checking open positions',
  'groups.setSync': 'Turning sync on or off',
  'groups.setMasterSync': 'Turning sync on or off',
  'controls.pause': 'Pause',
  'controls.resume': 'Resume',
  'controls.pauseAll': 'Pause all',
  'controls.resumeAll': 'Resume all',
  'controls.flattenAll': 'Flatten all',
  'controls.cancelOrders': 'Cancel orders',
  'controls.flattenPosition': 'Flatten',
  'controls.sync': 'Sync',
  'controls.emergencyStop': 'Emergency stop',
  'controls.releaseQuarantine': 'Releasing the quarantine',
  'risk.setRules': 'Saving the risk rules',
  'risk.applyPreset': 'Applying the preset',
  'risk.lock': 'Reading the lock',
  'risk.unlock': 'Unlock',
  'activity.list': 'Reading the activity',
  'activity.csv': 'Export',
  'settings.get': 'Reading the settings',
  'settings.set': 'Saving the settings',
};

export function commandFailed(cmd: string, kind: 'refused' | 'failed'): string {
  return `${COMMAND_WORDS[cmd] ?? 'That action'} ${kind === 'refused' ? 'was refused' : 'did not work'}`;
}

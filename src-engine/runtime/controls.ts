/**
 * The user's controls of copy-semantics §9. Every order a control sends is an intent journaled
 * before it goes, counted in flight at once: when the leader's own exit is copied at the same
 * moment, C already includes the flatten and no second close is sent. A flatten is sized only
 * after its connection has caught up with the broker (flatten.ts).
 */
import { parseContractCode, type ContractCode } from '../domain/contractCode';
import { whitelisted, type AccountId, type Group, type GroupId, type SwitchOffReason } from '../domain/group';
import { Refusal } from '../domain/refusal';
import { stopTracking, withTrack, type NotTrackingReason } from '../copy/lifecycle';
import { planSync } from '../copy/sync';
import { PRIORITY, type Intent } from '../orders/intent';
import type { DecisionRow } from '../orders/decisionRecord';
import type { EngineCore } from './core';
import { cancelAccountOrders, flattenIntents, sendFlatten } from './flatten';
import { rowContracts } from './followerRows';

let controlSeq = 0;
/** A unique cause per control invocation: the tags of its orders derive from it. */
function controlCause(core: EngineCore, name: string, subject: string): string {
  controlSeq++;
  return `control:${name}:${subject}:${core.clock.now()}:${controlSeq}`;
}

export function requireGroup(core: EngineCore, id: GroupId): Group {
  const g = core.groups.get(id) ?? core.groupByName(id);
  if (!g) throw new Refusal([{ field: 'group', message: `unknown group "${id}"` }]);
  return g;
}

function saveGroups(core: EngineCore, groups: Group[]): void {
  core.config.saveGroups(groups);
  for (const g of groups) {
    core.groups.set(g.id, g);
    core.emitGroupStatus(g);
  }
  core.emit({ t: 'groupsChanged' });
}

/** Followers of a paused group track from the next lifecycle only (§9). */
function stopAllTracking(core: EngineCore, group: Group, reason: NotTrackingReason): void {
  if (group.leader === undefined) return;
  for (const lc of core.lifecyclesOf(group.leader)) {
    let next = lc;
    for (const account of Object.keys(lc.followers)) next = stopTracking(next, account, reason);
    if (next !== lc) {
      core.setLifecycle(group.leader, lc.contract, next);
      core.journal.saveLifecycle(group.leader, lc.contract, next);
    }
  }
}

export function pause(core: EngineCore, groupId: GroupId, reason: SwitchOffReason = 'user'): void {
  const g = requireGroup(core, groupId);
  stopAllTracking(core, g, 'groupPaused');
  saveGroups(core, [{ ...g, switchedOff: reason }]);
}

export function resume(core: EngineCore, groupId: GroupId): void {
  const g = requireGroup(core, groupId);
  if (g.switchedOff === undefined) return;
  saveGroups(core, [{ ...g, switchedOff: undefined }]);
}

export function pauseAll(core: EngineCore, reason: SwitchOffReason = 'user'): void {
  const groups = [...core.groups.values()];
  for (const g of groups) stopAllTracking(core, g, 'groupPaused');
  // An emergency stop or a breach is not downgraded to a user pause.
  saveGroups(core, groups.map((g) => ({ ...g, switchedOff: g.switchedOff ?? reason })));
}

/** Resumes what the user (or an emergency stop) paused; a leader breach needs its own group resume. */
export function resumeAll(core: EngineCore): void {
  const groups = [...core.groups.values()].filter((g) => g.switchedOff === 'user' || g.switchedOff === 'emergencyStop');
  saveGroups(core, groups.map((g) => ({ ...g, switchedOff: undefined })));
}

function accountsOf(group: Group): AccountId[] {
  return [...group.followers.map((f) => f.account), ...(group.leader !== undefined ? [group.leader] : [])];
}

/**
 * Flattens the group and pauses it: without the pause the leader's next entry would be copied
 * again, which a trader who just flattened everything does not expect. Resume starts copying
 * from the next entry (a stronger stop already in place is kept).
 */
export function flattenAll(core: EngineCore, groupId: GroupId): void {
  const g = requireGroup(core, groupId);
  stopAllTracking(core, g, 'groupPaused');
  saveGroups(core, [{ ...g, switchedOff: g.switchedOff ?? 'user' }]);
  sendFlatten(core, accountsOf(g), controlCause(core, 'flattenAll', g.id), 'flattenAll');
}

export function cancelOrders(core: EngineCore, groupId: GroupId): void {
  const g = requireGroup(core, groupId);
  for (const account of accountsOf(g)) cancelAccountOrders(core, account);
}

/**
 * Closes one position on one account. For a follower, `root` is the leader's root of its row and
 * every contract on that row is closed (its cross, mapped or micro contract), as the row shows it.
 */
export function flattenPosition(core: EngineCore, account: AccountId, root: string): void {
  core.requireAccount(account);
  const leaderGroup = core.groupOfLeader(account);
  const followerGroup = leaderGroup ? undefined : core.groupOfFollower(account);
  const follower = followerGroup?.followers.find((f) => f.account === account);
  const contracts = followerGroup && follower ? rowContracts(core, followerGroup, follower, root) : contractsOfRoot(core, account, root);
  if (!leaderGroup) {
    // The trader took this follower's position into their own hands: it stops tracking it.
    const g = core.groupOfFollower(account);
    if (g?.leader !== undefined) {
      for (const lc of core.lifecyclesOf(g.leader)) {
        const t = lc.followers[account];
        if (t && (lc.root === root || contracts.has(t.contract))) {
          const next = stopTracking(lc, account, 'flattenedByUser');
          core.setLifecycle(g.leader, lc.contract, next);
          core.journal.saveLifecycle(g.leader, lc.contract, next);
          contracts.add(t.contract);
        }
      }
    }
  }
  sendFlatten(core, [account], controlCause(core, 'flattenPosition', `${account}:${root}`), 'flattenPosition', contracts);
}

function contractsOfRoot(core: EngineCore, account: AccountId, root: string): Set<ContractCode> {
  const book = core.books.get(account);
  const out = new Set<ContractCode>();
  for (const [c] of book?.openPositions() ?? []) if (parseContractCode(c).root === root) out.add(c);
  for (const o of book?.openOrders() ?? []) if (parseContractCode(o.contract).root === root) out.add(o.contract);
  return out;
}

export function emergencyStop(core: EngineCore): void {
  const groups = [...core.groups.values()].map((g) => ({ ...g, switchedOff: 'emergencyStop' as const }));
  for (const g of groups) stopAllTracking(core, g, 'groupPaused');
  saveGroups(core, groups);
  const accounts = groups.flatMap(accountsOf);
  sendFlatten(core, accounts, controlCause(core, 'emergencyStop', 'all'), 'emergencyStop');
}

/** A breach (§7): cancel the account's working orders and flatten it. */
export function flattenForRisk(core: EngineCore, account: AccountId, lockId: string): void {
  sendFlatten(core, [account], `risk:${lockId}`, 'riskBreach');
}

/** A leader breach: its followers are flattened once, then the group pauses (§1, §7). */
export function leaderBreach(core: EngineCore, leader: AccountId, lockId: string): void {
  const g = core.groupOfLeader(leader);
  if (!g) return;
  stopAllTracking(core, g, 'groupPaused');
  saveGroups(core, [{ ...g, switchedOff: 'leaderBreach' }]);
  sendFlatten(core, g.followers.map((f) => f.account), `risk:${lockId}:followers`, 'leaderBreach');
}

export function sync(core: EngineCore, account: AccountId, root: string): void {
  const g = core.groupOfFollower(account);
  if (!g) throw new Refusal([{ field: 'account', message: `account "${account}" is not a follower in any group` }]);
  const follower = g.followers.find((f) => f.account === account);
  if (!follower || g.leader === undefined) throw new Refusal([{ field: 'account', message: `group "${g.name}" has no leader` }]);
  const view = core.followerView(g, follower);
  if (view.hardLocked) throw new Refusal([{ field: 'account', message: `account "${account}" is locked; review and unlock it first` }]);
  // The whitelist skips other roots for every follower (§4): Sync does not open one either.
  if (!whitelisted(g, root)) throw new Refusal([{ field: 'symbol', message: `${root} is not in the whitelist of group "${g.name}"` }]);
  if (!view.positionKnown) throw new Refusal([{ field: 'account', message: `account "${account}" has not been read from its broker yet; wait for its connection` }]);
  const cause = controlCause(core, 'sync', `${account}:${root}`);
  const leader = g.leader;
  const intents: Intent[] = [];
  const rows: DecisionRow[] = [];
  const lifecycles = core.lifecyclesOf(leader).filter((lc) => lc.root === root && lc.leaderPosition !== 0);
  for (const lc of lifecycles) {
    const { lifecycle, decision } = planSync({ group: g, lifecycle: lc, view, leaderBalance: core.books.get(leader)?.balance ?? (0 as never), catalog: core.catalog, now: core.clock.now() });
    const tracked = withTrack(lifecycle, { ...(lifecycle.followers[account] ?? never()), tracking: true });
    core.setLifecycle(leader, lc.contract, tracked);
    core.journal.saveLifecycle(leader, lc.contract, tracked);
    if (decision.kind === 'order') {
      const grows = Math.abs(decision.target) > Math.abs(decision.current);
      intents.push(core.newIntent({ accountId: account, groupId: g.id, purpose: 'sync', cause, contract: decision.contract, signedQty: decision.delta, priority: grows ? PRIORITY.entry : PRIORITY.exit }));
      rows.push({ time: core.clock.now(), groupId: g.id, accountId: account, cause, contract: decision.contract, kind: 'sync', reason: undefined, detail: `target ${decision.target}, held ${decision.current}` });
    } else {
      rows.push({ time: core.clock.now(), groupId: g.id, accountId: account, cause, contract: lc.contract, kind: 'sync', reason: 'atTarget', detail: undefined });
    }
    core.setOutOfSync(account, lc.contract, undefined);
  }
  if (lifecycles.length === 0) {
    // The leader is flat in this root: the target is flat, for exactly the contracts its row shows
    // (a root the follower trades for another leader root is not this row's).
    const contracts = rowContracts(core, g, follower, root);
    for (const i of flattenIntents(core, account, g.id, cause, contracts)) {
      intents.push({ ...i, purpose: 'sync' });
      rows.push({ time: core.clock.now(), groupId: g.id, accountId: account, cause, contract: i.contract, kind: 'sync', reason: 'leaderFlat', detail: `${i.side} ${i.qty}` });
    }
    for (const c of contracts) core.setOutOfSync(account, c, undefined);
  }
  core.sendIntents(intents, rows);
}

export function releaseQuarantine(core: EngineCore, account: AccountId, root?: string): void {
  const g = core.groupOfFollower(account);
  if (g?.leader === undefined) return;
  for (const lc of core.lifecyclesOf(g.leader)) {
    const t = lc.followers[account];
    if (!t || t.entryBlock !== 'quarantine' || (root !== undefined && lc.root !== root)) continue;
    const { entryBlock: _released, ...rest } = t;
    const next = withTrack(lc, rest);
    core.setLifecycle(g.leader, lc.contract, next);
    core.journal.saveLifecycle(g.leader, lc.contract, next);
    core.emit({ t: 'quarantine', accountId: account, root: lc.root, on: false, reason: 'released by hand' });
  }
}

/** Quarantined roots of an account (for views and scenario expectations). */
export function quarantinedRoots(core: EngineCore, account: AccountId): string[] {
  const out = new Set<string>();
  for (const lc of core.lifecycles.values()) if (lc.followers[account]?.entryBlock === 'quarantine') out.add(lc.root);
  return [...out].sort();
}

function never(): never {
  throw new Error('sync: the planner returned no track for the follower');
}

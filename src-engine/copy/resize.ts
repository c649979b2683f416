/**
 * A sizing change saved while the leader holds a position (copy-semantics §1): how far it would
 * move each tracking follower, and the two ways the trader may take it — "apply now" (the follower
 * goes to its new target at once) or "from the next entry" (the open lifecycle keeps the sizing it
 * started with until the leader is flat). Pure, like the planner.
 */
import type { ContractCode } from '../domain/contractCode';
import { effectiveMode, effectiveRatio, type AccountId, type Group } from '../domain/group';
import { Rational } from '../domain/rational';
import type { Decision, FollowerView } from './decision';
import { withCurrentRatio } from './join';
import { withTrack, type FollowerTrack, type Lifecycle } from './lifecycle';
import { blockEntries, clampToCap, targetFor } from './target';

export type ResizeChoice = 'now' | 'nextEntry';

export interface Resize {
  readonly account: AccountId;
  readonly contract: ContractCode;
  /** The leader root of the lifecycle. */
  readonly root: string;
  /** Where the follower was last sent, and where the new sizing puts it. */
  readonly from: number;
  readonly to: number;
}

/** The new ratio's target for one tracking follower of an open lifecycle, or undefined when the save does not change its sizing. */
function resized(lc: Lifecycle, track: FollowerTrack, group: Group): { track: FollowerTrack; target: number } | undefined {
  if (!track.tracking || track.sizingPinned === true || lc.leaderPosition === 0) return undefined;
  const f = group.followers.find((x) => x.account === track.account);
  if (!f || effectiveMode(group, f) !== track.mode) return undefined;
  if (effectiveRatio(group, f, lc.root).cmp(Rational.fromString(track.fixedRatio)) === 0) return undefined;
  const next = withCurrentRatio(track, group, f, lc.root);
  const target = targetFor({ track: next, leaderPosition: lc.leaderPosition, leaderEntered: lc.leaderEntered, direction: 'entry', rounding: group.settings.rounding, partialExit: group.settings.partialExit });
  return { track: next, target };
}

/** Every follower whose open position the saved group would resize (target before ≠ after). */
export function resizesOf(lifecycles: readonly Lifecycle[], group: Group): Resize[] {
  const out: Resize[] = [];
  for (const lc of lifecycles) {
    for (const t of Object.values(lc.followers)) {
      const r = resized(lc, t, group);
      if (r && r.target !== t.lastTarget) out.push({ account: t.account, contract: t.contract, root: lc.root, from: t.lastTarget, to: r.target });
    }
  }
  return out;
}

/** "From the next entry": the followers whose sizing the save would change keep the one they started with. */
export function pinSizing(lc: Lifecycle, group: Group): Lifecycle {
  let next = lc;
  for (const t of Object.values(lc.followers)) if (resized(lc, t, group)) next = withTrack(next, { ...t, sizingPinned: true });
  return next;
}

/**
 * "Apply now": the follower is sized with the saved ratio and sent to its new target at once, with
 * the same guards as a copy (entries held back by a gate, the contract cap).
 */
export function applySizingNow(lc: Lifecycle, group: Group, view: FollowerView): { lifecycle: Lifecycle; decision: Decision } | undefined {
  const t = lc.followers[view.follower.account];
  const r = t ? resized(lc, t, group) : undefined;
  if (!t || !r) return undefined;
  const current = view.current(t.contract);
  let T = r.target;
  if (view.entryGate !== undefined) T = blockEntries(T, current);
  if (view.maxContracts !== undefined) T = clampToCap(T, current, view.maxContracts, view.openContractsExcept(t.contract));
  const lifecycle = withTrack(lc, { ...r.track, lastTarget: T });
  const delta = T - current;
  if (delta === 0) return { lifecycle, decision: { kind: 'skip', account: t.account, reason: 'atTarget' } };
  return { lifecycle, decision: { kind: 'order', account: t.account, contract: t.contract, delta, target: T, current } };
}

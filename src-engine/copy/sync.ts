/**
 * Sync (copy-semantics §2, §9): the user sends one follower straight to its current target in an
 * open lifecycle; it tracks from now on. Pure, like the planner.
 */
import type { Catalog } from '../domain/instruments';
import type { Group } from '../domain/group';
import type { Money } from '../domain/money';
import { Rational } from '../domain/rational';
import type { Decision, FollowerView } from './decision';
import { joinTrack, microFallback } from './join';
import { withTrack, type Lifecycle } from './lifecycle';
import { blockEntries, clampToCap, targetFor } from './target';

export interface SyncInput {
  readonly group: Group;
  readonly lifecycle: Lifecycle;
  readonly view: FollowerView;
  readonly leaderBalance: Money;
  readonly catalog: Catalog;
  readonly now: number;
}

export function planSync(input: SyncInput): { lifecycle: Lifecycle; decision: Decision } {
  const { group, lifecycle: lc, view } = input;
  const account = view.follower.account;
  const joined = joinTrack({ group, follower: view.follower, leaderContract: lc.contract, leaderBalance: input.leaderBalance, followerBalance: view.balance, catalog: input.catalog, now: input.now });
  // Fixed mode joining mid-lifecycle: as if it had entered with every leader order so far.
  let track = joined.mode === 'fixed' ? { ...joined, fixedEntered: Rational.fromString(joined.fixedRatio).mulInt(lc.countedEntryOrders.length).toString() } : joined;
  const target = (t: typeof track): number =>
    targetFor({ track: t, leaderPosition: lc.leaderPosition, leaderEntered: lc.leaderEntered, direction: 'entry', rounding: group.settings.rounding, partialExit: group.settings.partialExit });

  let T = target(track);
  if (T === 0 && lc.leaderPosition !== 0 && group.settings.autoMiniMicro && view.current(track.contract) === 0) {
    const micro = microFallback(track, lc.contract, input.catalog, input.now);
    if (micro) {
      track = micro;
      T = target(track);
    }
  }
  track = { ...track, contractSettled: true };
  const current = view.current(track.contract);
  if (view.entryGate !== undefined) T = blockEntries(T, current);
  if (view.maxContracts !== undefined) T = clampToCap(T, current, view.maxContracts, view.openContractsExcept(track.contract));
  const next = withTrack(lc, { ...track, lastTarget: T });
  const delta = T - current;
  if (delta === 0) return { lifecycle: next, decision: { kind: 'skip', account, reason: 'atTarget' } };
  return { lifecycle: next, decision: { kind: 'order', account, contract: track.contract, delta, target: T, current } };
}

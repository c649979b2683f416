/**
 * What a follower fixes when it joins a lifecycle: the contract it will trade (§4: cross symbol,
 * then the group's mapping, then the leader's root; the leader's expiry when listed), its sizing
 * factor (§3: balances read now) and the contract conversion (notional sizing).
 */
import { parseContractCode, type ContractCode } from '../domain/contractCode';
import type { Catalog } from '../domain/instruments';
import { effectiveMode, effectiveRatio, type Follower, type Group } from '../domain/group';
import type { Money } from '../domain/money';
import { Rational } from '../domain/rational';
import type { FollowerTrack } from './lifecycle';

export interface JoinContext {
  readonly group: Group;
  readonly follower: Follower;
  readonly leaderContract: ContractCode;
  readonly leaderBalance: Money;
  readonly followerBalance: Money;
  readonly catalog: Catalog;
  readonly now: number;
}

export function followerRootFor(group: Group, follower: Follower, leaderRoot: string): string {
  return follower.cross[leaderRoot] ?? group.settings.mappings[leaderRoot] ?? leaderRoot;
}

export function joinTrack(ctx: JoinContext): FollowerTrack {
  const { group, follower, catalog } = ctx;
  const leaderRoot = parseContractCode(ctx.leaderContract).root;
  const followerRoot = followerRootFor(group, follower, leaderRoot);
  const contract = catalog.followerContract(ctx.leaderContract, followerRoot, ctx.now);
  const mode = effectiveMode(group, follower);
  // Keyed by the leader's root: a per-root ratio follows the row even when a cross symbol,
  // mapping or micro fallback has the follower trade another contract.
  const ratio = effectiveRatio(group, follower, leaderRoot);

  let k = Rational.ONE;
  if (mode === 'multiplier') k = ratio;
  else if (mode === 'balance') {
    // Fail closed on a leader balance we cannot divide by: size zero, the planner says why.
    k = ctx.leaderBalance > 0 ? ratio.mul(Rational.of(ctx.followerBalance, ctx.leaderBalance)) : Rational.ZERO;
  }
  // Fixed mode counts follower contracts explicitly; notional conversion applies to proportional sizing only.
  const conversion = group.settings.sizing === 'notional' && mode !== 'fixed' ? catalog.pointValueRatio(leaderRoot, followerRoot) : Rational.ONE;

  return {
    account: follower.account,
    tracking: true,
    contract,
    mode,
    k: k.toString(),
    conversion: conversion.toString(),
    fixedEntered: '0',
    fixedRatio: ratio.toString(),
    microFallback: false,
    contractSettled: false,
    lastTarget: 0,
  };
}

/**
 * Micro fallback (§3, `autoMiniMicro`): the follower trades the micro of its contract for this
 * lifecycle, the notional factor applied (1 ES × 0.5 → 5 MES). Undefined when there is no micro.
 */
export function microFallback(track: FollowerTrack, leaderContract: ContractCode, catalog: Catalog, now: number): FollowerTrack | undefined {
  const root = parseContractCode(track.contract).root;
  const micro = catalog.require(root).micro;
  if (micro === undefined) return undefined;
  const contract = catalog.followerContract(leaderContract, micro, now);
  const conversion = Rational.fromString(track.conversion).mul(catalog.pointValueRatio(root, micro));
  return { ...track, contract, conversion: conversion.toString(), microFallback: true };
}

/**
 * §1: an edit to an active group takes effect at once, so the follower's ratio is read at every
 * fill. What its lifecycle fixed when it began stays: the contract (a position is never moved to
 * another contract mid-trade), the mode (fixed mode's count has no meaning for another mode) and,
 * in balance mode, the balances (§3). `fixedRatio` holds the ratio the track was last sized with.
 * A track pinned by a save "from the next entry" keeps its sizing until the leader is flat.
 * `leaderRoot` is the lifecycle's root (the track's contract may be a cross, mapping or micro).
 */
export function withCurrentRatio(track: FollowerTrack, group: Group, follower: Follower, leaderRoot: string): FollowerTrack {
  if (track.sizingPinned === true) return track;
  if (effectiveMode(group, follower) !== track.mode) return track;
  const ratio = effectiveRatio(group, follower, leaderRoot);
  const was = Rational.fromString(track.fixedRatio);
  if (ratio.cmp(was) === 0) return track;
  switch (track.mode) {
    case 'multiplier':
      return { ...track, k: ratio.toString(), fixedRatio: ratio.toString() };
    case 'balance':
      // k = ratio × balance factor; the factor read at the start is k ÷ the old ratio (ratio ≥ 0.1).
      return { ...track, k: Rational.fromString(track.k).mul(ratio).div(was).toString(), fixedRatio: ratio.toString() };
    case 'fixed':
      // Entries from now on add the new ratio; those already counted stay as they were.
      return { ...track, fixedRatio: ratio.toString() };
  }
}

/**
 * Mirroring of the leader's working orders (copy-semantics §5, orderCopy `mirror`): a leader limit
 * or stop order (bracket legs included) is placed on each tracking follower at the same price,
 * sized by the target rule for the order's quantity, so the follower's protection lives at its own
 * broker even if Mirrorfill stops. Pure: sizes one follower's mirror of one leader order.
 */
import type { ContractCode } from '../domain/contractCode';
import { parseContractCode } from '../domain/contractCode';
import type { Catalog } from '../domain/instruments';
import { syncOn, whitelisted, type Group } from '../domain/group';
import type { Money } from '../domain/money';
import { Rational } from '../domain/rational';
import type { FollowerView } from './decision';
import { joinTrack, microFallback, withCurrentRatio } from './join';
import type { FollowerTrack, Lifecycle } from './lifecycle';
import type { Direction } from './rounding';
import { blockEntries, clampToCap, targetFor } from './target';

export interface MirrorSizingInput {
  readonly group: Group;
  readonly groupActive: boolean;
  readonly leaderContract: ContractCode;
  /** Signed quantity the leader order still has to fill (positive = buy). */
  readonly remainingSigned: number;
  /** The leader's position in that contract now. */
  readonly leaderPosition: number;
  readonly lifecycle: Lifecycle | undefined;
  readonly view: FollowerView;
  readonly leaderBalance: Money;
  readonly catalog: Catalog;
  readonly now: number;
}

export type MirrorSize =
  | { readonly kind: 'mirror'; readonly contract: ContractCode; /** Signed follower quantity. */ readonly signedQty: number; readonly direction: Direction }
  | { readonly kind: 'none'; readonly reason: string };

export function sizeMirror(input: MirrorSizingInput): MirrorSize {
  const { group, view } = input;
  const f = view.follower;
  const { root } = parseContractCode(input.leaderContract);
  if (!input.groupActive) return { kind: 'none', reason: 'groupPaused' };
  if (group.settings.orderCopy !== 'mirror') return { kind: 'none', reason: 'fillsOnly' };
  if (!whitelisted(group, root)) return { kind: 'none', reason: 'notWhitelisted' };
  if (!f.enabled) return { kind: 'none', reason: 'disabled' };
  if (!syncOn(f, root)) return { kind: 'none', reason: 'syncOff' };
  if (view.hardLocked) return { kind: 'none', reason: 'locked' };
  if (!view.positionKnown) return { kind: 'none', reason: 'positionUnknown' };

  const P = input.leaderPosition;
  const Pafter = P + input.remainingSigned;
  // An order that closes the whole position is an exit (a full-size stop is the commonest
  // protective order), not a reversal: it goes out with protective priority (§8a).
  const direction: Direction = Math.abs(Pafter) > Math.abs(P) || (P !== 0 && Pafter !== 0 && Math.sign(P) !== Math.sign(Pafter)) ? 'entry' : 'exit';

  let track: FollowerTrack;
  /** The follower's target now (before this order fills). */
  let targetNow = 0;
  if (input.lifecycle) {
    const t = input.lifecycle.followers[f.account];
    if (!t?.tracking) return { kind: 'none', reason: 'notTracking' };
    track = withCurrentRatio(t, group, f, root);
    targetNow = t.lastTarget;
  } else {
    // No lifecycle yet (the leader is flat): size as the follower would join if this order filled.
    track = joinTrack({ group, follower: f, leaderContract: input.leaderContract, leaderBalance: input.leaderBalance, followerBalance: view.balance, catalog: input.catalog, now: input.now });
  }

  const settings = group.settings;
  const entered = (input.lifecycle?.leaderEntered ?? 0) + (direction === 'entry' ? Math.abs(Pafter) - Math.abs(P) : 0);
  const fixedTrack = track.mode === 'fixed' && direction === 'entry' ? { ...track, fixedEntered: Rational.fromString(track.fixedEntered).add(Rational.fromString(track.fixedRatio)).toString() } : track;
  const targetAfter = (t: FollowerTrack): number =>
    targetFor({ track: t, leaderPosition: Pafter, leaderEntered: entered, direction, rounding: settings.rounding, partialExit: settings.partialExit });

  let sized = fixedTrack;
  let T = targetAfter(sized);
  if (T === 0 && Pafter !== 0 && direction === 'entry' && !track.contractSettled && targetNow === 0 && settings.autoMiniMicro) {
    const micro = microFallback(sized, input.leaderContract, input.catalog, input.now);
    if (micro) {
      sized = micro;
      T = targetAfter(sized);
    }
  }

  const current = view.current(sized.contract);
  if (direction === 'exit') {
    // A protective order never exceeds what the follower holds.
    const exitQty = Math.min(Math.abs(targetNow - T), Math.abs(current));
    if (exitQty === 0) return { kind: 'none', reason: 'nothingToProtect' };
    return { kind: 'mirror', contract: sized.contract, signedQty: Math.sign(input.remainingSigned) * exitQty, direction };
  }

  // Which rule cut the mirror, so the journal says why the follower has none (a mirror skipped as
  // "at target" while its entries were held back read as a lost mirror: chaos seed 1596764581).
  let limitedBy: 'entriesBlocked' | 'capReached' | undefined;
  if (view.entryGate !== undefined || track.entryBlock !== undefined) {
    const blocked = blockEntries(T, current);
    if (blocked !== T) limitedBy = 'entriesBlocked';
    T = blocked;
  }
  if (view.maxContracts !== undefined) {
    const capped = clampToCap(T, current, view.maxContracts, view.openContractsExcept(sized.contract));
    if (capped !== T) limitedBy = 'capReached';
    T = capped;
  }
  const qty = T - targetNow;
  if (qty === 0 || Math.sign(qty) !== Math.sign(input.remainingSigned)) return { kind: 'none', reason: limitedBy ?? (T === 0 ? 'belowOneContract' : 'atTarget') };
  return { kind: 'mirror', contract: sized.contract, signedQty: qty, direction };
}

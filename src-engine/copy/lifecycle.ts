/**
 * Tracking state (copy-semantics §2). A lifecycle is one leader position in one contract, from
 * flat to flat; a follower copies it only if it joined at the start (or was synced in). Plain data,
 * so it is journaled as JSON in the same transaction as the decisions it drives.
 */
import type { SizingMode } from '../api/config';
import type { ContractCode } from '../domain/contractCode';
import type { AccountId } from '../domain/group';

export type NotTrackingReason =
  | 'joinedLate'
  | 'syncOff'
  | 'disabled'
  | 'groupPaused'
  | 'locked'
  | 'flattenedByUser'
  | 'reconnectFlatten'
  /** The root was not in the group's whitelist when the lifecycle began (§2, §4). */
  | 'notWhitelisted';

/**
 * Why a tracking follower may only reduce (exits still copy), until the leader is flat. A soft
 * lock blocks entries "the same way" as quarantine (§6): once it has held the follower back in a
 * lifecycle (or was on at its start), lifting it does not let the follower jump into the trade.
 */
export type EntryBlock = 'quarantine' | 'skipEntries' | 'catchUpExpired' | 'budgetExpired' | 'softLock';

export interface FollowerTrack {
  readonly account: AccountId;
  readonly tracking: boolean;
  readonly notTracking?: NotTrackingReason;
  /** The contract this follower trades for the lifecycle (cross, mapping, micro fallback applied). */
  readonly contract: ContractCode;
  readonly mode: SizingMode;
  /** Decimal text of the sizing factor k (multiplier, balance); "1" for fixed. */
  readonly k: string;
  /** Decimal text of the contract-conversion factor (notional and micro fallback), "1" when none. */
  readonly conversion: string;
  /** Fixed mode: contracts entered so far in this lifecycle (Ef), decimal text. */
  readonly fixedEntered: string;
  /** Fixed mode ratio, decimal text. */
  readonly fixedRatio: string;
  readonly microFallback: boolean;
  /** Whether the contract decision is final (made at the first non-zero entry). */
  readonly contractSettled: boolean;
  readonly entryBlock?: EntryBlock;
  /**
   * Set when the trader saved a new ratio mid-trade "from the next entry": this lifecycle keeps
   * the sizing it started with until the leader is flat, so a save never resizes an open position
   * the trader chose to leave alone. The next lifecycle joins with the group's ratio as saved.
   */
  readonly sizingPinned?: true;
  /** The last target this follower was sent to. */
  readonly lastTarget: number;
  /**
   * When an entry was first held back because this follower's position was not known (epoch ms):
   * the reconcile that reads its account decides it by the reconnect policy, as a missed entry.
   */
  readonly unknownSince?: number;
}

export interface Lifecycle {
  /** Unique and stable: `${leaderAccount}|${contract}|${startedAt}`. */
  readonly id: string;
  readonly leaderAccount: AccountId;
  readonly contract: ContractCode;
  readonly root: string;
  readonly startedAt: number;
  /** Leader's signed net position P in this contract. */
  readonly leaderPosition: number;
  /** Contracts the leader entered in this lifecycle (El, fixed mode). */
  readonly leaderEntered: number;
  /** Leader orders already counted as an entry (fixed mode counts an order once, partial fills included). */
  readonly countedEntryOrders: readonly string[];
  readonly followers: Readonly<Record<AccountId, FollowerTrack>>;
}

export function withTrack(lc: Lifecycle, track: FollowerTrack): Lifecycle {
  return { ...lc, followers: { ...lc.followers, [track.account]: track } };
}

export function stopTracking(lc: Lifecycle, account: AccountId, reason: NotTrackingReason): Lifecycle {
  const t = lc.followers[account];
  if (!t?.tracking) return lc;
  return withTrack(lc, { ...t, tracking: false, notTracking: reason });
}

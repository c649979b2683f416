/**
 * What the planner decides for one follower, with the reason a trader reads in the activity log.
 * Every skip has a reason: "when the engine is unsure, it places no order and says why".
 */
import type { ContractCode } from '../domain/contractCode';
import type { AccountId } from '../domain/group';
import type { Money } from '../domain/money';
import type { Follower } from '../domain/group';

export type SkipReason =
  | 'notWhitelisted'
  | 'groupPaused'
  | 'disabled'
  | 'syncOff'
  | 'locked'
  | 'notTracking'
  | 'atTarget'
  | 'belowOneContract'
  | 'entriesBlocked'
  | 'capReached'
  | 'noLeaderBalance'
  /** The follower's broker position has not been read since the engine started: C is unknown. */
  | 'positionUnknown';

/** Why entries (orders that open or grow) are held back for an account right now. */
export type EntryGate = 'softLock' | 'riskUnknown' | 'quarantine' | 'skipEntries' | 'catchUpExpired' | 'budgetExpired';

export type Decision =
  | {
      readonly kind: 'order';
      readonly account: AccountId;
      readonly contract: ContractCode;
      /** Signed order quantity: T − C. */
      readonly delta: number;
      readonly target: number;
      readonly current: number;
      /** Set when a gate or the cap cut the order (it still goes, smaller). */
      readonly limitedBy?: EntryGate | 'maxContracts';
      /** A gate in force on this follower's entries (whether or not it cut this order), and where the leader's rules put it. */
      readonly heldBack?: EntryGate;
      readonly ruleTarget?: number;
      /** A leftover in another variant of the product, closed as the lifecycle starts (§2); a follower may get one per contract besides its copy. */
      readonly absorb?: true;
    }
  | {
      /** The follower's mirror of the leader order that just filled should fill at its broker; check after the grace. */
      readonly kind: 'awaitMirror';
      readonly account: AccountId;
      readonly contract: ContractCode;
      readonly target: number;
      readonly current: number;
      readonly leaderOrderId: string;
    }
  | {
      readonly kind: 'skip';
      readonly account: AccountId;
      readonly reason: SkipReason;
      readonly detail?: string;
      readonly gate?: EntryGate | 'maxContracts';
      /** With `gate`: what the follower holds. */
      readonly current?: number;
      /** A gate in force on this follower's entries, and where the leader's rules put it. */
      readonly heldBack?: EntryGate;
      readonly ruleTarget?: number;
    };

/** What the planner needs to know about one follower right now; the runtime builds it from its books. */
export interface FollowerView {
  readonly follower: Follower;
  readonly balance: Money;
  /** Broker position plus what in-flight copy orders will still add (C of §3). */
  current(contract: ContractCode): number;
  /** Every contract the account holds or has in-flight orders in (for leftovers at a lifecycle start). */
  heldContracts(): readonly ContractCode[];
  /** |position + in-flight| summed over every other contract of the account (for maxContracts). */
  openContractsExcept(contract: ContractCode): number;
  /**
   * Whether C can be trusted: false until the account's book has been re-based on its broker since
   * the engine started (an empty book is not a flat account). Fail closed: no order on an unknown C.
   */
  readonly positionKnown: boolean;
  /** A breach lock: the account receives no copies at all. */
  readonly hardLocked: boolean;
  /** Account-wide entry gate (soft lock, unknown risk). */
  readonly entryGate: 'softLock' | 'riskUnknown' | undefined;
  readonly maxContracts: number | undefined;
  /** Whether this follower has a live mirror of that leader order at its broker. */
  hasLiveMirror(leaderOrderId: string): boolean;
  /**
   * Where this follower's mirrors of leader orders that already filled take it in that contract,
   * while they are still to fill (a grace is running): C does not count them yet. Undefined when
   * no mirror is awaited.
   */
  settlingTarget(contract: ContractCode): number | undefined;
}

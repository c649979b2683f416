/** The planner's view of one follower for tests: flat-or-holding in one contract, nothing else going on. */
import type { ContractCode } from '../domain/contractCode';
import type { Follower } from '../domain/group';
import { moneyFromDollars } from '../domain/money';
import type { FollowerView } from './decision';

export function followerView(follower: Follower, contract: ContractCode, held: number, over: Partial<FollowerView> = {}): FollowerView {
  return {
    follower,
    balance: moneyFromDollars(50_000),
    current: () => held,
    heldContracts: () => (held !== 0 ? [contract] : []),
    openContractsExcept: () => 0,
    positionKnown: true,
    hardLocked: false,
    entryGate: undefined,
    maxContracts: undefined,
    hasLiveMirror: () => false,
    settlingTarget: () => undefined,
    ...over,
  };
}

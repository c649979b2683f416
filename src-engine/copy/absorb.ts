/**
 * §2: "When a lifecycle starts, the follower is sent to its target from whatever it holds at that
 * moment: a position left over from a pause is absorbed, never doubled." C covers the contract the
 * follower trades in the new lifecycle; a leftover in the other variant of that product (5 MES left
 * from a micro-fallback lifecycle, when the new one trades 1 ES) would otherwise stay on top of
 * the target. Pure: one closing order per such contract.
 */
import { parseContractCode, type ContractCode } from '../domain/contractCode';
import type { Catalog } from '../domain/instruments';
import type { Group } from '../domain/group';
import type { Decision, FollowerView } from './decision';
import { followerRootFor } from './join';
import type { FollowerTrack, Lifecycle } from './lifecycle';

export interface AbsorbInput {
  readonly group: Group;
  readonly catalog: Catalog;
  readonly leaderRoot: string;
  /** The leader's other open lifecycles: contracts a follower trades there are not leftovers. */
  readonly otherLifecycles: readonly Lifecycle[];
}

/** Closing orders for what the follower holds in the other variant of the product it now trades for this leader root. */
export function absorbLeftovers(input: AbsorbInput, track: FollowerTrack, view: FollowerView): Decision[] {
  const account = view.follower.account;
  // Only the contracts this leader root can put on the follower: its own (cross, mapping) and that product's micro.
  const root = followerRootFor(input.group, view.follower, input.leaderRoot);
  const micro = input.catalog.product(root)?.micro;
  const roots = new Set(micro !== undefined ? [root, micro] : [root]);
  const claimed = new Set<ContractCode>();
  for (const lc of input.otherLifecycles) {
    const t = lc.followers[account];
    if (t) claimed.add(t.contract);
  }
  const out: Decision[] = [];
  for (const contract of view.heldContracts()) {
    if (contract === track.contract || claimed.has(contract) || !roots.has(parseContractCode(contract).root)) continue;
    const current = view.current(contract);
    if (current === 0) continue;
    out.push({ kind: 'order', account, contract, delta: -current, target: 0, current, absorb: true });
  }
  return out;
}

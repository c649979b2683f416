/**
 * A per-root ratio saved mid-trade goes through the same resize and pin as the follower's ratio
 * (copy-semantics §1, issue #8): the trader is told, and "from the next entry" pins the open
 * lifecycle's sizing until the leader is flat.
 */
import { describe, expect, it } from 'vitest';
import type { GroupInput } from '../api/config';
import { buildGroup } from '../domain/groupEdit';
import type { Group } from '../domain/group';
import { Catalog } from '../domain/instruments';
import { moneyFromDollars } from '../domain/money';
import type { FollowerView } from './decision';
import { followerView } from './followerViewFixture';
import type { Lifecycle } from './lifecycle';
import { planLeaderFill } from './planner';
import { pinSizing, resizesOf } from './resize';

const catalog = Catalog.load();
const NOW = Date.parse('2026-03-02T09:30:00-06:00');
const MNQ = catalog.frontMonth('MNQ', NOW);

function group(followers: GroupInput['followers']): Group {
  return buildGroup({ name: 'G', leader: 'lead', followers }, { id: 'g', existing: undefined, others: [], accountExists: () => true, catalog });
}

function view(g: Group, held: number): FollowerView {
  const f = g.followers[0];
  if (!f) throw new Error('no follower');
  return followerView(f, MNQ, held);
}

/** The leader bought 2 MNQ with the follower at MNQ ×2: it holds 4. */
function longTwo(g: Group): Lifecycle {
  const out = planLeaderFill({ group: g, groupActive: true, leaderAccount: 'lead', contract: MNQ, leaderOrderId: 'o1', signedQty: 2, before: 0, lifecycle: undefined, followers: [view(g, 0)], leaderBalance: moneyFromDollars(50_000), catalog, now: NOW });
  if (!out.lifecycle) throw new Error('no lifecycle');
  return out.lifecycle;
}

describe('resizesOf with a ratio per root', () => {
  const before = group([{ account: 'f', ratio: 1, ratios: { MNQ: 2 } }]);
  const lc = longTwo(before);

  it('a new ratio for the lifecycle’s root resizes it', () => {
    expect(resizesOf([lc], group([{ account: 'f', ratio: 1, ratios: { MNQ: 3 } }]))).toEqual([{ account: 'f', contract: MNQ, root: 'MNQ', from: 4, to: 6 }]);
  });

  it('removing the root’s ratio resizes it to the follower’s ratio', () => {
    expect(resizesOf([lc], group([{ account: 'f', ratio: 1 }]))).toEqual([{ account: 'f', contract: MNQ, root: 'MNQ', from: 4, to: 2 }]);
  });

  it('a follower ratio or another root’s ratio does not touch a root with its own', () => {
    expect(resizesOf([lc], group([{ account: 'f', ratio: 5, ratios: { MNQ: 2, MES: 7 } }]))).toEqual([]);
  });

  it('"from the next entry" pins the open lifecycle at the root’s old ratio until the leader is flat', () => {
    const after = group([{ account: 'f', ratio: 1, ratios: { MNQ: 3 } }]);
    const pinned = pinSizing(lc, after);
    expect(pinned.followers.f?.sizingPinned).toBe(true);
    const out = planLeaderFill({ group: after, groupActive: true, leaderAccount: 'lead', contract: MNQ, leaderOrderId: 'o2', signedQty: 1, before: 2, lifecycle: pinned, followers: [view(after, 4)], leaderBalance: moneyFromDollars(50_000), catalog, now: NOW });
    expect(out.decisions[0]).toMatchObject({ kind: 'order', delta: 2, target: 6 });
  });
});

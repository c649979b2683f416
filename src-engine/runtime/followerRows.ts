/**
 * Which leader root each of a follower's contracts belongs to. A follower trading MNQ as NQ (cross
 * symbol), as a mapped root, or as the micro of either, holds that position for the leader's MNQ:
 * it is on the MNQ row, and the row's Sync and Flatten act on it. A second row keyed by the
 * follower's own root would show the same position twice, with a target of 0, and a Sync there
 * would close it.
 *
 * Read by the views and by the row controls, so a button acts on exactly what its row shows.
 */
import { parseContractCode, type ContractCode } from '../domain/contractCode';
import type { Follower, Group } from '../domain/group';
import type { Catalog } from '../domain/instruments';
import { followerRootFor } from '../copy/join';
import type { EngineCore } from './core';

/**
 * The roots the group's rows are keyed by: what the leader holds, works or has a lifecycle in, what
 * it traded today, and the roots the group is set up for (whitelist, mappings, each follower's
 * cross symbols and sync switches), so rows stay (with their switches) while the leader is flat.
 */
export function groupRoots(core: EngineCore, g: Group): Set<string> {
  const roots = new Set<string>(g.settings.whitelist);
  for (const r of Object.keys(g.settings.mappings)) roots.add(r);
  for (const f of g.followers) {
    for (const r of Object.keys(f.cross)) roots.add(r);
    for (const r of Object.keys(f.sync)) roots.add(r);
    for (const r of Object.keys(f.ratios)) roots.add(r);
  }
  if (g.leader === undefined) return roots;
  const book = core.books.get(g.leader);
  for (const [c] of book?.openPositions() ?? []) roots.add(rootOf(c));
  for (const o of book?.openOrders() ?? []) roots.add(rootOf(o.contract));
  for (const lc of core.lifecyclesOf(g.leader)) roots.add(lc.root);
  for (const fill of core.risk.dayFills(g.leader, 200)) roots.add(rootOf(fill.contract));
  return roots;
}

/**
 * The leader root of a follower's contract: the lifecycle it trades it in first, then the root it
 * is crossed or mapped to, then the leader's own root (a leftover from before a cross symbol was
 * set), then the micro of what it trades. A contract none of the roots claims is its own row.
 */
export function rowRootOf(core: EngineCore, g: Group, f: Follower, roots: ReadonlySet<string>, contract: ContractCode): string {
  if (g.leader !== undefined) {
    for (const lc of core.lifecyclesOf(g.leader)) if (lc.followers[f.account]?.contract === contract) return lc.root;
  }
  const root = rootOf(contract);
  const sorted = [...roots].sort();
  return (
    sorted.find((r) => followerRootFor(g, f, r) === root) ??
    sorted.find((r) => r === root) ??
    sorted.find((r) => microOf(core.catalog, followerRootFor(g, f, r)) === root) ??
    root
  );
}

/** Every contract of a follower's row for a leader root: held, or with a working order. */
export function rowContracts(core: EngineCore, g: Group, f: Follower, leaderRoot: string): Set<ContractCode> {
  const roots = groupRoots(core, g);
  roots.add(leaderRoot);
  const book = core.books.get(f.account);
  const out = new Set<ContractCode>();
  for (const [c] of book?.openPositions() ?? []) if (rowRootOf(core, g, f, roots, c) === leaderRoot) out.add(c);
  for (const o of book?.openOrders() ?? []) if (rowRootOf(core, g, f, roots, o.contract) === leaderRoot) out.add(o.contract);
  return out;
}

export function rootOf(c: ContractCode): string {
  return parseContractCode(c).root;
}

function microOf(catalog: Catalog, root: string): string | undefined {
  return catalog.product(root)?.micro;
}

/**
 * What a group save (or delete) does to positions already open (copy-semantics §1): followers it
 * removes may hold positions or working orders — the trader flattens them now or keeps them,
 * managed by hand; a sizing change may resize an open position — applied now or from the next
 * entry. The impact is computed before the save so the trader is asked first; the choices are
 * carried out as the save is applied, and each is recorded in Activity.
 */
import { parseContractCode, type ContractCode } from '../domain/contractCode';
import type { AccountId, Group } from '../domain/group';
import { applySizingNow, pinSizing, resizesOf, type ResizeChoice } from '../copy/resize';
import { PRIORITY, type Intent } from '../orders/intent';
import type { DecisionRow } from '../orders/decisionRecord';
import type { SaveImpactView } from '../api/views';
import type { EngineCore } from './core';
import { sendFlatten } from './flatten';

export type RemovalChoice = 'flatten' | 'keep';

export interface SaveChoices {
  /** Followers removed with positions or working orders: flatten them now, or keep them as they are. */
  readonly removed?: RemovalChoice;
  /** A sizing change that resizes an open position. Absent: the new ratio applies from the leader's next fill, as before. */
  readonly resize?: ResizeChoice;
}

let seq = 0;
function cause(core: EngineCore, name: string, group: Group): string {
  seq++;
  return `control:${name}:${group.id}:${core.clock.now()}:${seq}`;
}

interface Holding {
  readonly account: AccountId;
  readonly name: string;
  readonly positions: readonly { readonly contract: ContractCode; readonly root: string; readonly qty: number }[];
  readonly workingOrders: number;
}

/** The engine's side of SaveImpactView (contracts typed). */
export interface SaveImpact extends SaveImpactView {
  readonly removed: readonly Holding[];
}

/** What saving `next` over `existing` (or deleting it: `next` undefined) would leave open or resize. */
export function saveImpact(core: EngineCore, existing: Group | undefined, next: Group | undefined): SaveImpact {
  if (!existing) return { removed: [], resized: [] };
  const kept = new Set(next?.followers.map((f) => f.account) ?? []);
  const removed = existing.followers
    .map((f) => f.account)
    .filter((a) => !kept.has(a))
    .map((account) => holdings(core, account))
    .filter((h) => h.positions.length > 0 || h.workingOrders > 0);
  const sameLeader = next !== undefined && existing.leader !== undefined && next.leader === existing.leader;
  const resized = sameLeader ? resizesOf(core.lifecyclesOf(existing.leader), next).filter((r) => kept.has(r.account)) : [];
  return { removed, resized };
}

function holdings(core: EngineCore, account: AccountId): Holding {
  const book = core.books.get(account);
  const positions = (book?.openPositions() ?? []).map(([contract, qty]) => ({ contract, root: parseContractCode(contract).root, qty }));
  return { account, name: core.accounts.get(account)?.name ?? account, positions, workingOrders: book?.openOrders().length ?? 0 };
}

/** Carries out the choice for the removed followers that still hold something (after the save stopped their tracking). */
export function settleRemoved(core: EngineCore, group: Group, impact: SaveImpact, choice: RemovalChoice, verb: 'removed' | 'deleted'): void {
  if (impact.removed.length === 0) return;
  const c = cause(core, verb === 'deleted' ? 'deleteGroup' : 'removeFollower', group);
  const where = verb === 'deleted' ? `group ${group.name} deleted` : `removed from group ${group.name}`;
  const rows: DecisionRow[] = impact.removed.map((h) => ({
    time: core.clock.now(),
    groupId: group.id,
    accountId: h.account,
    cause: c,
    contract: h.positions[0]?.contract,
    kind: 'user',
    reason: choice === 'flatten' ? 'removedFlattened' : 'removedKept',
    detail: `${where}; ${describe(h)} ${choice === 'flatten' ? 'flattened' : 'kept, managed by hand'}`,
  }));
  core.sendIntents([], rows);
  if (choice === 'flatten') sendFlatten(core, impact.removed.map((h) => h.account), c, 'removedFromGroup');
}

function describe(h: Holding): string {
  const parts = h.positions.map((p) => `${p.qty > 0 ? 'long' : 'short'} ${Math.abs(p.qty)} ${p.root}`);
  if (h.workingOrders > 0) parts.push(`${h.workingOrders} working order${h.workingOrders === 1 ? '' : 's'}`);
  return parts.join(', ');
}

/** Pins or applies the new sizing on the group's open lifecycles, as the trader chose. */
export function settleSizing(core: EngineCore, group: Group, choice: ResizeChoice): void {
  const leader = group.leader;
  if (leader === undefined) return;
  const c = cause(core, choice === 'now' ? 'resizeNow' : 'resizeNextEntry', group);
  const intents: Intent[] = [];
  const rows: DecisionRow[] = [];
  for (const lc of core.lifecyclesOf(leader)) {
    const changes = resizesOf([lc], group);
    if (changes.length === 0) continue;
    let next = lc;
    if (choice === 'nextEntry') {
      next = pinSizing(lc, group);
      for (const r of changes) rows.push({ time: core.clock.now(), groupId: group.id, accountId: r.account, cause: c, contract: r.contract, kind: 'user', reason: 'sizingFromNextEntry', detail: `new sizing from the next entry; holds ${Math.abs(r.from)} ${lc.root} until the leader is flat (would be ${Math.abs(r.to)})` });
    } else {
      for (const f of group.followers) {
        const view = core.followerView(group, f);
        // Not read from its broker yet: the new ratio reaches it with the leader's next fill.
        if (!view.positionKnown) continue;
        const applied = applySizingNow(next, group, view);
        if (!applied) continue;
        next = applied.lifecycle;
        const d = applied.decision;
        if (d.kind !== 'order') continue;
        const grows = Math.abs(d.target) > Math.abs(d.current);
        intents.push(core.newIntent({ accountId: d.account, groupId: group.id, purpose: 'sync', cause: c, contract: d.contract, signedQty: d.delta, priority: grows ? PRIORITY.entry : PRIORITY.exit }));
        rows.push({ time: core.clock.now(), groupId: group.id, accountId: d.account, cause: c, contract: d.contract, kind: 'user', reason: 'sizingNow', detail: `new sizing applied now: ${Math.abs(d.current)} → ${Math.abs(d.target)} ${lc.root}` });
      }
    }
    core.setLifecycle(leader, lc.contract, next);
    core.journal.saveLifecycle(leader, lc.contract, next);
  }
  core.sendIntents(intents, rows);
}

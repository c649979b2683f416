/**
 * A mirror whose place request was in flight when its leader order was cancelled or moved: the
 * engine could not reach it then (no broker order id yet), so it is brought in line as soon as the
 * follower's broker shows it. A leader order that filled is the grace's to settle (§5).
 */
import type { AccountId } from '../domain/group';
import type { Intent } from '../orders/intent';
import { PRIORITY } from '../orders/intent';
import { isOpenOrder } from './accountBook';
import { cancelFollowerOrder, modifyMirrors } from './copier';
import type { EngineCore } from './core';

export function alignMirror(core: EngineCore, intent: Intent): void {
  if (intent.purpose !== 'mirror' || intent.leaderOrderId === undefined || intent.brokerOrderId === undefined) return;
  if (intent.status !== 'accepted' && intent.status !== 'partial') return;
  alignFollowerOrder(core, intent.accountId, intent.leaderOrderId, intent.brokerOrderId);
}

/**
 * The same for a follower's native bracket leg whose id became known after its leader leg changed
 * (the entry's copy was on the wire when the trader cancelled or moved the leader's stop or target).
 */
export function alignLegs(core: EngineCore, account: AccountId, leaderOrderIds: readonly string[], followerOrderId: string): void {
  for (const id of leaderOrderIds) alignFollowerOrder(core, account, id, followerOrderId);
}

function alignFollowerOrder(core: EngineCore, account: AccountId, leaderOrderId: string, followerOrderId: string): void {
  const group = core.groupOfFollower(account);
  const leader = group?.leader;
  if (!group || leader === undefined) return;
  const leaderOrder = core.books.get(leader)?.order(leaderOrderId);
  const followerOrder = core.books.get(account)?.order(followerOrderId);
  if (!leaderOrder || (followerOrder && !isOpenOrder(followerOrder))) return;
  if (leaderOrder.status === 'cancelled' || leaderOrder.status === 'rejected') {
    cancelFollowerOrder(core, account, followerOrderId, PRIORITY.protective);
    core.emit({ t: 'decision', time: core.clock.now(), groupId: group.id, accountId: account, cause: `order:${leaderOrderId}`, contract: leaderOrder.contract, kind: 'cancel', reason: 'leaderCancelled', detail: followerOrderId });
    return;
  }
  if (followerOrder && isOpenOrder(leaderOrder) && leaderOrder.price !== undefined && leaderOrder.price !== followerOrder.price) modifyMirrors(core, group, leader, leaderOrder, followerOrderId);
}

/**
 * Every working mirror of a follower against its leader's orders as they are now, once both books
 * are the brokers' (after either side's reconcile). A move or cancel the engine made while the
 * follower's book was not read yet skipped this follower's mirror (no order in its book to move).
 */
export function alignFollowerMirrors(core: EngineCore, follower: AccountId): void {
  const group = core.groupOfFollower(follower);
  const leader = group?.leader;
  if (!group || leader === undefined || !bothReconciled(core, leader, follower)) return;
  const leaderBook = core.books.get(leader);
  // From what the follower's broker has working, not from what the engine believes: a mirror whose
  // intent was taken for final (its cancel reported, its order not listed once) still counts.
  for (const o of core.books.get(follower)?.openOrders() ?? []) {
    if (o.tag === undefined || o.parentOrderId !== undefined) continue; // native legs: settleFollowerLegs
    const intent = core.intents.get(o.tag) ?? core.journal.intentByTag(o.tag);
    if (intent?.purpose !== 'mirror' || intent.leaderOrderId === undefined) continue;
    if (leaderBook?.order(intent.leaderOrderId)) {
      alignFollowerOrder(core, follower, intent.leaderOrderId, o.orderId);
      continue;
    }
    // The leader's broker, read just now, does not have the order: it ended while we could not see.
    cancelFollowerOrder(core, follower, o.orderId, PRIORITY.protective);
    core.emit({ t: 'decision', time: core.clock.now(), groupId: group.id, accountId: follower, cause: `order:${intent.leaderOrderId}`, contract: o.contract, kind: 'cancel', reason: 'leaderOrderGone', detail: o.orderId });
  }
}

function bothReconciled(core: EngineCore, ...accounts: AccountId[]): boolean {
  return accounts.every((a) => core.reconciled(a));
}

/**
 * A mirror whose place request was in flight when its leader order was cancelled or moved: the
 * engine could not reach it then (no broker order id yet), so it is brought in line as soon as the
 * follower's broker shows it. A leader order that filled is the grace's to settle (§5).
 */
import type { Intent } from '../orders/intent';
import { PRIORITY } from '../orders/intent';
import { isOpenOrder } from './accountBook';
import { cancelFollowerOrder, modifyMirrors } from './copier';
import type { EngineCore } from './core';

export function alignMirror(core: EngineCore, intent: Intent): void {
  if (intent.purpose !== 'mirror' || intent.leaderOrderId === undefined || intent.brokerOrderId === undefined) return;
  if (intent.status !== 'accepted' && intent.status !== 'partial') return;
  const group = intent.groupId !== undefined ? core.groups.get(intent.groupId) : undefined;
  const leader = group?.leader;
  if (!group || leader === undefined) return;
  const leaderOrder = core.books.get(leader)?.order(intent.leaderOrderId);
  const followerOrder = core.books.get(intent.accountId)?.order(intent.brokerOrderId);
  if (!leaderOrder || !followerOrder || !isOpenOrder(followerOrder)) return;
  if (leaderOrder.status === 'cancelled' || leaderOrder.status === 'rejected') {
    cancelFollowerOrder(core, intent.accountId, intent.brokerOrderId, PRIORITY.protective);
    core.emit({ t: 'decision', time: core.clock.now(), groupId: group.id, accountId: intent.accountId, cause: intent.cause, contract: intent.contract, kind: 'cancel', reason: 'leaderCancelled', detail: intent.brokerOrderId });
    return;
  }
  if (isOpenOrder(leaderOrder) && leaderOrder.price !== undefined && leaderOrder.price !== followerOrder.price) modifyMirrors(core, group, leader, leaderOrder, intent.brokerOrderId);
}


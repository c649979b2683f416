/**
 * Leader working orders a follower has no mirror of, once its books are known (§5, §8: never a
 * missed copy). A mirror planned while the follower's position was unknown (its connection not yet
 * up after a start, or down) was skipped with reason positionUnknown; nothing else would place it
 * later, so the follower went without the leader's stop or target for the rest of the trade.
 * Runs after the follower's reconcile, when its native bracket legs have been linked again.
 */
import type { AccountId } from '../domain/group';
import { isOpenOrder } from './accountBook';
import { planNewMirror } from './copier';
import type { EngineCore } from './core';

export function mirrorMissing(core: EngineCore, follower: AccountId): void {
  const group = core.groupOfFollower(follower);
  const leader = group?.leader;
  if (!group || leader === undefined || group.settings.orderCopy !== 'mirror') return;
  const leaderBook = core.books.get(leader);
  // The leader's book must be the broker's, now: an order it shows open may be gone otherwise.
  if (!leaderBook || !core.reconciled(leader)) return;
  for (const order of leaderBook.openOrders()) {
    if (order.type === 'market' || order.price === undefined || order.status === 'suspended') continue;
    // Legs of an entry still working travel with the entry's copy (one native bracket request).
    if (order.parentOrderId !== undefined) {
      const parent = leaderBook.order(order.parentOrderId);
      if (parent && isOpenOrder(parent)) continue;
    }
    if (core.mirrors.isLive(order.orderId, follower, core)) continue;
    planNewMirror(core, leader, order.orderId, follower);
  }
}

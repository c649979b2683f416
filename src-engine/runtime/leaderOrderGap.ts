/**
 * A leader's working orders after a gap (copy-semantics §5, §8). What the trader did to them while
 * the engine could not see — cancelled, moved, placed — reaches the followers' mirrors once the
 * leader's connection is back (or the engine has restarted), as if the events had arrived: no
 * follower keeps an order its leader no longer has. Runs after the books are re-based on the
 * broker's snapshot and the followers' books are known.
 *
 * After a restart the links between a leader's bracket legs and its followers' native legs (kept
 * in memory) are rebuilt from the journal first, so a leg the leader moves or cancels is followed,
 * and never mirrored a second time as a plain order.
 */
import type { AccountId } from '../domain/group';
import type { AccountSnapshot, BrokerOrder } from '../orders/broker';
import { cancelMirrors, modifyMirrors, onLeaderOrder } from './copier';
import type { EngineCore } from './core';

export function settleLeaderOrders(core: EngineCore, leader: AccountId, openBefore: readonly BrokerOrder[], snap: AccountSnapshot): void {
  const group = core.groupOfLeader(leader);
  if (!group) return;
  relinkBracketLegs(core, leader, snap);

  const open = new Map(snap.openOrders.map((o) => [o.orderId, o]));
  const filled = new Map<string, number>();
  for (const f of snap.fills) filled.set(f.orderId, (filled.get(f.orderId) ?? 0) + f.qty);
  const before = new Map(openBefore.map((o) => [o.orderId, o]));

  // Ended in the gap. Filled ones are the fill recovery's (their mirrors fill at the followers'
  // brokers, or the grace closes the gap); the rest were cancelled, and so are their mirrors.
  const ended = new Set<string>([...before.keys(), ...core.mirrors.leaderOrderIds()]);
  for (const id of ended) {
    if (open.has(id)) continue;
    const known = before.get(id);
    const fills = filled.get(id) ?? 0;
    const fullyFilled = known ? fills >= known.qty : fills > 0;
    if (!fullyFilled) cancelMirrors(core, leader, id);
  }

  for (const order of snap.openOrders) {
    const prev = before.get(order.orderId);
    if (prev) {
      if (prev.price !== order.price || prev.qty !== order.qty) onLeaderOrder(core, leader, order, prev);
    } else if (core.mirrors.has(order.orderId)) {
      // Restarted: what the engine knew of the order is gone; the mirrors at the brokers tell.
      if (mirrorsDiffer(core, order)) modifyMirrors(core, group, leader, order);
    } else {
      // Placed in the gap: mirrored now, like a new order.
      onLeaderOrder(core, leader, order, undefined);
    }
  }
}

function mirrorsDiffer(core: EngineCore, order: BrokerOrder): boolean {
  return core.mirrors.liveOrders(order.orderId, core).some((live) => core.books.get(live.account)?.order(live.orderId)?.price !== order.price);
}

/** Leader bracket legs whose entry was copied with native legs: link them to those legs again. */
function relinkBracketLegs(core: EngineCore, leader: AccountId, snap: AccountSnapshot): void {
  for (const leg of snap.openOrders) {
    if (leg.parentOrderId === undefined || core.mirrors.has(leg.orderId) || (leg.type !== 'stop' && leg.type !== 'limit')) continue;
    const kind = leg.type;
    for (const entry of core.journal.intentsForLeaderOrder(leg.parentOrderId)) {
      if (entry.bracket === undefined || entry.accountId === leader) continue;
      const followerLeg =
        entry.brokerOrderId !== undefined
          ? core.books
              .get(entry.accountId)
              ?.openOrders()
              .find((o) => o.parentOrderId === entry.brokerOrderId && o.type === kind)
          : undefined;
      core.mirrors.add(leg.orderId, { account: entry.accountId, parentTag: entry.tag, leg: kind, ...(followerLeg ? { orderId: followerLeg.orderId } : {}) });
    }
  }
}

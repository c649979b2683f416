/**
 * A leader's working orders after a gap (copy-semantics §5, §8). What the trader did to them while
 * the engine could not see — cancelled, moved, placed — reaches the followers' mirrors once the
 * leader's connection is back (or the engine has restarted), as if the events had arrived: no
 * follower keeps an order its leader no longer has. Runs after the books are re-based on the
 * broker's snapshot and the followers' books are known.
 *
 * After a restart the links between a leader's bracket legs and its followers' native legs (kept
 * in memory) are rebuilt from the journal first, so a leg the leader moves or cancels is followed,
 * and never mirrored a second time as a plain order; a follower leg whose leader leg ended in the
 * gap is cancelled.
 */
import type { AccountId } from '../domain/group';
import type { AccountSnapshot, BrokerOrder } from '../orders/broker';
import { PRIORITY } from '../orders/intent';
import { cancelFollowerOrder, cancelMirrors, modifyMirrors, onLeaderOrder } from './copier';
import type { EngineCore } from './core';

export function settleLeaderOrders(core: EngineCore, leader: AccountId, openBefore: readonly BrokerOrder[], snap: AccountSnapshot): void {
  const group = core.groupOfLeader(leader);
  if (!group) return;
  for (const f of group.followers) settleFollowerLegs(core, f.account);

  const open = new Map(snap.openOrders.map((o) => [o.orderId, o]));
  const filled = new Map<string, number>();
  for (const f of snap.fills) filled.set(f.orderId, (filled.get(f.orderId) ?? 0) + f.qty);
  const before = new Map(openBefore.map((o) => [o.orderId, o]));

  // Ended in the gap. Filled ones are the fill recovery's (their mirrors fill at the followers'
  // brokers, or the grace closes the gap); the rest were cancelled, and so are their mirrors.
  // Only this leader's orders: the mirror book holds every group's, and another leader's order is
  // never in this leader's snapshot (chaos: a restart cancelled the Tradovate-led group's mirrors
  // when the ProjectX leader reconciled).
  const mirroredHere = core.mirrors.leaderOrderIds().filter((id) => core.mirrors.links(id).some((l) => core.groupOfFollower(l.account)?.id === group.id));
  const ended = new Set<string>([...before.keys(), ...mirroredHere]);
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

/**
 * Each follower's native bracket legs against its leader's (after a restart the links are gone,
 * and after a gap the leader's legs may be too): a leg whose leader leg is still working is linked
 * to it again; a leg whose leader leg has ended is cancelled — the leader's protection is gone, so
 * is the follower's (its position follows the leader's own exit).
 */
export function settleFollowerLegs(core: EngineCore, follower: AccountId): void {
  const g = core.groupOfFollower(follower);
  const leaderBook = g?.leader !== undefined ? core.books.get(g.leader) : undefined;
  const book = core.books.get(follower);
  if (!g || !leaderBook?.known || !book?.known) return;
  const leaderLegs = leaderBook.openOrders().filter((o) => o.parentOrderId !== undefined);
  for (const leg of book.openOrders()) {
    if (leg.parentOrderId === undefined || (leg.type !== 'stop' && leg.type !== 'limit')) continue;
    const entry = core.intents.byOrder(leg.parentOrderId) ?? core.journal.intentForBrokerOrder(follower, leg.parentOrderId);
    if (entry?.bracket === undefined || entry.leaderOrderId === undefined) continue;
    const kind = leg.type;
    const leaderLeg = leaderLegs.find((o) => o.parentOrderId === entry.leaderOrderId && o.type === kind);
    if (leaderLeg) {
      // Linked by this leg, not by the account: the follower may also have a plain mirror of the
      // leader leg (journaled, so loaded at start), or another entry's legs at the same prices.
      const linked = core.mirrors.links(leaderLeg.orderId).find((l) => l.account === follower && (l.orderId === leg.orderId || (l.orderId === undefined && l.parentTag === entry.tag && l.leg === kind)));
      if (linked) linked.orderId = leg.orderId;
      else core.mirrors.add(leaderLeg.orderId, { account: follower, parentTag: entry.tag, leg: kind, orderId: leg.orderId });
      // Moved while the engine could not see (dead, or this follower's books unknown when the
      // leader's connection settled its orders): the follower's leg goes where the leader's is.
      if (leaderLeg.price !== undefined && leg.price !== leaderLeg.price) moveFollowerLeg(core, g.id, follower, leg, leaderLeg);
      continue;
    }
    cancelFollowerOrder(core, follower, leg.orderId, PRIORITY.protective);
    core.emit({ t: 'decision', time: core.clock.now(), groupId: g.id, accountId: follower, cause: `order:${entry.leaderOrderId}`, contract: leg.contract, kind: 'cancel', reason: 'leaderLegGone', detail: leg.orderId });
  }
}

function moveFollowerLeg(core: EngineCore, groupId: string, follower: AccountId, leg: BrokerOrder, leaderLeg: BrokerOrder): void {
  const conn = core.connectionOf(follower);
  if (!conn || leaderLeg.price === undefined) return;
  core.dispatcher.submit(conn.row.id, { kind: 'modify', request: { accountId: follower, orderId: leg.orderId, qty: leg.qty, type: leg.type, price: leaderLeg.price }, priority: PRIORITY.modify });
  core.emit({ t: 'decision', time: core.clock.now(), groupId, accountId: follower, cause: `order:${leaderLeg.orderId}`, contract: leg.contract, kind: 'modify', reason: 'leaderLegMoved', detail: `${leg.type} ${leg.qty} @ ${leaderLeg.price}` });
}

/**
 * Which follower orders mirror which leader order: a standalone mirror is one of our intents (by
 * tag); a native bracket leg is a follower order the broker created with the entry (by order id,
 * learned from the place outcome or the leg's own events).
 */
import type { AccountId } from '../domain/group';
import { isFinal } from '../orders/orderState';
import { isOpenOrder } from './accountBook';
import type { EngineCore } from './core';

export interface MirrorLink {
  readonly account: AccountId;
  /** Our intent, when the mirror was placed on its own. */
  readonly tag?: string;
  /** The follower order id once known. */
  orderId?: string;
  /** For a bracket leg awaiting its id: the follower entry intent and which leg. */
  readonly parentTag?: string;
  readonly leg?: 'stop' | 'limit';
  /** For a bracket leg: the follower entry's broker order id, once looked up. */
  parentOrderId?: string;
}

export class MirrorBook {
  private readonly byLeader = new Map<string, MirrorLink[]>();

  add(leaderOrderId: string, link: MirrorLink): void {
    const list = this.byLeader.get(leaderOrderId) ?? [];
    list.push(link);
    this.byLeader.set(leaderOrderId, list);
  }

  links(leaderOrderId: string): readonly MirrorLink[] {
    return this.byLeader.get(leaderOrderId) ?? [];
  }

  has(leaderOrderId: string): boolean {
    return (this.byLeader.get(leaderOrderId)?.length ?? 0) > 0;
  }

  /**
   * Follower bracket legs reported by the broker: attach their ids to the waiting links. Returns
   * the leader orders whose links got an id (the leader's leg may have changed meanwhile).
   */
  resolveLeg(parentTag: string, leg: 'stop' | 'limit', orderId: string): string[] {
    const resolved: string[] = [];
    for (const [leaderOrderId, list] of this.byLeader) {
      for (const l of list) {
        if (l.parentTag === parentTag && l.leg === leg && l.orderId === undefined) {
          l.orderId = orderId;
          resolved.push(leaderOrderId);
        }
      }
    }
    return resolved;
  }

  /**
   * A bracket leg link still waiting for its follower order id: looked for in the follower's book
   * (the leg whose parent is the entry's broker order, or that carries the entry's tag). The id may
   * never have been attached — the leg's events came before the entry was linked, or after it was
   * final and dropped from the index; the place outcome that named it was lost in a crash.
   */
  private resolvePending(l: MirrorLink, core: EngineCore): void {
    if (l.orderId !== undefined || l.parentTag === undefined || l.leg === undefined) return;
    const book = core.books.get(l.account);
    if (!book) return;
    l.parentOrderId ??= (core.intents.get(l.parentTag) ?? core.journal.intentByTag(l.parentTag))?.brokerOrderId;
    const parentId = l.parentOrderId;
    const legTag = `${l.parentTag}-${l.leg === 'stop' ? 'sl' : 'tp'}`;
    const found = book.openOrders().find((o) => o.type === l.leg && ((parentId !== undefined && o.parentOrderId === parentId) || o.tag === legTag));
    if (found) l.orderId = found.orderId;
  }

  /** Whether `account` has a mirror of that leader order still able to fill at its broker. */
  isLive(leaderOrderId: string, account: AccountId, core: EngineCore): boolean {
    for (const l of this.links(leaderOrderId)) {
      if (l.account !== account) continue;
      if (l.orderId === undefined && l.parentTag !== undefined) {
        const parent = core.intents.get(l.parentTag);
        if (parent && !isFinal(parent.status)) return true;
        this.resolvePending(l, core);
      }
      if (l.orderId !== undefined) {
        const o = core.books.get(account)?.order(l.orderId);
        if (o ? isOpenOrder(o) : true) return true;
        continue;
      }
      if (l.tag !== undefined) {
        const i = core.intents.get(l.tag);
        if (i && !isFinal(i.status)) return true;
        continue;
      }
      if (l.parentTag !== undefined) {
        const parent = core.intents.get(l.parentTag);
        if (parent && !isFinal(parent.status)) return true;
      }
    }
    return false;
  }

  /** The follower order ids of live mirrors of a leader order, per account. */
  liveOrders(leaderOrderId: string, core: EngineCore): { account: AccountId; orderId: string; tag?: string }[] {
    const out: { account: AccountId; orderId: string; tag?: string }[] = [];
    for (const l of this.links(leaderOrderId)) {
      this.resolvePending(l, core);
      const orderId = l.orderId ?? (l.tag !== undefined ? core.intents.get(l.tag)?.brokerOrderId : undefined);
      if (orderId === undefined) continue;
      const o = core.books.get(l.account)?.order(orderId);
      if (o && !isOpenOrder(o)) continue;
      out.push({ account: l.account, orderId, ...(l.tag !== undefined ? { tag: l.tag } : {}) });
    }
    return out;
  }

  /** The leader order a follower order mirrors, when the book knows it by id. */
  leaderOrderOf(account: AccountId, orderId: string): string | undefined {
    for (const [leaderOrderId, list] of this.byLeader) for (const l of list) if (l.account === account && l.orderId === orderId) return leaderOrderId;
    return undefined;
  }

  /** Whether this follower order is one of the mirrors (a native bracket leg, or a plain mirror) the book knows by id. */
  isMirrorOrder(account: AccountId, orderId: string): boolean {
    return this.leaderOrderOf(account, orderId) !== undefined;
  }

  /** Every leader order that has (or had) mirrors. */
  leaderOrderIds(): string[] {
    return [...this.byLeader.keys()];
  }

  forget(leaderOrderId: string): void {
    this.byLeader.delete(leaderOrderId);
  }
}

/**
 * Turns user-hub items (and REST snapshot rows) into engine events. It keeps the last known state
 * of every entity so sparse updates can be merged, decides which of two views of an order is the
 * newer, deduplicates fills by trade id, and remembers which keys the hub touched so an older REST
 * snapshot never overwrites a newer hub event.
 */
import type { ContractCode } from '../../domain/contractCode';
import type { Logger } from '../../domain/log';
import type { BrokerEvent, BrokerFill, BrokerOrder, BrokerPosition } from '../../orders/broker';
import type { ContractIds } from './contractIds';
import type { HubItem } from './hubCodec';
import type { Decoded } from './restCodec';
import {
  completeOrder,
  completePosition,
  completeTrade,
  mergeSparse,
  type WireAccount,
  type WireOrder,
  type WirePosition,
  type WireTrade,
} from './wireModels';
import { balanceOf, isFinalStatus, toBrokerFill, toBrokerOrder, toBrokerPosition } from './wireToEngine';

export interface UserEventSink {
  emit(event: BrokerEvent): void;
  /** Data we cannot interpret at all (schema-valid but meaningless): protocolError + resync. */
  protocolError(detail: string): void;
  /** An entity too sparse to use: look it up over REST, then feed it back. */
  needOrder(accountId: number, orderId: number): void;
  /** Too sparse and no account to look it up by: a full resync recovers it. */
  needResync(reason: string): void;
  now(): number;
}

/** Which of two snapshots of one order is older (last write wins by time, fill volume, finality). */
export function isStaleOrder(prev: BrokerOrder | undefined, next: BrokerOrder): boolean {
  if (!prev) return false;
  if (isFinalStatus(prev.status) && !isFinalStatus(next.status)) return true;
  if (next.time < prev.time) return true;
  return next.filledQty < prev.filledQty;
}

function sameOrder(a: BrokerOrder, b: BrokerOrder): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export class UserEventState {
  private readonly orders = new Map<number, WireOrder>();
  private readonly emittedOrders = new Map<number, BrokerOrder>();
  private readonly positions = new Map<number, WirePosition>();
  private readonly accounts = new Map<number, WireAccount>();
  private readonly trades = new Map<number, WireTrade>();
  private readonly seenFills = new Set<string>();
  private readonly rejectReasons = new Map<number, string>();
  /** Hub touches by key, on one counter, so a REST snapshot can tell what changed since it was asked. */
  private readonly touched = new Map<string, number>();
  private seq = 0;

  constructor(
    private readonly ids: ContractIds,
    private readonly ownAccounts: () => ReadonlySet<number>,
    private readonly sink: UserEventSink,
    private readonly log: Logger,
  ) {}

  /** A mark to pass to the snapshot functions: hub events after it win over the snapshot. */
  mark(): number {
    return this.seq;
  }

  // ---- hub items --------------------------------------------------------------------------------

  onOrders(items: readonly HubItem<WireOrder>[]): void {
    for (const { entity } of items) {
      this.touch(`order:${entity.id}`);
      this.applyOrder(entity);
    }
  }

  onTrades(items: readonly HubItem<WireTrade>[]): void {
    for (const { entity } of items) this.applyTrade(entity);
  }

  onPositions(items: readonly HubItem<WirePosition>[]): void {
    for (const { entity, action } of items) {
      const merged = mergeSparse(this.positions.get(entity.id), entity);
      this.positions.set(entity.id, merged);
      const p = this.positionEvent(merged, action);
      if (p) {
        this.touch(`position:${p.position.accountId}:${p.position.contract}`);
        this.sink.emit(p);
      }
    }
  }

  onAccounts(items: readonly HubItem<WireAccount>[]): void {
    for (const { entity } of items) {
      const merged = mergeSparse(this.accounts.get(entity.id), entity);
      this.accounts.set(entity.id, merged);
      this.touch(`account:${entity.id}`);
      this.emitBalance(merged);
    }
  }

  // ---- REST rows --------------------------------------------------------------------------------

  /** An order read over REST (snapshot or lookup); ignored when the hub has said something newer since `mark`. */
  orderFromRest(o: WireOrder, mark: number): void {
    if (this.changedSince(`order:${o.id}`, mark)) return;
    this.applyOrder(o);
  }

  positionFromRest(p: WirePosition, mark: number): void {
    const merged = mergeSparse(this.positions.get(p.id), p);
    const e = this.positionEvent(merged, undefined);
    if (!e || this.changedSince(`position:${e.position.accountId}:${e.position.contract}`, mark)) return;
    this.positions.set(p.id, merged);
    this.sink.emit(e);
  }

  /** Positions the hub knew as open but the REST snapshot no longer lists: flat now. */
  flattenMissing(accountId: number, open: readonly WirePosition[], mark: number): void {
    const still = new Set(open.map((p) => p.id));
    for (const [id, p] of this.positions) {
      if (p.accountId !== accountId || still.has(id) || (p.size ?? 0) === 0) continue;
      const flat = { ...p, size: 0 };
      const e = this.positionEvent(flat, 0);
      if (!e || this.changedSince(`position:${e.position.accountId}:${e.position.contract}`, mark)) continue;
      this.positions.set(id, flat);
      this.sink.emit(e);
    }
  }

  accountFromRest(a: WireAccount, mark: number): void {
    if (this.changedSince(`account:${a.id}`, mark)) return;
    const merged = mergeSparse(this.accounts.get(a.id), a);
    this.accounts.set(a.id, merged);
    this.emitBalance(merged);
  }

  /** The broker's text for a rejection we learnt from the place answer; re-emits the order with it. */
  rememberRejection(orderId: number, reason: string): void {
    this.rejectReasons.set(orderId, reason);
    const known = this.orders.get(orderId);
    if (known) this.applyOrder(known);
  }

  knownOrder(orderId: number): WireOrder | undefined {
    return this.orders.get(orderId);
  }

  /** The bracket legs the hub has shown for an entry: stop first, then target. */
  legsOf(entryId: number): string[] {
    const legs = [...this.orders.values()].filter((o) => o.parentOrderId === entryId);
    const rank = (o: WireOrder): number => (o.type === 4 || o.type === 5 ? 0 : 1);
    return legs.sort((a, b) => rank(a) - rank(b) || a.id - b.id).map((o) => String(o.id));
  }

  /** A complete, current view of an order for query answers (snapshot, findOrderByTag). */
  toOrder(o: WireOrder): BrokerOrder | undefined {
    const complete = completeOrder(o);
    if (Array.isArray(complete)) return undefined;
    const contract = this.contractOf(complete.contractId);
    if (!contract.ok) return undefined;
    const r = toBrokerOrder(complete, contract.value, { rejectReason: this.rejectReasons.get(o.id), fallbackTime: this.sink.now() });
    return r.ok ? r.value : undefined;
  }

  toPosition(p: WirePosition): BrokerPosition | undefined {
    return this.positionEvent(p, undefined)?.position;
  }

  toFill(t: WireTrade): BrokerFill | undefined {
    const complete = completeTrade(t);
    if (Array.isArray(complete) || t.voided === true) return undefined;
    const contract = this.contractOf(complete.contractId);
    if (!contract.ok) return undefined;
    const f = toBrokerFill(complete, contract.value, this.sink.now());
    return f.ok ? f.value : undefined;
  }

  /** Orders we last reported as not final, for one account: a snapshot that no longer lists them must look them up. */
  openOrderIds(accountId: number): number[] {
    const out: number[] = [];
    for (const [id, o] of this.emittedOrders) if (o.accountId === String(accountId) && !isFinalStatus(o.status)) out.push(id);
    return out;
  }

  contractOf(contractId: string): Decoded<ContractCode> {
    return this.ids.fromId(contractId);
  }

  // ---- internals --------------------------------------------------------------------------------

  private applyOrder(entity: WireOrder): void {
    const merged = mergeSparse(this.orders.get(entity.id), entity);
    this.orders.set(entity.id, merged);
    const complete = completeOrder(merged);
    if (Array.isArray(complete)) {
      if (merged.accountId !== undefined) this.sink.needOrder(merged.accountId, merged.id);
      else this.sink.needResync(`order ${merged.id} without ${complete.join(', ')}`);
      return;
    }
    if (!this.ownAccounts().has(complete.accountId)) return;
    const contract = this.contractOf(complete.contractId);
    if (!contract.ok) {
      this.log.warn('order on a contract outside the catalog ignored', { orderId: complete.id, detail: contract.error });
      return;
    }
    const order = toBrokerOrder(complete, contract.value, { rejectReason: this.rejectReasons.get(complete.id), fallbackTime: this.sink.now() });
    if (!order.ok) {
      this.sink.protocolError(order.error);
      return;
    }
    const prev = this.emittedOrders.get(complete.id);
    if (prev && (sameOrder(prev, order.value) || isStaleOrder(prev, order.value))) return;
    this.emittedOrders.set(complete.id, order.value);
    this.sink.emit({ kind: 'order', order: order.value });
  }

  private applyTrade(entity: WireTrade): void {
    if (entity.voided === true) return;
    let merged = mergeSparse(this.trades.get(entity.id), entity);
    // Sparse trades leave out what their order says (§12.3): take account and contract from it.
    const order = merged.orderId !== undefined ? this.orders.get(merged.orderId) : undefined;
    if (order) merged = { ...merged, accountId: merged.accountId ?? order.accountId, contractId: merged.contractId ?? order.contractId, side: merged.side ?? order.side };
    this.trades.set(entity.id, merged);
    const complete = completeTrade(merged);
    if (Array.isArray(complete)) {
      if (merged.accountId !== undefined && merged.orderId !== undefined && !order) this.sink.needOrder(merged.accountId, merged.orderId);
      else this.sink.needResync(`trade ${merged.id} without ${complete.join(', ')}`);
      return;
    }
    if (!this.ownAccounts().has(complete.accountId)) return;
    const key = `${complete.accountId}:${complete.id}`;
    if (this.seenFills.has(key)) return;
    const contract = this.contractOf(complete.contractId);
    if (!contract.ok) {
      this.log.warn('trade on a contract outside the catalog ignored', { tradeId: complete.id, detail: contract.error });
      return;
    }
    const fill = toBrokerFill(complete, contract.value, this.sink.now());
    if (!fill.ok) {
      this.sink.protocolError(fill.error);
      return;
    }
    this.seenFills.add(key);
    this.sink.emit({ kind: 'fill', fill: fill.value });
  }

  /** A trade whose order we just looked up: try it again now that the order is known. */
  retryTradesOf(orderId: number): void {
    for (const t of this.trades.values()) if (t.orderId === orderId) this.applyTrade(t);
  }

  private positionEvent(p: WirePosition, action: number | undefined): Extract<BrokerEvent, { kind: 'position' }> | undefined {
    let contract: Decoded<ContractCode> | undefined;
    if (p.contractId !== undefined) contract = this.ids.fromId(p.contractId);
    else if (p.contractDisplayName !== undefined) contract = this.ids.fromName(p.contractDisplayName, this.sink.now());
    const complete = completePosition(p);
    if (Array.isArray(complete) || !contract) {
      this.sink.needResync(`position ${p.id} without ${Array.isArray(complete) ? complete.join(', ') : 'contract'}`);
      return undefined;
    }
    if (!contract.ok) {
      this.log.warn('position on a contract outside the catalog ignored', { positionId: p.id, detail: contract.error });
      return undefined;
    }
    if (!this.ownAccounts().has(complete.accountId)) return undefined;
    const pos = toBrokerPosition(complete, contract.value, action);
    if (!pos.ok) {
      this.sink.protocolError(pos.error);
      return undefined;
    }
    return { kind: 'position', position: pos.value };
  }

  private emitBalance(a: WireAccount): void {
    if (a.balance === undefined || !this.ownAccounts().has(a.id)) return;
    const b = balanceOf(a.balance);
    if (!b.ok) {
      this.sink.protocolError(`account ${a.id}: ${b.error}`);
      return;
    }
    this.sink.emit({ kind: 'balance', accountId: String(a.id), balance: b.value });
  }

  private touch(key: string): void {
    this.touched.set(key, ++this.seq);
  }

  private changedSince(key: string, mark: number): boolean {
    return (this.touched.get(key) ?? 0) > mark;
  }
}

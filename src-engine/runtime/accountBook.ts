/**
 * What the engine knows of one account at its broker: net positions (from fills, deduplicated by
 * fill id, re-based on every snapshot), its orders, its balance. The broker is the truth; this book
 * is rebuilt from a snapshot after every (re)connect.
 */
import type { ContractCode } from '../domain/contractCode';
import type { AccountId } from '../domain/group';
import { ZERO_MONEY, type Money } from '../domain/money';
import type { AccountSnapshot, BrokerFill, BrokerOrder } from '../orders/broker';

/** Final orders kept for lookups by id (late fills, mirrors); older ones are forgotten. */
const KEEP_FINAL = 1_000;

export class AccountBook {
  private readonly positions = new Map<ContractCode, number>();
  /** Orders not in a final state: the ones every copy decision looks at. */
  private readonly open = new Map<string, BrokerOrder>();
  private readonly final = new Map<string, BrokerOrder>();
  private readonly fillIds = new Set<string>();
  /** Orders with at least one fill seen (live or in a snapshot): an order gone from the book without one never traded. */
  private readonly filledOrderIds = new Set<string>();
  balance: Money = ZERO_MONEY;
  /** Whether this account's connection is up and reconciled. */
  live = false;
  /**
   * Whether the book has been re-based on a broker snapshot since the engine started. Before that
   * its positions are not stale but empty: a copy planned on them would re-send whole targets.
   */
  known = false;
  /**
   * Whether the engine's open intents on this account have been resolved against that snapshot
   * (by tag). Until then an intent filled at the broker is counted twice: in the snapshot's
   * position and as in flight.
   */
  intentsResolved = false;

  constructor(
    readonly id: AccountId,
    readonly connectionId: string,
    readonly brokerAccountId: string,
  ) {}

  position(contract: ContractCode): number {
    return this.positions.get(contract) ?? 0;
  }

  openPositions(): [ContractCode, number][] {
    return [...this.positions.entries()].filter(([, q]) => q !== 0);
  }

  /** Applies a fill once; false when this fill was already counted. */
  applyFill(fill: BrokerFill): boolean {
    if (this.fillIds.has(fill.fillId)) return false;
    this.fillIds.add(fill.fillId);
    this.filledOrderIds.add(fill.orderId);
    const signed = fill.side === 'buy' ? fill.qty : -fill.qty;
    this.positions.set(fill.contract, this.position(fill.contract) + signed);
    return true;
  }

  hasFill(fillId: string): boolean {
    return this.fillIds.has(fillId);
  }

  /** Whether any fill of that order has been seen. */
  hasFillOf(orderId: string): boolean {
    return this.filledOrderIds.has(orderId);
  }

  upsertOrder(order: BrokerOrder): BrokerOrder | undefined {
    const prev = this.order(order.orderId);
    this.store(order);
    return prev;
  }

  order(orderId: string): BrokerOrder | undefined {
    return this.open.get(orderId) ?? this.final.get(orderId);
  }

  openOrders(): BrokerOrder[] {
    return [...this.open.values()];
  }

  private store(order: BrokerOrder): void {
    if (isOpenOrder(order)) {
      this.final.delete(order.orderId);
      this.open.set(order.orderId, order);
      return;
    }
    this.open.delete(order.orderId);
    this.final.delete(order.orderId);
    this.final.set(order.orderId, order);
    if (this.final.size > KEEP_FINAL) {
      const oldest = this.final.keys().next();
      if (oldest.done !== true) this.final.delete(oldest.value);
    }
  }

  /** Re-bases the book on the broker's snapshot; fills listed there are counted as seen. */
  reset(snapshot: AccountSnapshot): void {
    this.positions.clear();
    for (const p of snapshot.positions) if (p.netPos !== 0) this.positions.set(p.contract, p.netPos);
    // Orders we thought open but the snapshot does not list are final now; their events may
    // have been lost in the gap. Keep them as last known, flagged not open.
    const listed = new Set(snapshot.openOrders.map((o) => o.orderId));
    for (const [id, o] of [...this.open]) if (!listed.has(id)) this.store({ ...o, status: 'cancelled' });
    for (const o of snapshot.openOrders) this.store(o);
    for (const f of snapshot.fills) {
      this.fillIds.add(f.fillId);
      this.filledOrderIds.add(f.orderId);
    }
    this.balance = snapshot.balance;
    this.known = true;
    this.intentsResolved = false;
  }
}

export function isOpenOrder(o: BrokerOrder): boolean {
  return o.status === 'pending' || o.status === 'working' || o.status === 'suspended';
}

/**
 * The login's Tradovate entities as last seen (sync snapshot plus `props` events), joined into
 * the engine's views. Tradovate splits one order over several entities (§5.9): Order holds the
 * status, OrderVersion the quantity and prices, Command the clOrdId, CommandReport the rejection
 * text, Fill the executions, and no ordering between their events is promised (§4.4, §8.8). So
 * every entity is stored as it comes, whatever arrives first, and an order is emitted only once
 * it can be described completely; `drain()` says what is still missing so the adapter can ask.
 *
 * Emission is change-driven and idempotent: an order is emitted when its joined view changed, a
 * fill once per fill id, a position or balance when its value changed. Duplicated or re-ordered
 * `props` therefore produce no duplicate events.
 */
import type { ContractCode } from '../../domain/contractCode';
import { moneyFromDollars, type Money } from '../../domain/money';
import type { BrokerAccount, BrokerEvent, BrokerFill, BrokerOrder, BrokerOrderStatus, BrokerPosition, OrderType } from '../../orders/broker';
import type { Decoded } from './codec';
import {
  describeZodError,
  fillFeeTotal,
  wireAccountSchema,
  wireCashBalanceSchema,
  wireCommandReportSchema,
  wireCommandSchema,
  wireContractSchema,
  wireExecutionReportSchema,
  wireFillFeeSchema,
  wireFillSchema,
  wireOrderSchema,
  wireOrderVersionSchema,
  wirePositionSchema,
  type SyncMessage,
  type WireAccount,
  type WireCashBalance,
  type WireCommand,
  type WireCommandReport,
  type WireContract,
  type WireExecutionReport,
  type WireFill,
  type WireOrder,
  type WireOrderVersion,
  type WireOrdStatus,
  type WireOrderType,
  type WirePosition,
} from './wireModels';
import type { z } from 'zod';

/** What the cache cannot describe yet; the adapter fetches these. */
export interface Missing {
  readonly contracts: ReadonlySet<number>;
  readonly orders: ReadonlySet<number>;
  readonly versionsOf: ReadonlySet<number>;
}

type ContractNamer = (name: string) => Decoded<ContractCode>;

/** The entity types the adapter reads; everything else in a sync or props is ignored. */
export const CACHED_ENTITY_TYPES = ['account', 'cashBalance', 'position', 'order', 'orderVersion', 'command', 'commandReport', 'executionReport', 'fill', 'fillFee', 'contract'] as const;

const OPEN: ReadonlySet<BrokerOrderStatus> = new Set(['pending', 'suspended', 'working']);

export class EntityCache {
  private readonly accounts = new Map<number, WireAccount>();
  private readonly cash = new Map<number, WireCashBalance>();
  private readonly positions = new Map<number, WirePosition>();
  private readonly orders = new Map<number, WireOrder>();
  private readonly versions = new Map<number, WireOrderVersion>();
  private readonly commands = new Map<number, WireCommand>();
  private readonly commandsByOrder = new Map<number, Set<number>>();
  private readonly commandReports = new Map<number, WireCommandReport>();
  private readonly execReports = new Map<number, WireExecutionReport>();
  private readonly fills = new Map<number, WireFill>();
  private readonly fillsByOrder = new Map<number, Set<number>>();
  /** Fill id → what the fill cost (its fillFee entity, summed). */
  private readonly fillFees = new Map<number, Money>();
  /** Fees that came after their fill was emitted: sent on as `fee` events. */
  private readonly pendingFees = new Set<number>();
  private readonly contracts = new Map<number, ContractCode>();

  /** What we know from our own requests, in case the server does not echo it (§6.3). */
  private readonly placedTags = new Map<number, string>();
  private readonly placedParents = new Map<number, number>();
  private readonly placeFailures = new Map<number, string>();

  private readonly dirtyOrders = new Set<number>();
  private readonly forcedOrders = new Set<number>();
  private readonly pendingFills = new Set<number>();
  private readonly dirtyPositions = new Set<number>();
  private readonly dirtyCash = new Set<number>();
  private forceAll = false;

  private readonly emittedOrders = new Map<number, string>();
  private readonly emittedFills = new Set<number>();
  private readonly emittedPositions = new Map<number, string>();
  private readonly emittedCash = new Map<number, Money>();

  constructor(
    private readonly nameContract: ContractNamer,
    private readonly now: () => number,
  ) {}

  // ---- input -------------------------------------------------------------------------------------

  /** One entity from a `props` event. Returns an error text when it cannot be read. */
  apply(entityType: string, eventType: 'Created' | 'Updated' | 'Deleted', raw: unknown): string | undefined {
    switch (entityType) {
      case 'account':
        return this.read(wireAccountSchema, raw, entityType, (a) => (eventType === 'Deleted' ? this.accounts.delete(a.id) : this.accounts.set(a.id, a)));
      case 'cashBalance':
        return this.read(wireCashBalanceSchema, raw, entityType, (c) => {
          this.cash.set(c.accountId, c);
          this.dirtyCash.add(c.accountId);
        });
      case 'position':
        return this.read(wirePositionSchema, raw, entityType, (p) => {
          this.positions.set(p.id, eventType === 'Deleted' ? { ...p, netPos: 0 } : p);
          this.dirtyPositions.add(p.id);
        });
      case 'order':
        return this.read(wireOrderSchema, raw, entityType, (o) => {
          if (eventType === 'Deleted') {
            this.orders.delete(o.id);
            return;
          }
          this.orders.set(o.id, o);
          this.dirtyOrders.add(o.id);
        });
      case 'orderVersion':
        return this.read(wireOrderVersionSchema, raw, entityType, (v) => {
          const known = this.versions.get(v.orderId);
          // The latest version wins: ids grow with each New/Modify command.
          if (!known || v.id >= known.id) this.versions.set(v.orderId, v);
          this.dirtyOrders.add(v.orderId);
        });
      case 'command':
        return this.read(wireCommandSchema, raw, entityType, (c) => {
          this.commands.set(c.id, c);
          let set = this.commandsByOrder.get(c.orderId);
          if (!set) this.commandsByOrder.set(c.orderId, (set = new Set()));
          set.add(c.id);
          this.dirtyOrders.add(c.orderId);
        });
      case 'commandReport':
        return this.read(wireCommandReportSchema, raw, entityType, (r) => {
          this.commandReports.set(r.id, r);
          const orderId = this.commands.get(r.commandId)?.orderId;
          if (orderId !== undefined) this.dirtyOrders.add(orderId);
        });
      case 'executionReport':
        return this.read(wireExecutionReportSchema, raw, entityType, (r) => {
          this.execReports.set(r.id, r);
          this.dirtyOrders.add(r.orderId);
        });
      case 'fill':
        return this.read(wireFillSchema, raw, entityType, (f) => {
          if (eventType === 'Deleted') {
            this.fills.set(f.id, { ...f, active: false });
          } else {
            this.fills.set(f.id, f);
          }
          let set = this.fillsByOrder.get(f.orderId);
          if (!set) this.fillsByOrder.set(f.orderId, (set = new Set()));
          set.add(f.id);
          if (!this.emittedFills.has(f.id)) this.pendingFills.add(f.id);
          this.dirtyOrders.add(f.orderId);
        });
      case 'fillFee':
        return this.read(wireFillFeeSchema, raw, entityType, (f) => {
          const fees = moneyFromDollars(fillFeeTotal(f));
          if (this.fillFees.get(f.id) === fees) return;
          this.fillFees.set(f.id, fees);
          if (this.emittedFills.has(f.id)) this.pendingFees.add(f.id);
        });
      case 'contract':
        return this.addContract(raw);
      default:
        return undefined;
    }
  }

  addContract(raw: unknown): string | undefined {
    return this.read(wireContractSchema, raw, 'contract', (c: WireContract) => {
      const code = this.nameContract(c.name);
      if (!code.ok) throw new Error(code.error);
      this.contracts.set(c.id, code.value);
    });
  }

  /**
   * A sync snapshot replaces what the tables hold (it is the server's state at that point in the
   * stream). What was already emitted is remembered, so only differences and the state the engine
   * must re-base on (open orders, positions, balances) are emitted; snapshot fills are not
   * re-emitted as events: the engine reads them with snapshot() after a reconnect.
   */
  loadSnapshot(sync: SyncMessage): string[] {
    for (const t of [this.accounts, this.cash, this.positions, this.orders, this.versions, this.commands, this.commandsByOrder, this.commandReports, this.execReports, this.fills, this.fillsByOrder, this.fillFees]) t.clear();
    for (const s of [this.dirtyOrders, this.pendingFills, this.dirtyPositions, this.dirtyCash, this.forcedOrders, this.pendingFees]) s.clear();
    const errors: string[] = [];
    const load = (type: string, list: readonly unknown[] | undefined): void => {
      for (const raw of list ?? []) {
        const err = this.apply(type, 'Created', raw);
        if (err !== undefined) errors.push(err);
      }
    };
    load('contract', sync.contracts);
    load('account', sync.accounts);
    load('cashBalance', sync.cashBalances);
    load('position', sync.positions);
    load('order', sync.orders);
    load('orderVersion', sync.orderVersions);
    load('command', sync.commands);
    load('commandReport', sync.commandReports);
    load('executionReport', sync.executionReports);
    load('fill', sync.fills);
    load('fillFee', sync.fillFees);
    for (const id of this.pendingFills) this.emittedFills.add(id);
    this.pendingFills.clear();
    this.pendingFees.clear();
    // Every order is looked at (a working one may have filled during a gap); open ones are re-sent.
    for (const id of this.orders.keys()) this.dirtyOrders.add(id);
    this.forceAll = true;
    return errors;
  }

  /** Our own place answer: the tag and bracket parentage, in case the server does not echo them. */
  rememberPlaced(orderId: number, tag: string, legs: readonly { readonly id: number; readonly tag: string }[] = []): void {
    this.placedTags.set(orderId, tag);
    for (const leg of legs) {
      this.placedTags.set(leg.id, leg.tag);
      this.placedParents.set(leg.id, orderId);
      this.dirtyOrders.add(leg.id);
    }
    this.dirtyOrders.add(orderId);
  }

  rememberPlaceFailure(orderId: number, text: string): void {
    this.placeFailures.set(orderId, text);
    this.dirtyOrders.add(orderId);
  }

  // ---- output ------------------------------------------------------------------------------------

  /** Events for everything that changed and can now be described, plus what is still missing. */
  drain(): { readonly events: BrokerEvent[]; readonly missing: Missing } {
    const events: BrokerEvent[] = [];
    const missingContracts = new Set<number>();
    const missingOrders = new Set<number>();
    const missingVersions = new Set<number>();
    const force = this.forceAll;
    this.forceAll = false;

    for (const id of [...this.pendingFills]) {
      const f = this.fills.get(id);
      if (!f) {
        this.pendingFills.delete(id);
        continue;
      }
      const order = this.orders.get(f.orderId);
      const contract = this.contracts.get(f.contractId);
      if (!order) missingOrders.add(f.orderId);
      if (!contract) missingContracts.add(f.contractId);
      if (!order || !contract) continue;
      this.pendingFills.delete(id);
      this.emittedFills.add(id);
      if (f.active === false) continue;
      // Fees known already travel with the fill; later ones follow as their own event.
      this.pendingFees.delete(id);
      events.push({ kind: 'fill', fill: fillView(order, f, contract, this.now(), this.fillFees.get(id)) });
    }

    for (const id of [...this.pendingFees]) {
      this.pendingFees.delete(id);
      const f = this.fills.get(id);
      const order = f ? this.orders.get(f.orderId) : undefined;
      const fees = this.fillFees.get(id);
      if (!f || !order || fees === undefined || f.active === false) continue;
      events.push({ kind: 'fee', accountId: String(order.accountId), fillId: String(id), fees });
    }

    for (const id of [...this.dirtyOrders]) {
      const o = this.orders.get(id);
      if (!o) {
        // A version, command or fill for an order we have not seen.
        if (this.versions.has(id) || this.fillsByOrder.has(id) || this.commandsByOrder.has(id)) missingOrders.add(id);
        else this.dirtyOrders.delete(id);
        continue;
      }
      const view = this.orderView(id);
      if (view === 'noContract') {
        if (o.contractId !== undefined) missingContracts.add(o.contractId);
        continue;
      }
      if (view === 'noVersion') {
        missingVersions.add(id);
        continue;
      }
      if (!view) continue;
      this.dirtyOrders.delete(id);
      const key = orderKey(view);
      const changed = this.emittedOrders.get(id) !== key;
      if (changed || (force && OPEN.has(view.status))) {
        // On a (re)sync, orders the engine never saw and that are already over are not news.
        if (force && !OPEN.has(view.status) && !this.emittedOrders.has(id)) {
          this.emittedOrders.set(id, key);
          continue;
        }
        this.emittedOrders.set(id, key);
        events.push({ kind: 'order', order: view });
      }
    }

    for (const id of force ? [...this.positions.keys()] : [...this.dirtyPositions]) {
      const p = this.positions.get(id);
      if (!p) {
        this.dirtyPositions.delete(id);
        continue;
      }
      const contract = this.contracts.get(p.contractId);
      if (!contract) {
        missingContracts.add(p.contractId);
        this.dirtyPositions.add(id);
        continue;
      }
      this.dirtyPositions.delete(id);
      const view = positionView(p, contract);
      const key = `${view.netPos}|${view.avgPrice ?? ''}`;
      if (!force && this.emittedPositions.get(id) === key) continue;
      this.emittedPositions.set(id, key);
      events.push({ kind: 'position', position: view });
    }

    for (const accountId of force ? [...new Set([...this.cash.keys(), ...this.dirtyCash])] : [...this.dirtyCash]) {
      this.dirtyCash.delete(accountId);
      const c = this.cash.get(accountId);
      if (!c) continue;
      const balance = moneyFromDollars(c.amount);
      if (!force && this.emittedCash.get(accountId) === balance) continue;
      this.emittedCash.set(accountId, balance);
      events.push({ kind: 'balance', accountId: String(accountId), balance });
    }

    return { events, missing: { contracts: missingContracts, orders: missingOrders, versionsOf: missingVersions } };
  }

  // ---- queries -----------------------------------------------------------------------------------

  accountList(): BrokerAccount[] {
    return [...this.accounts.values()]
      .filter((a) => a.archived !== true)
      .map((a) => ({ brokerAccountId: String(a.id), name: a.name, balance: this.balance(a.id) }));
  }

  hasAccount(accountId: number): boolean {
    return this.accounts.has(accountId);
  }

  balance(accountId: number): Money {
    const c = this.cash.get(accountId);
    return moneyFromDollars(c?.amount ?? 0);
  }

  order(orderId: number): BrokerOrder | undefined {
    const v = this.orderView(orderId);
    return typeof v === 'object' ? v : undefined;
  }

  /**
   * Orders of the account that may be open but cannot be described yet (their contract or version
   * still to be looked up): a snapshot taken now would leave them out.
   */
  undescribedOrders(accountId: number): number[] {
    const out: number[] = [];
    for (const o of this.orders.values()) {
      if (o.accountId !== accountId || FINAL_WIRE_STATUSES.has(o.ordStatus)) continue;
      if (typeof this.orderView(o.id) !== 'object') out.push(o.id);
    }
    return out;
  }

  openOrders(accountId: number): BrokerOrder[] {
    const out: BrokerOrder[] = [];
    for (const o of this.orders.values()) {
      if (o.accountId !== accountId) continue;
      const v = this.order(o.id);
      if (v && OPEN.has(v.status)) out.push(v);
    }
    return out;
  }

  positionsOf(accountId: number): BrokerPosition[] {
    const out: BrokerPosition[] = [];
    for (const p of this.positions.values()) {
      const contract = this.contracts.get(p.contractId);
      if (p.accountId === accountId && contract) out.push(positionView(p, contract));
    }
    return out;
  }

  fillsOf(accountId: number): BrokerFill[] {
    const out: BrokerFill[] = [];
    for (const f of this.fills.values()) {
      const order = this.orders.get(f.orderId);
      const contract = this.contracts.get(f.contractId);
      if (f.active !== false && order?.accountId === accountId && contract) out.push(fillView(order, f, contract, this.now(), this.fillFees.get(f.id)));
    }
    return out.sort((a, b) => a.time - b.time || Number(a.fillId) - Number(b.fillId));
  }

  /** Our order by its tag, when the cache knows it (a miss is not proof of absence). */
  findByTag(accountId: number, tag: string): BrokerOrder | undefined {
    for (const o of this.orders.values()) {
      if (o.accountId !== accountId || this.tagOf(o) !== tag) continue;
      const v = this.order(o.id);
      if (v) return v;
    }
    return undefined;
  }

  orderIdsOf(accountId: number): number[] {
    return [...this.orders.values()].filter((o) => o.accountId === accountId).map((o) => o.id);
  }

  knowsContract(id: number): boolean {
    return this.contracts.has(id);
  }

  // ---- joins -------------------------------------------------------------------------------------

  private orderView(orderId: number): BrokerOrder | 'noContract' | 'noVersion' | undefined {
    const o = this.orders.get(orderId);
    if (!o) return undefined;
    const contract = o.contractId !== undefined ? this.contracts.get(o.contractId) : undefined;
    if (!contract) return 'noContract';
    const v = this.versions.get(orderId);
    if (!v) return 'noVersion';
    const { type, price } = orderTerms(v);
    let filledQty = 0;
    let notional = 0;
    let time = o.timestamp ?? 0;
    for (const fid of this.fillsByOrder.get(orderId) ?? []) {
      const f = this.fills.get(fid);
      if (!f || f.active === false) continue;
      filledQty += f.qty;
      notional += f.qty * f.price;
      time = Math.max(time, f.timestamp ?? 0);
    }
    for (const cid of this.commandsByOrder.get(orderId) ?? []) time = Math.max(time, this.commands.get(cid)?.timestamp ?? 0);
    const status = mapStatus(o.ordStatus, filledQty, v.orderQty);
    const parent = o.parentId ?? this.placedParents.get(orderId);
    const tag = this.tagOf(o);
    const rejectReason = status === 'rejected' ? this.rejectionOf(o) : undefined;
    return {
      accountId: String(o.accountId),
      orderId: String(o.id),
      ...(tag !== undefined ? { tag } : {}),
      contract,
      side: o.action === 'Buy' ? 'buy' : 'sell',
      qty: v.orderQty,
      type,
      ...(price !== undefined ? { price } : {}),
      status,
      // Filled means all of it, whether or not every fill has arrived yet.
      filledQty: status === 'filled' ? Math.max(filledQty, v.orderQty) : filledQty,
      ...(filledQty > 0 ? { avgFillPrice: notional / filledQty } : {}),
      ...(parent !== undefined ? { parentOrderId: String(parent) } : {}),
      ...ocoGroupOf(o, parent),
      ...(rejectReason !== undefined ? { rejectReason } : {}),
      time: time > 0 ? time : this.now(),
    };
  }

  private tagOf(o: WireOrder): string | undefined {
    if (o.clOrdId !== undefined) return o.clOrdId;
    for (const cid of this.commandsByOrder.get(o.id) ?? []) {
      const c = this.commands.get(cid);
      if (c?.clOrdId !== undefined && (c.commandType === undefined || c.commandType === 'New')) return c.clOrdId;
    }
    const placed = this.placedTags.get(o.id);
    if (placed !== undefined) return placed;
    for (const r of this.execReports.values()) if (r.orderId === o.id && r.externalClOrdId !== undefined) return r.externalClOrdId;
    return undefined;
  }

  /** The reason comes on a commandReport, not on the order (§8.8). */
  private rejectionOf(o: WireOrder): string {
    let best: string | undefined;
    for (const r of this.commandReports.values()) {
      if (this.commands.get(r.commandId)?.orderId !== o.id) continue;
      const text = r.text ?? r.rejectReason;
      if (text !== undefined && text.length > 0) best = text;
    }
    if (best !== undefined) return best;
    for (const r of this.execReports.values()) {
      if (r.orderId === o.id && (r.text ?? r.rejectReason) !== undefined) best = r.text ?? r.rejectReason;
    }
    return best ?? this.placeFailures.get(o.id) ?? 'Rejected';
  }

  private read<S extends z.ZodType>(schema: S, raw: unknown, entityType: string, use: (value: z.output<S>) => unknown): string | undefined {
    const r = schema.safeParse(raw);
    if (!r.success) return `${entityType}: ${describeZodError(r.error)}`;
    try {
      use(r.data);
      return undefined;
    } catch (e) {
      return `${entityType}: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
}

/**
 * Tradovate's statuses onto the engine's. Completed is "done" without a fill count of its own: it
 * is filled when the fills cover the order. Pending cancel/replace orders are still working, and
 * a pending order with fills is working whatever its last status update said.
 */
/** Wire statuses after which an order is certainly not open (whatever its version says). */
const FINAL_WIRE_STATUSES: ReadonlySet<WireOrdStatus> = new Set<WireOrdStatus>(['Filled', 'Canceled', 'Rejected', 'Expired']);

function mapStatus(s: WireOrdStatus, filledQty: number, qty: number): BrokerOrderStatus {
  // Fills are facts even when the order's own update has not arrived yet (§4.4).
  if (filledQty >= qty && s !== 'Rejected') return 'filled';
  switch (s) {
    case 'PendingNew':
    case 'Unknown':
      return filledQty > 0 ? 'working' : 'pending';
    case 'Working':
    case 'PendingCancel':
    case 'PendingReplace':
      return 'working';
    case 'Suspended':
      return 'suspended';
    case 'Filled':
      return 'filled';
    case 'Completed':
      return filledQty >= qty ? 'filled' : 'cancelled';
    case 'Canceled':
    case 'Expired':
      return 'cancelled';
    case 'Rejected':
      return 'rejected';
  }
}

/**
 * The engine knows market, limit and stop. Orders placed by hand in other types are shown as the
 * nearest of those: stop-likes by their trigger, MIT as a limit, QTS as market.
 */
function orderTerms(v: WireOrderVersion): { type: OrderType; price: number | undefined } {
  const t: WireOrderType = v.orderType;
  switch (t) {
    case 'Market':
    case 'QTS':
      return { type: 'market', price: undefined };
    case 'Limit':
    case 'MIT':
      return { type: 'limit', price: v.price ?? undefined };
    case 'Stop':
    case 'StopLimit':
    case 'TrailingStop':
    case 'TrailingStopLimit':
      return { type: 'stop', price: v.stopPrice ?? v.price ?? undefined };
  }
}

/**
 * Bracket legs share their entry (both OSO legs are OCO-linked), which does not depend on how the
 * server spells `ocoId`; a plain OCO pair points at each other, so the smaller id names the pair.
 */
function ocoGroupOf(o: WireOrder, parent: number | undefined): { ocoGroup?: string } {
  if (parent !== undefined && (o.ocoId !== undefined || o.linkedId !== undefined)) return { ocoGroup: `oso-${parent}` };
  if (o.ocoId !== undefined) return { ocoGroup: `oco-${Math.min(o.id, o.ocoId)}` };
  return {};
}

function orderKey(o: BrokerOrder): string {
  const { time: _time, ...rest } = o;
  return JSON.stringify(rest);
}

function fillView(order: WireOrder, f: WireFill, contract: ContractCode, now: number, fees: Money | undefined): BrokerFill {
  return {
    accountId: String(order.accountId),
    fillId: String(f.id),
    orderId: String(f.orderId),
    contract,
    side: f.action === 'Buy' ? 'buy' : 'sell',
    qty: f.qty,
    price: f.price,
    time: f.timestamp ?? now,
    ...(fees !== undefined ? { fees } : {}),
  };
}

function positionView(p: WirePosition, contract: ContractCode): BrokerPosition {
  return { accountId: String(p.accountId), contract, netPos: p.netPos, ...(p.netPos !== 0 && p.netPrice !== undefined ? { avgPrice: p.netPrice } : {}) };
}

/**
 * The matching core every simulator shares: one in-memory exchange holding every simulated
 * account of every broker, so quotes are common to all (a cross-broker scenario moves ES for the
 * Tradovate leader and the ProjectX follower alike). It fills market orders at the quote, rests
 * limit and stop orders until the quote touches them, runs native brackets as suspended OCO legs,
 * keeps FIFO positions with exact realized PnL, and applies the order-level faults. Wire front-ends
 * (paper, Tradovate, ProjectX) translate its events into their own protocols.
 */
import type { Catalog, Product } from '../../domain/instruments';
import { parseContractCode, type ContractCode } from '../../domain/contractCode';
import { money, type Money } from '../../domain/money';
import { moneyFromRational } from '../../domain/money';
import type { Clock } from '../../domain/clock';
import type { Side } from '../../orders/broker';
import type {
  CommandResult,
  PlaceResult,
  PlaceSpec,
  SimAccountSpec,
  SimEvent,
  SimFaults,
  SimFill,
  SimOrder,
  SimPosition,
  SimQuote,
} from './types';

interface Lot {
  qty: number; // signed
  priceTicks: number;
}

interface PositionBook extends SimPosition {
  lots: Lot[];
}

export interface SimAccount {
  readonly id: number;
  readonly spec: SimAccountSpec;
  balance: Money;
  readonly positions: Map<ContractCode, PositionBook>;
  readonly orders: Map<number, SimOrder>;
  readonly fills: SimFill[];
  /** Every order this account's broker received, in arrival order (rejected ones included). */
  readonly orderLog: SimOrder[];
  /** Every tag ever used on this account (rejected orders' included, as ProjectX remembers them). */
  readonly tags: Map<string, SimOrder>;
  readonly faults: SimFaults;
}

type AccountListener = (event: SimEvent) => void;
type QuoteListener = (quote: SimQuote) => void;

const PARTIAL_FILL_REST_MS = 200;

export class SimExchange {
  private readonly accounts = new Map<number, SimAccount>();
  private readonly byKey = new Map<string, SimAccount>();
  private readonly quotes = new Map<ContractCode, SimQuote>();
  private readonly accountListeners = new Set<{ accountId: number | undefined; fn: AccountListener }>();
  private readonly quoteListeners = new Set<QuoteListener>();
  private readonly scheduled = new Set<ReturnType<typeof setTimeout>>();
  private readonly idleWaiters: (() => void)[] = [];
  /** Large ids, as the real brokers use (catches 32-bit assumptions in adapters). */
  private nextOrderId = 6_100_000_000;
  private nextFillId = 7_200_000_000;
  private nextAccountId = 1_001;
  private nextOco = 1;
  /** Bumped on every event, so a harness can tell whether anything happened between two looks. */
  private eventSeq = 0;

  constructor(
    readonly catalog: Catalog,
    readonly clock: Clock,
  ) {}

  // ---- accounts -------------------------------------------------------------------------------

  addAccount(spec: SimAccountSpec): SimAccount {
    if (this.byKey.has(spec.key)) throw new Error(`simulator: account "${spec.key}" already exists`);
    const account: SimAccount = {
      id: this.nextAccountId++,
      spec,
      balance: spec.balance,
      positions: new Map(),
      orders: new Map(),
      fills: [],
      orderLog: [],
      tags: new Map(),
      faults: {
        rejectNext: undefined,
        duplicateNextEvent: false,
        partialFillQty: undefined,
        disconnectUntil: undefined,
        delayMs: undefined,
        delayUntil: undefined,
        rateLimitMs: undefined,
        expireToken: false,
      },
    };
    this.accounts.set(account.id, account);
    this.byKey.set(spec.key, account);
    return account;
  }

  /**
   * Moves an account's cash with no fill, as a broker's adjustment does (a fee charged apart from
   * the fills, a correction, Tradovate's changeDemoBalance): only the balance reports it.
   */
  changeBalance(accountId: number, amount: Money): void {
    const account = this.accounts.get(accountId);
    if (!account || amount === 0) return;
    account.balance = money(account.balance + amount);
    this.emit(account.id, { kind: 'balance', accountId: account.id, balance: account.balance });
  }

  account(id: number): SimAccount | undefined {
    return this.accounts.get(id);
  }

  accountByKey(key: string): SimAccount | undefined {
    return this.byKey.get(key);
  }

  accountsOf(broker: SimAccountSpec['broker'], login: string): SimAccount[] {
    return [...this.accounts.values()].filter((a) => a.spec.broker === broker && a.spec.login.toLowerCase() === login.toLowerCase());
  }

  allAccounts(): SimAccount[] {
    return [...this.accounts.values()];
  }

  // ---- events ---------------------------------------------------------------------------------

  /** Listen to one account's events, or every account's with `undefined`. Returns an unsubscriber. */
  onAccountEvent(accountId: number | undefined, fn: AccountListener): () => void {
    const entry = { accountId, fn };
    this.accountListeners.add(entry);
    return () => this.accountListeners.delete(entry);
  }

  onQuote(fn: QuoteListener): () => void {
    this.quoteListeners.add(fn);
    return () => this.quoteListeners.delete(fn);
  }

  sequence(): number {
    return this.eventSeq;
  }

  private emit(accountId: number, event: SimEvent): void {
    this.eventSeq++;
    for (const l of this.accountListeners) {
      if (l.accountId === undefined || l.accountId === accountId) l.fn(event);
    }
  }

  // ---- market ---------------------------------------------------------------------------------

  quote(contract: ContractCode): SimQuote | undefined {
    return this.quotes.get(contract);
  }

  allQuotes(): SimQuote[] {
    return [...this.quotes.values()];
  }

  /** Moves the market: working orders the new price touches fill, then listeners hear the quote. */
  setQuote(contract: ContractCode, price: number): void {
    const product = this.productOf(contract);
    if (!isTickAligned(price, product)) throw new Error(`simulator: quote ${price} for ${contract} is not on a ${product.tickSize.toDecimalString()} tick`);
    const q: SimQuote = { contract, price, time: this.clock.now() };
    this.quotes.set(contract, q);
    this.eventSeq++;
    this.matchResting(contract);
    for (const l of this.quoteListeners) l(q);
  }

  // ---- orders ---------------------------------------------------------------------------------

  place(accountId: number, spec: PlaceSpec): PlaceResult {
    const account = this.requireAccount(accountId);
    const now = this.clock.now();
    const refusal = this.validate(account, spec);
    const order = this.newOrder(account, spec, undefined, undefined, now);
    account.orderLog.push(order);
    const injected = account.faults.rejectNext;
    if (refusal !== undefined || injected !== undefined) {
      if (refusal === undefined) account.faults.rejectNext = undefined;
      order.status = 'rejected';
      order.rejectReason = refusal ?? injected;
      account.orders.set(order.orderId, order);
      this.emit(account.id, { kind: 'order', order });
      return { ok: false, reason: order.rejectReason ?? 'rejected', order };
    }
    account.orders.set(order.orderId, order);

    const legs: SimOrder[] = [];
    if (spec.bracket && (spec.bracket.stopLoss !== undefined || spec.bracket.takeProfit !== undefined)) {
      const exitSide: Side = spec.side === 'buy' ? 'sell' : 'buy';
      const oco = `oco-${this.nextOco++}`;
      const legSpecs: PlaceSpec[] = [];
      if (spec.bracket.stopLoss !== undefined) legSpecs.push({ contract: spec.contract, side: exitSide, qty: spec.qty, type: 'stop', price: spec.bracket.stopLoss, tag: legTag(spec.tag, 'sl'), source: spec.source });
      if (spec.bracket.takeProfit !== undefined) legSpecs.push({ contract: spec.contract, side: exitSide, qty: spec.qty, type: 'limit', price: spec.bracket.takeProfit, tag: legTag(spec.tag, 'tp'), source: spec.source });
      for (const ls of legSpecs) {
        const leg = this.newOrder(account, ls, order.orderId, oco, now);
        leg.status = 'suspended';
        account.orders.set(leg.orderId, leg);
        account.orderLog.push(leg);
        legs.push(leg);
        order.legIds.push(leg.orderId);
      }
    }

    this.emit(account.id, { kind: 'order', order });
    for (const leg of legs) this.emit(account.id, { kind: 'order', order: leg });

    if (spec.type === 'market') {
      this.fillMarket(account, order);
    } else {
      order.status = 'working';
      order.updatedAt = now;
      this.emit(account.id, { kind: 'order', order });
      this.tryMatch(account, order, true);
    }
    return { ok: true, order, legs };
  }

  modify(accountId: number, orderId: number, change: { qty?: number | undefined; price?: number | undefined }): CommandResult {
    const account = this.requireAccount(accountId);
    const order = account.orders.get(orderId);
    if (!order) return { ok: false, reason: `order ${orderId} not found` };
    if (!isOpen(order)) return { ok: false, reason: `order ${orderId} is ${order.status}` };
    if (change.qty !== undefined) {
      if (!Number.isInteger(change.qty) || change.qty <= order.filledQty) return { ok: false, reason: `invalid quantity ${change.qty}` };
      order.qty = change.qty;
    }
    if (change.price !== undefined) {
      if (order.type === 'market') return { ok: false, reason: 'a market order has no price' };
      if (!isTickAligned(change.price, this.productOf(order.contract))) return { ok: false, reason: `Invalid price ${change.price}: not aligned to tick size` };
      order.price = change.price;
    }
    order.updatedAt = this.clock.now();
    this.emit(account.id, { kind: 'order', order });
    if (order.status === 'working') this.tryMatch(account, order);
    return { ok: true };
  }

  cancel(accountId: number, orderId: number): CommandResult {
    const account = this.requireAccount(accountId);
    const order = account.orders.get(orderId);
    if (!order) return { ok: false, reason: `order ${orderId} not found` };
    if (!isOpen(order)) return { ok: false, reason: `order ${orderId} is already ${order.status}` };
    this.closeOrder(account, order, 'cancelled');
    // An entry's suspended legs go with it.
    for (const legId of order.legIds) {
      const leg = account.orders.get(legId);
      if (leg && isOpen(leg)) this.closeOrder(account, leg, 'cancelled');
    }
    return { ok: true };
  }

  /** Cancels the working orders on `contract` and closes the position with a market order (Tradovate liquidateposition, ProjectX closeContract). */
  liquidate(accountId: number, contract: ContractCode, tag?: string): PlaceResult | undefined {
    const account = this.requireAccount(accountId);
    for (const o of [...account.orders.values()]) {
      if (o.contract === contract && isOpen(o)) this.closeOrder(account, o, 'cancelled');
    }
    const pos = account.positions.get(contract)?.netPos ?? 0;
    if (pos === 0) return undefined;
    return this.place(accountId, { contract, side: pos > 0 ? 'sell' : 'buy', qty: Math.abs(pos), type: 'market', tag, source: 'api' });
  }

  // ---- queries --------------------------------------------------------------------------------

  /** Every order of the account, final ones included. */
  orders(accountId: number): SimOrder[] {
    return [...this.requireAccount(accountId).orders.values()];
  }

  openOrders(accountId: number): SimOrder[] {
    return [...this.requireAccount(accountId).orders.values()].filter(isOpen);
  }

  positions(accountId: number): SimPosition[] {
    return [...this.requireAccount(accountId).positions.values()].map(({ contract, netPos, avgPrice }) => ({ contract, netPos, avgPrice }));
  }

  positionOf(accountId: number, contract: ContractCode): number {
    return this.requireAccount(accountId).positions.get(contract)?.netPos ?? 0;
  }

  findByTag(accountId: number, tag: string): SimOrder | undefined {
    return this.requireAccount(accountId).tags.get(tag);
  }

  // ---- faults and idleness ------------------------------------------------------------------

  faults(accountId: number): SimFaults {
    return this.requireAccount(accountId).faults;
  }

  /** Work the exchange itself has scheduled (the rest of a partial fill). */
  pendingWork(): number {
    return this.scheduled.size;
  }

  whenIdle(): Promise<void> {
    if (this.scheduled.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Cancels scheduled work (shutdown). */
  dispose(): void {
    for (const t of this.scheduled) clearTimeout(t);
    this.scheduled.clear();
    this.releaseIdleWaiters();
  }

  // ---- internals ------------------------------------------------------------------------------

  private requireAccount(id: number): SimAccount {
    const a = this.accounts.get(id);
    if (!a) throw new Error(`simulator: no account ${id}`);
    return a;
  }

  private productOf(contract: ContractCode): Product {
    return this.catalog.require(parseContractCode(contract).root);
  }

  private validate(account: SimAccount, spec: PlaceSpec): string | undefined {
    const { root, year, month } = parseContractCode(spec.contract);
    const product = this.catalog.product(root);
    if (!product || !this.catalog.lists(root, year, month)) return `Invalid contract ${spec.contract}`;
    if (!Number.isInteger(spec.qty) || spec.qty <= 0) return `Invalid quantity ${spec.qty}`;
    if (spec.type !== 'market') {
      if (spec.price === undefined) return `${spec.type} order needs a price`;
      if (!isTickAligned(spec.price, product)) return `Invalid price ${spec.price}: not aligned to tick size`;
    }
    if (spec.bracket) {
      for (const p of [spec.bracket.stopLoss, spec.bracket.takeProfit]) {
        if (p !== undefined && !isTickAligned(p, product)) return `Invalid bracket price ${p}: not aligned to tick size`;
      }
    }
    // ProjectX remembers tags even of rejected orders; refusing any reuse is the strict reading.
    if (spec.tag !== undefined && account.tags.has(spec.tag)) return `custom tag already in use: ${spec.tag}`;
    if (spec.type === 'market' && !this.quotes.has(spec.contract)) return `No quote for ${spec.contract}`;
    return undefined;
  }

  private newOrder(account: SimAccount, spec: PlaceSpec, parent: number | undefined, oco: string | undefined, now: number): SimOrder {
    const order: SimOrder = {
      orderId: this.nextOrderId++,
      accountId: account.id,
      contract: spec.contract,
      side: spec.side,
      qty: spec.qty,
      type: spec.type,
      price: spec.price,
      status: 'pending',
      filledQty: 0,
      filledNotional: 0,
      tag: spec.tag,
      source: spec.source,
      parentOrderId: parent,
      ocoGroup: oco,
      rejectReason: undefined,
      createdAt: now,
      updatedAt: now,
      legIds: [],
    };
    // The first order with a tag keeps it: a refused duplicate is recorded, never found by the tag.
    if (spec.tag !== undefined && !account.tags.has(spec.tag)) account.tags.set(spec.tag, order);
    return order;
  }

  private fillMarket(account: SimAccount, order: SimOrder): void {
    const partial = account.faults.partialFillQty;
    if (partial !== undefined && partial > 0 && partial < order.qty) {
      account.faults.partialFillQty = undefined;
      this.executeAtQuote(account, order, partial);
      const timer = setTimeout(() => {
        this.scheduled.delete(timer);
        if (isOpen(order)) this.executeAtQuote(account, order, order.qty - order.filledQty);
        if (this.scheduled.size === 0) this.releaseIdleWaiters();
      }, PARTIAL_FILL_REST_MS);
      this.scheduled.add(timer);
      return;
    }
    this.executeAtQuote(account, order, order.qty);
  }

  private executeAtQuote(account: SimAccount, order: SimOrder, qty: number): void {
    const q = this.quotes.get(order.contract);
    if (!q) {
      this.closeOrder(account, order, 'rejected', `No quote for ${order.contract}`);
      return;
    }
    this.execute(account, order, qty, q.price);
  }

  /**
   * A working order the current quote touches fills: a resting limit at its own price, a limit
   * that is marketable on arrival at the (better) quote, a triggered stop at the quote.
   */
  private tryMatch(account: SimAccount, order: SimOrder, onArrival = false): void {
    if (order.status !== 'working') return;
    const q = this.quotes.get(order.contract);
    if (!q || order.price === undefined) return;
    const buy = order.side === 'buy';
    if (order.type === 'limit') {
      const touched = buy ? q.price <= order.price : q.price >= order.price;
      if (touched) this.execute(account, order, order.qty - order.filledQty, onArrival ? q.price : order.price);
    } else if (order.type === 'stop') {
      const triggered = buy ? q.price >= order.price : q.price <= order.price;
      if (triggered) this.execute(account, order, order.qty - order.filledQty, q.price);
    }
  }

  private matchResting(contract: ContractCode): void {
    const resting: [SimAccount, SimOrder][] = [];
    for (const a of this.accounts.values()) {
      for (const o of a.orders.values()) if (o.contract === contract && o.status === 'working') resting.push([a, o]);
    }
    resting.sort((x, y) => x[1].orderId - y[1].orderId);
    for (const [a, o] of resting) this.tryMatch(a, o);
  }

  private execute(account: SimAccount, order: SimOrder, qty: number, price: number): void {
    if (qty <= 0 || !isOpen(order)) return;
    const product = this.productOf(order.contract);
    const now = this.clock.now();
    const realized = this.applyToPosition(account, order.contract, order.side === 'buy' ? qty : -qty, price, product);
    const fees = feesOf(account.spec, order.contract, qty);
    const fill: SimFill = {
      fillId: this.nextFillId++,
      orderId: order.orderId,
      accountId: account.id,
      contract: order.contract,
      side: order.side,
      qty,
      price,
      time: now,
      realized,
      fees,
    };
    account.fills.push(fill);
    order.filledQty += qty;
    order.filledNotional += qty * price;
    order.updatedAt = now;
    if (order.filledQty >= order.qty) order.status = 'filled';
    else if (order.status === 'pending') order.status = 'working';

    this.emit(account.id, { kind: 'fill', fill });
    this.emit(account.id, { kind: 'order', order });
    const pos = account.positions.get(order.contract);
    if (pos) this.emit(account.id, { kind: 'position', accountId: account.id, position: { contract: pos.contract, netPos: pos.netPos, avgPrice: pos.avgPrice } });
    // Brokers take fees from the cash balance as each fill clears, opening fills included.
    if (realized !== undefined || fees !== 0) {
      account.balance = money(account.balance + (realized ?? 0) - fees);
      this.emit(account.id, { kind: 'balance', accountId: account.id, balance: account.balance });
    }

    if (order.status === 'filled') this.afterFilled(account, order);
  }

  private afterFilled(account: SimAccount, order: SimOrder): void {
    // Entry filled: its bracket legs go live and may fill at once.
    for (const legId of order.legIds) {
      const leg = account.orders.get(legId);
      if (leg?.status === 'suspended') {
        leg.status = 'working';
        leg.updatedAt = this.clock.now();
        this.emit(account.id, { kind: 'order', order: leg });
      }
    }
    // A leg filled: its OCO sibling is cancelled by the exchange.
    if (order.ocoGroup !== undefined) {
      for (const o of account.orders.values()) {
        if (o !== order && o.ocoGroup === order.ocoGroup && isOpen(o)) this.closeOrder(account, o, 'cancelled');
      }
    }
    for (const legId of order.legIds) {
      const leg = account.orders.get(legId);
      if (leg) this.tryMatch(account, leg);
    }
  }

  private closeOrder(account: SimAccount, order: SimOrder, status: 'cancelled' | 'rejected', reason?: string): void {
    order.status = status;
    if (reason !== undefined) order.rejectReason = reason;
    order.updatedAt = this.clock.now();
    this.emit(account.id, { kind: 'order', order });
  }

  /** FIFO lots: realized PnL is exact (ticks × tick value), as brokers pair fills. */
  private applyToPosition(account: SimAccount, contract: ContractCode, signedQty: number, price: number, product: Product): Money | undefined {
    let book = account.positions.get(contract);
    if (!book) {
      book = { contract, netPos: 0, avgPrice: 0, lots: [] };
      account.positions.set(contract, book);
    }
    const priceTicks = toTicks(price, product);
    const tickValue = moneyFromRational(product.tickValue);
    let remaining = signedQty;
    let realizedUnits = 0;
    let closedAny = false;
    while (remaining !== 0 && book.lots.length > 0 && Math.sign(book.lots[0]?.qty ?? 0) !== Math.sign(remaining)) {
      const lot = book.lots[0];
      if (!lot) break;
      const closeQty = Math.min(Math.abs(lot.qty), Math.abs(remaining));
      const direction = Math.sign(lot.qty); // +1 closing a long
      realizedUnits += direction * (priceTicks - lot.priceTicks) * closeQty * tickValue;
      closedAny = true;
      lot.qty -= direction * closeQty;
      remaining += direction * closeQty;
      if (lot.qty === 0) book.lots.shift();
    }
    if (remaining !== 0) book.lots.push({ qty: remaining, priceTicks });
    book.netPos = book.lots.reduce((s, l) => s + l.qty, 0);
    const absQty = Math.abs(book.netPos);
    book.avgPrice = absQty === 0 ? 0 : fromTicks(book.lots.reduce((s, l) => s + Math.abs(l.qty) * l.priceTicks, 0) / absQty, product);
    return closedAny ? money(realizedUnits) : undefined;
  }

  private releaseIdleWaiters(): void {
    const waiters = this.idleWaiters.splice(0);
    for (const w of waiters) w();
  }
}

/** Fees of one fill: the account's per-contract, per-side rate for the root × quantity. */
function feesOf(spec: SimAccountSpec, contract: ContractCode, qty: number): Money {
  const rate = spec.fees?.get(parseContractCode(contract).root);
  return money(rate === undefined ? 0 : rate * qty);
}

function isOpen(o: SimOrder): boolean {
  return o.status === 'pending' || o.status === 'working' || o.status === 'suspended';
}

function legTag(tag: string | undefined, leg: 'sl' | 'tp'): string | undefined {
  return tag === undefined ? undefined : `${tag}-${leg}`;
}

export function toTicks(price: number, product: Product): number {
  return Math.round(price / product.tickSize.toNumber());
}

function fromTicks(ticks: number, product: Product): number {
  return Number((ticks * product.tickSize.toNumber()).toFixed(10));
}

function isTickAligned(price: number, product: Product): boolean {
  const ticks = price / product.tickSize.toNumber();
  return Number.isFinite(ticks) && Math.abs(ticks - Math.round(ticks)) < 1e-6;
}

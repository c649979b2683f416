/**
 * The simulator's Tradovate entity tables (§4.2, §5.9-5.11, §7): the exchange's state re-expressed
 * as the entities a Tradovate server keeps (order, orderVersion, command, commandReport,
 * executionReport, fill, position, cashBalance, account, contract, product...). Exchange events
 * update the tables and come out as the `props` messages to stream; REST, the socket's generic
 * operations and the sync snapshot all read the same tables.
 *
 * Choices where the notes are UNCONFIRMED: the Order entity does not carry `clOrdId` (the Command
 * does, as in the spec); orderVersion shares its id with the command that created it (as the C#
 * sample implies); OCO bracket legs point at each other with `ocoId` (the sibling's order id, as a
 * placeoco result does) and at their entry with `parentId`. Every id is above 2^32.
 */
import type { ContractCode } from '../../../domain/contractCode';
import { monthCodeOf, parseContractCode } from '../../../domain/contractCode';
import { moneyToDollars } from '../../../domain/money';
import type { OrderType } from '../../../orders/broker';
import type { SimAccount, SimExchange } from '../../simcore/exchange';
import type { SimEvent, SimFill, SimOrder } from '../../simcore/types';
import type { PropsEventType } from '../codec';
import { fromTradovateSymbol, toTradovateSymbol } from '../symbols';

export type Entity = Record<string, unknown> & { readonly id: number };

export interface PropsOut {
  readonly accountId: number;
  readonly entityType: string;
  readonly eventType: PropsEventType;
  readonly entity: Entity;
}

/** Table name (as in SyncMessage) → entityType, and the field `deps?masterid=` filters on. */
const TABLES = {
  user: { list: 'users', master: undefined },
  account: { list: 'accounts', master: 'userId' },
  cashBalance: { list: 'cashBalances', master: 'accountId' },
  position: { list: 'positions', master: 'accountId' },
  order: { list: 'orders', master: 'accountId' },
  orderVersion: { list: 'orderVersions', master: 'orderId' },
  command: { list: 'commands', master: 'orderId' },
  commandReport: { list: 'commandReports', master: 'commandId' },
  executionReport: { list: 'executionReports', master: 'commandId' },
  fill: { list: 'fills', master: 'orderId' },
  /** One per fill, with the fill's id (`fillFee/deps?masterid=<fillId>`). */
  fillFee: { list: 'fillFees', master: 'id' },
  contract: { list: 'contracts', master: 'contractMaturityId' },
  contractMaturity: { list: 'contractMaturities', master: 'productId' },
  product: { list: 'products', master: undefined },
} as const;

export type EntityType = keyof typeof TABLES;

export function entityTypeOf(lowercase: string): EntityType | undefined {
  return (Object.keys(TABLES) as EntityType[]).find((t) => t.toLowerCase() === lowercase.toLowerCase());
}

export const SYNC_LIST_NAMES: Readonly<Record<EntityType, string>> = Object.fromEntries(Object.entries(TABLES).map(([k, v]) => [k, v.list])) as Record<EntityType, string>;

/** Exchange reject texts → the nearest failureReason of the spec's enum (§5.2). */
const FAILURE_REASONS = ['AccountClosed', 'AdvancedTrailingStopUnsupported', 'AnotherCommandPending', 'BackMonthProhibited', 'ExecutionProviderNotConfigured', 'ExecutionProviderUnavailable', 'InvalidContract', 'InvalidPrice', 'LiquidationOnly', 'LiquidationOnlyBeforeExpiration', 'MaxOrderQtyIsNotSpecified', 'MaxOrderQtyLimitReached', 'MaxPosLimitMisconfigured', 'MaxPosLimitReached', 'MaxTotalPosLimitReached', 'MultipleAccountPlanRequired', 'NoQuote', 'NotEnoughLiquidity', 'OtherExecutionRelated', 'ParentRejected', 'RiskCheckTimeout', 'SessionClosed', 'TooLate', 'TradingLocked', 'TrailingStopNonOrderQtyModify', 'Unauthorized', 'UnknownReason', 'Unsupported'];

export function failureReasonFor(text: string): string {
  const exact = FAILURE_REASONS.find((r) => text.startsWith(r));
  if (exact) return exact;
  if (/^Invalid contract/i.test(text)) return 'InvalidContract';
  if (/^Invalid (bracket )?price/i.test(text)) return 'InvalidPrice';
  if (/^No quote/i.test(text)) return 'NoQuote';
  if (/^Invalid quantity/i.test(text)) return 'MaxOrderQtyIsNotSpecified';
  return 'UnknownReason';
}

const ORD_STATUS: Record<SimOrder['status'], string> = {
  pending: 'PendingNew',
  suspended: 'Suspended',
  working: 'Working',
  filled: 'Filled',
  cancelled: 'Canceled',
  rejected: 'Rejected',
};

const ORDER_TYPE: Record<OrderType, string> = { market: 'Market', limit: 'Limit', stop: 'Stop' };

interface OrderMemo {
  status: SimOrder['status'];
  qty: number;
  price: number | undefined;
  commandId: number;
}

interface PositionMemo {
  id: number;
  bought: number;
  boughtValue: number;
  sold: number;
  soldValue: number;
}

export class WireBook {
  private readonly tables = new Map<EntityType, Map<number, Entity>>();
  /** Which account owns an entity (undefined: shared, like contracts). */
  private readonly ownerOf = new Map<string, number>();
  private readonly orders = new Map<number, OrderMemo>();
  private readonly positions = new Map<string, PositionMemo>();
  private readonly cashIds = new Map<number, number>();
  private readonly contractIds = new Map<ContractCode, number>();
  private readonly productIds = new Map<string, number>();
  private readonly imported = new Set<number>();
  private readonly users = new Map<string, number>();
  private nextId = 8_300_000_000;
  private nextContractId = 4_600_000_000;

  constructor(private readonly exchange: SimExchange) {
    for (const t of Object.keys(TABLES) as EntityType[]) this.tables.set(t, new Map());
  }

  // ---- reads -----------------------------------------------------------------------------------

  item(type: EntityType, id: number): Entity | undefined {
    return this.table(type).get(id);
  }

  /** Entities of `type` visible to a login owning `accounts` (shared entities are visible to all). */
  visible(type: EntityType, accounts: ReadonlySet<number>, userId?: number): Entity[] {
    const out: Entity[] = [];
    for (const e of this.table(type).values()) if (this.isVisible(type, e, accounts, userId)) out.push(e);
    return out;
  }

  isVisible(type: EntityType, e: Entity, accounts: ReadonlySet<number>, userId?: number): boolean {
    if (type === 'user') return e.id === userId;
    const owner = this.ownerOf.get(`${type}:${e.id}`);
    return owner === undefined ? !isPrivate(type) : accounts.has(owner);
  }

  master(type: EntityType): string | undefined {
    return TABLES[type].master;
  }

  /** `find?name=`: contracts are created on demand from any name the catalog lists. */
  findByName(type: EntityType, name: string): Entity | undefined {
    if (type === 'contract') {
      const code = fromTradovateSymbol(name, this.exchange.clock.now());
      if (!code.ok) return undefined;
      const { root, year, month } = parseContractCode(code.value);
      if (!this.exchange.catalog.product(root) || !this.exchange.catalog.lists(root, year, month)) return undefined;
      return this.contract(code.value);
    }
    if (type === 'product') {
      const root = name.trim().toUpperCase();
      if (!this.exchange.catalog.product(root)) return undefined;
      return this.item('product', this.product(root));
    }
    for (const e of this.table(type).values()) if (e.name === name) return e;
    return undefined;
  }

  userId(login: string): number {
    const key = login.toLowerCase();
    let id = this.users.get(key);
    if (id === undefined) {
      id = this.newId();
      this.users.set(key, id);
      this.put('user', { id, name: login, timestamp: this.iso(), email: `${key}@sim.invalid`, status: 'Active', professional: false }, undefined);
    }
    return id;
  }

  contractCodeOf(contractId: number): ContractCode | undefined {
    for (const [code, id] of this.contractIds) if (id === contractId) return code;
    return undefined;
  }

  /** The contract entity for a code, created with its maturity and product the first time. */
  contract(code: ContractCode): Entity {
    let id = this.contractIds.get(code);
    if (id === undefined) {
      const { root, year, month } = parseContractCode(code);
      const productId = this.product(root);
      const maturityId = this.newContractId();
      this.put('contractMaturity', { id: maturityId, productId, expirationMonth: year * 100 + month, expirationDate: new Date(Date.UTC(year, month - 1, 15)).toISOString(), isFront: false, archived: false }, undefined);
      id = this.newContractId();
      const product = this.exchange.catalog.require(root);
      this.put('contract', { id, name: toTradovateSymbol(code), contractMaturityId: maturityId, status: 'DefinitionChecked', providerTickSize: product.tickSize.toNumber() }, undefined);
      this.contractIds.set(code, id);
    }
    const e = this.item('contract', id);
    if (!e) throw new Error(`simulator: contract ${code} vanished`);
    return e;
  }

  // ---- accounts and their current state ---------------------------------------------------------

  /**
   * Brings an exchange account into the tables with everything it already holds (orders, fills,
   * positions, balance). Idempotent; later changes arrive as exchange events.
   */
  importAccount(acc: SimAccount): void {
    if (this.imported.has(acc.id)) return;
    this.imported.add(acc.id);
    const userId = this.userId(acc.spec.login);
    this.put('account', { id: acc.id, name: acc.spec.name, userId, accountType: 'Customer', active: true, clearingHouseId: 2, riskCategoryId: 2, autoLiqProfileId: 2, marginAccountType: 'Speculator', legalStatus: 'Individual', archived: false, timestamp: this.iso() }, acc.id);
    this.put('cashBalance', this.cashBalance(acc), acc.id);
    for (const o of acc.orderLog) this.applyOrder(acc, o);
    for (const f of acc.fills) this.applyFill(acc, f);
    for (const p of this.exchange.positions(acc.id)) this.applyPosition(acc.id, p.contract, p.netPos, p.avgPrice);
  }

  isImported(accountId: number): boolean {
    return this.imported.has(accountId);
  }

  /** Translates one exchange event into table changes, returned as props messages (in order). */
  onSimEvent(accountId: number, e: SimEvent): PropsOut[] {
    const acc = this.exchange.account(accountId);
    if (!acc || !this.imported.has(accountId)) return [];
    switch (e.kind) {
      case 'order':
        return this.applyOrder(acc, e.order);
      case 'fill':
        return this.applyFill(acc, e.fill);
      case 'position':
        return this.applyPosition(accountId, e.position.contract, e.position.netPos, e.position.avgPrice);
      case 'balance': {
        const cb = this.cashBalance(acc);
        this.put('cashBalance', cb, accountId);
        return [{ accountId, entityType: 'cashBalance', eventType: 'Updated', entity: cb }];
      }
    }
  }

  /** The id of an order's latest New/Modify command (a modify's answer). */
  latestCommand(orderId: number): number | undefined {
    return this.orders.get(orderId)?.commandId;
  }

  /** Records a Modify/Cancel command for an order; returns its props message and id. */
  newCommand(orderId: number, accountId: number, commandType: 'Modify' | 'Cancel', isAutomated: boolean, clOrdId?: string): { out: PropsOut; commandId: number } {
    const id = this.newId();
    const cmd: Entity = { id, orderId, timestamp: this.iso(), commandType, commandStatus: 'RiskPassed', isAutomated, ...(clOrdId !== undefined ? { clOrdId } : {}) };
    this.put('command', cmd, accountId);
    const memo = this.orders.get(orderId);
    if (memo && commandType === 'Modify') memo.commandId = id;
    return { out: { accountId, entityType: 'command', eventType: 'Created', entity: cmd }, commandId: id };
  }

  // ---- translation -----------------------------------------------------------------------------

  private applyOrder(acc: SimAccount, o: Readonly<SimOrder>): PropsOut[] {
    const out: PropsOut[] = [];
    const memo = this.orders.get(o.orderId);
    const contractId = this.contract(o.contract).id;
    const emit = (entityType: EntityType, eventType: PropsEventType, entity: Entity): void => {
      this.put(entityType, entity, acc.id);
      out.push({ accountId: acc.id, entityType, eventType, entity });
    };
    if (!memo) {
      const commandId = this.newId();
      emit('order', 'Created', this.orderEntity(acc, o, contractId));
      emit('command', 'Created', {
        id: commandId,
        orderId: o.orderId,
        timestamp: this.iso(o.createdAt),
        commandType: 'New',
        commandStatus: o.status === 'rejected' ? 'RiskRejected' : 'RiskPassed',
        isAutomated: o.source === 'api',
        ...(o.tag !== undefined ? { clOrdId: o.tag } : {}),
      });
      emit('orderVersion', 'Created', this.versionEntity(commandId, o));
      this.orders.set(o.orderId, { status: o.status, qty: o.qty, price: o.price, commandId });
      if (o.status === 'rejected') out.push(...this.rejection(acc, o, commandId, contractId));
      else emit('executionReport', 'Created', this.execReport(acc, o, commandId, contractId, o.status === 'suspended' ? 'Suspended' : 'New'));
      return out;
    }
    if (memo.qty !== o.qty || memo.price !== o.price) {
      // A modify: one Modify command, a new version (the full terms), a Replaced report.
      const { out: cmd, commandId } = this.newCommand(o.orderId, acc.id, 'Modify', o.source === 'api');
      out.push(cmd);
      emit('orderVersion', 'Created', this.versionEntity(commandId, o));
      emit('executionReport', 'Created', this.execReport(acc, o, commandId, contractId, 'Replaced'));
      memo.qty = o.qty;
      memo.price = o.price;
    }
    if (memo.status !== o.status) {
      memo.status = o.status;
      emit('order', 'Updated', this.orderEntity(acc, o, contractId));
      if (o.status === 'rejected') out.push(...this.rejection(acc, o, memo.commandId, contractId));
      else if (o.status === 'cancelled') emit('executionReport', 'Created', this.execReport(acc, o, memo.commandId, contractId, 'Canceled'));
      else if (o.status === 'working') emit('executionReport', 'Created', this.execReport(acc, o, memo.commandId, contractId, 'New'));
    }
    return out;
  }

  private rejection(acc: SimAccount, o: Readonly<SimOrder>, commandId: number, contractId: number): PropsOut[] {
    const text = o.rejectReason ?? 'Rejected';
    const report: Entity = { id: this.newId(), commandId, timestamp: this.iso(), commandStatus: 'RiskRejected', rejectReason: failureReasonFor(text), text, ordStatus: 'Rejected' };
    this.put('commandReport', report, acc.id);
    const exec = this.execReport(acc, o, commandId, contractId, 'Rejected');
    this.put('executionReport', exec, acc.id);
    return [
      { accountId: acc.id, entityType: 'commandReport', eventType: 'Created', entity: report },
      { accountId: acc.id, entityType: 'executionReport', eventType: 'Created', entity: exec },
    ];
  }

  private applyFill(acc: SimAccount, f: SimFill): PropsOut[] {
    if (this.item('fill', f.fillId)) return [];
    const contractId = this.contract(f.contract).id;
    const fill: Entity = {
      id: f.fillId,
      orderId: f.orderId,
      contractId,
      timestamp: this.iso(f.time),
      tradeDate: this.tradeDate(f.time),
      action: f.side === 'buy' ? 'Buy' : 'Sell',
      qty: f.qty,
      price: f.price,
      active: true,
      finallyPaired: 0,
    };
    this.put('fill', fill, acc.id);
    const pm = this.positionMemo(acc.id, f.contract);
    if (f.side === 'buy') {
      pm.bought += f.qty;
      pm.boughtValue += f.qty * f.price;
    } else {
      pm.sold += f.qty;
      pm.soldValue += f.qty * f.price;
    }
    const out: PropsOut[] = [{ accountId: acc.id, entityType: 'fill', eventType: 'Created', entity: fill }];
    const order = acc.orders.get(f.orderId);
    const memo = this.orders.get(f.orderId);
    if (order && memo) {
      const exec = this.execReport(acc, order, memo.commandId, contractId, 'Trade', { lastQty: f.qty, lastPx: f.price });
      this.put('executionReport', exec, acc.id);
      out.push({ accountId: acc.id, entityType: 'executionReport', eventType: 'Created', entity: exec });
    }
    // The fill's fees follow as their own entity, as the exchange clears them; the whole charge is
    // put under `commission` (the simulator has one rate per contract and side).
    const fee: Entity = { id: f.fillId, clearingFee: 0, exchangeFee: 0, nfaFee: 0, brokerageFee: 0, ipFee: 0, commission: moneyToDollars(f.fees), orderRoutingFee: 0 };
    this.put('fillFee', fee, acc.id);
    out.push({ accountId: acc.id, entityType: 'fillFee', eventType: 'Created', entity: fee });
    return out;
  }

  private applyPosition(accountId: number, contract: ContractCode, netPos: number, avgPrice: number): PropsOut[] {
    const pm = this.positionMemo(accountId, contract);
    const existed = this.item('position', pm.id) !== undefined;
    const entity: Entity = {
      id: pm.id,
      accountId,
      contractId: this.contract(contract).id,
      timestamp: this.iso(),
      tradeDate: this.tradeDate(),
      netPos,
      ...(netPos !== 0 ? { netPrice: avgPrice } : {}),
      bought: pm.bought,
      boughtValue: pm.boughtValue,
      sold: pm.sold,
      soldValue: pm.soldValue,
      prevPos: 0,
      archived: false,
    };
    this.put('position', entity, accountId);
    return [{ accountId, entityType: 'position', eventType: existed ? 'Updated' : 'Created', entity }];
  }

  private positionMemo(accountId: number, contract: ContractCode): PositionMemo {
    const key = `${accountId}:${contract}`;
    let pm = this.positions.get(key);
    if (!pm) {
      pm = { id: this.newId(), bought: 0, boughtValue: 0, sold: 0, soldValue: 0 };
      this.positions.set(key, pm);
    }
    return pm;
  }

  private orderEntity(acc: SimAccount, o: Readonly<SimOrder>, contractId: number): Entity {
    const sibling = this.ocoSibling(acc, o);
    return {
      id: o.orderId,
      accountId: acc.id,
      contractId,
      timestamp: this.iso(o.createdAt),
      action: o.side === 'buy' ? 'Buy' : 'Sell',
      ordStatus: ORD_STATUS[o.status],
      admin: false,
      archived: false,
      external: false,
      ...(o.parentOrderId !== undefined ? { parentId: o.parentOrderId } : {}),
      ...(sibling !== undefined ? { ocoId: sibling } : {}),
    };
  }

  private ocoSibling(acc: SimAccount, o: Readonly<SimOrder>): number | undefined {
    if (o.ocoGroup === undefined) return undefined;
    for (const other of acc.orders.values()) if (other.orderId !== o.orderId && other.ocoGroup === o.ocoGroup) return other.orderId;
    return undefined;
  }

  private versionEntity(id: number, o: Readonly<SimOrder>): Entity {
    return {
      id,
      orderId: o.orderId,
      orderQty: o.qty,
      orderType: ORDER_TYPE[o.type],
      ...(o.type === 'limit' && o.price !== undefined ? { price: o.price } : {}),
      ...(o.type === 'stop' && o.price !== undefined ? { stopPrice: o.price } : {}),
      timeInForce: 'Day',
    };
  }

  private execReport(acc: SimAccount, o: Readonly<SimOrder>, commandId: number, contractId: number, execType: string, trade?: { lastQty: number; lastPx: number }): Entity {
    return {
      id: this.newId(),
      commandId,
      name: toTradovateSymbol(o.contract),
      accountId: acc.id,
      contractId,
      timestamp: this.iso(),
      tradeDate: this.tradeDate(),
      orderId: o.orderId,
      execType,
      ordStatus: ORD_STATUS[o.status],
      action: o.side === 'buy' ? 'Buy' : 'Sell',
      cumQty: o.filledQty,
      ...(o.filledQty > 0 ? { avgPx: o.filledNotional / o.filledQty } : {}),
      ...(trade ?? {}),
      ...(o.tag !== undefined ? { externalClOrdId: o.tag } : {}),
      ...(o.status === 'rejected' && o.rejectReason !== undefined ? { rejectReason: failureReasonFor(o.rejectReason), text: o.rejectReason } : {}),
    };
  }

  private cashBalance(acc: SimAccount): Entity {
    const id = this.cashBalanceId(acc.id);
    const amount = moneyToDollars(acc.balance);
    return { id, accountId: acc.id, timestamp: this.iso(), tradeDate: this.tradeDate(), currencyId: 1, amount, realizedPnL: amount - moneyToDollars(acc.spec.balance), weekRealizedPnL: amount - moneyToDollars(acc.spec.balance) };
  }

  private cashBalanceId(accountId: number): number {
    let id = this.cashIds.get(accountId);
    if (id === undefined) {
      id = this.newId();
      this.cashIds.set(accountId, id);
    }
    return id;
  }

  private product(root: string): number {
    let id = this.productIds.get(root);
    if (id === undefined) {
      const p = this.exchange.catalog.require(root);
      id = this.newContractId();
      this.productIds.set(root, id);
      const tickSize = p.tickSize.toNumber();
      this.put('product', {
        id,
        name: root,
        currencyId: 1,
        productType: 'Futures',
        description: root,
        exchangeId: 1,
        contractGroupId: 1,
        status: 'Verified',
        months: p.months.map(monthCodeOf).join(''),
        valuePerPoint: p.pointValue.toNumber(),
        priceFormatType: 'Decimal',
        priceFormat: -Math.max(0, decimals(tickSize)),
        tickSize,
        isMicro: root.startsWith('M') && root.length >= 3,
      }, undefined);
    }
    return id;
  }

  private put(type: EntityType, e: Entity, owner: number | undefined): void {
    this.table(type).set(e.id, e);
    if (owner !== undefined) this.ownerOf.set(`${type}:${e.id}`, owner);
  }

  private table(type: EntityType): Map<number, Entity> {
    const t = this.tables.get(type);
    if (!t) throw new Error(`simulator: no table ${type}`);
    return t;
  }

  private newId(): number {
    return this.nextId++;
  }

  private newContractId(): number {
    return this.nextContractId++;
  }

  private iso(ms = this.exchange.clock.now()): string {
    return new Date(ms).toISOString();
  }

  private tradeDate(ms = this.exchange.clock.now()): { year: number; month: number; day: number } {
    const d = new Date(ms);
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
  }
}

function isPrivate(type: EntityType): boolean {
  return type !== 'contract' && type !== 'contractMaturity' && type !== 'product';
}

function decimals(x: number): number {
  const s = String(x);
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}

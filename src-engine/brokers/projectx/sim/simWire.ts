/**
 * The simulator's view of exchange objects as ProjectX JSON: orders, trades, positions, accounts,
 * contracts and quotes in the documented shapes (§4–§8, §12.3–§12.4).
 */
import { monthCodeOf, parseContractCode, type ContractCode } from '../../../domain/contractCode';
import { moneyToDollars } from '../../../domain/money';
import type { SimAccount, SimExchange } from '../../simcore/exchange';
import type { SimFill, SimOrder, SimPosition, SimQuote } from '../../simcore/types';
import type { BrokerOrderStatus, OrderType as EngineOrderType } from '../../../orders/broker';
import type { ContractIds } from '../contractIds';
import { OrderSide, OrderStatus, OrderType, PositionType } from '../wireEnums';
import { formatWireTime } from '../wireTime';
import type { SimAccountFlags } from './simAccounts';

export type Json = Record<string, unknown>;

const STATUS: Record<BrokerOrderStatus, number> = {
  pending: OrderStatus.Pending,
  working: OrderStatus.Open,
  suspended: OrderStatus.Suspended,
  filled: OrderStatus.Filled,
  cancelled: OrderStatus.Cancelled,
  rejected: OrderStatus.Rejected,
};

const TYPE: Record<EngineOrderType, number> = { market: OrderType.Market, limit: OrderType.Limit, stop: OrderType.Stop };

/** Prices as the gateway prints them: decimals, never float noise like 21000.250000000004. */
export function wirePrice(p: number): number {
  return Number(p.toFixed(9));
}

export class SimWire {
  private readonly positionIds = new Map<string, number>();
  private nextPositionId = 6_124;

  constructor(
    private readonly exchange: SimExchange,
    private readonly ids: ContractIds,
  ) {}

  contractId(code: ContractCode): string {
    const id = this.ids.toId(code);
    if (!id.ok) throw new Error(`simulator: ${id.error}`);
    return id.value;
  }

  order(o: Readonly<SimOrder>): Json {
    return {
      id: o.orderId,
      accountId: o.accountId,
      contractId: this.contractId(o.contract),
      symbolId: this.ids.symbolId(o.contract) ?? null,
      creationTimestamp: formatWireTime(o.createdAt),
      updateTimestamp: formatWireTime(o.updatedAt),
      status: STATUS[o.status],
      type: TYPE[o.type],
      side: o.side === 'buy' ? OrderSide.Bid : OrderSide.Ask,
      size: o.qty,
      limitPrice: o.type === 'limit' && o.price !== undefined ? wirePrice(o.price) : null,
      stopPrice: o.type === 'stop' && o.price !== undefined ? wirePrice(o.price) : null,
      fillVolume: o.filledQty,
      filledPrice: o.filledQty > 0 ? wirePrice(o.filledNotional / o.filledQty) : null,
      // Bracket children are made by the platform, not by the request: they carry no tag of ours.
      customTag: o.parentOrderId === undefined ? (o.tag ?? null) : null,
      trailDistance: null,
      trailPrice: null,
      parentOrderId: o.parentOrderId ?? null,
      linkedOrderId: this.sibling(o) ?? null,
    };
  }

  trade(f: SimFill): Json {
    return {
      id: f.fillId,
      accountId: f.accountId,
      contractId: this.contractId(f.contract),
      creationTimestamp: formatWireTime(f.time),
      price: wirePrice(f.price),
      profitAndLoss: f.realized === undefined ? null : moneyToDollars(f.realized),
      fees: moneyToDollars(f.fees),
      side: f.side === 'buy' ? OrderSide.Bid : OrderSide.Ask,
      size: f.qty,
      voided: false,
      orderId: f.orderId,
    };
  }

  position(accountId: number, p: Readonly<SimPosition>): Json {
    return {
      id: this.positionId(accountId, p.contract),
      accountId,
      contractId: this.contractId(p.contract),
      contractDisplayName: displayName(p.contract),
      creationTimestamp: formatWireTime(this.exchange.clock.now()),
      type: p.netPos > 0 ? PositionType.Long : p.netPos < 0 ? PositionType.Short : PositionType.Undefined,
      size: Math.abs(p.netPos),
      averagePrice: wirePrice(p.avgPrice),
    };
  }

  account(a: SimAccount, flags: SimAccountFlags): Json {
    return { id: a.id, name: a.spec.name, balance: moneyToDollars(a.balance), canTrade: flags.canTrade, isVisible: true, simulated: flags.simulated };
  }

  contract(code: ContractCode): Json | undefined {
    const product = this.ids.product(code);
    if (!product) return undefined;
    const { root, year, month } = parseContractCode(code);
    return {
      id: this.contractId(code),
      // Current docs name contracts with a one-digit year (NQH5), after the exchange root.
      name: `${root}${monthCodeOf(month)}${year % 10}`,
      description: `${root}: ${new Date(Date.UTC(year, month - 1, 1)).toLocaleString('en-US', { month: 'long', timeZone: 'UTC' })} ${year}`,
      tickSize: product.tickSize.toNumber(),
      tickValue: product.tickValue.toNumber(),
      activeContract: this.exchange.catalog.lists(root, year, month),
      symbolId: this.ids.symbolId(code),
    };
  }

  quote(q: SimQuote): Json {
    const { root } = parseContractCode(q.contract);
    const price = wirePrice(q.price);
    const t = formatWireTime(q.time);
    return {
      symbol: this.ids.symbolId(q.contract),
      symbolName: `/${root}`,
      lastPrice: price,
      bestBid: price,
      bestAsk: price,
      change: 0,
      changePercent: 0,
      open: price,
      high: price,
      low: price,
      volume: 0,
      lastUpdated: t,
      timestamp: t,
    };
  }

  private sibling(o: Readonly<SimOrder>): number | undefined {
    if (o.ocoGroup === undefined) return undefined;
    const account = this.exchange.account(o.accountId);
    if (!account) return undefined;
    for (const other of account.orders.values()) if (other.orderId !== o.orderId && other.ocoGroup === o.ocoGroup) return other.orderId;
    return undefined;
  }

  private positionId(accountId: number, contract: ContractCode): number {
    const key = `${accountId}|${contract}`;
    let id = this.positionIds.get(key);
    if (id === undefined) {
      id = this.nextPositionId++;
      this.positionIds.set(key, id);
    }
    return id;
  }
}

/** `MNQM26`: what the Swagger's contractDisplayName looks like. */
export function displayName(code: ContractCode): string {
  const { root, year, month } = parseContractCode(code);
  return `${root}${monthCodeOf(month)}${String(year % 100).padStart(2, '0')}`;
}

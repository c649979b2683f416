/**
 * ProjectX entities → the engine's broker types. Pure: each function gets a complete wire entity
 * (merged and checked by the caller) and returns the engine's view or a readable reason why not.
 */
import type { ContractCode } from '../../domain/contractCode';
import { moneyFromDollars, type Money } from '../../domain/money';
import type { BrokerFill, BrokerOrder, BrokerOrderStatus, BrokerPosition, OrderType as EngineOrderType, Side } from '../../orders/broker';
import type { Decoded } from './restCodec';
import { OrderSide, OrderStatus, OrderType, PositionType } from './wireEnums';
import type { CompleteOrder, CompletePosition, CompleteTrade } from './wireModels';

const STATUS: Readonly<Record<number, BrokerOrderStatus>> = {
  [OrderStatus.None]: 'pending',
  [OrderStatus.Pending]: 'pending',
  [OrderStatus.Open]: 'working',
  // Cancel requested, not yet done: still working as far as risk is concerned.
  [OrderStatus.PendingCancellation]: 'working',
  [OrderStatus.Suspended]: 'suspended',
  [OrderStatus.Filled]: 'filled',
  [OrderStatus.Cancelled]: 'cancelled',
  [OrderStatus.Expired]: 'cancelled',
  [OrderStatus.Rejected]: 'rejected',
};

/** Order types the engine does not model map to the nearest one by how they rest. */
const TYPE: Readonly<Record<number, EngineOrderType>> = {
  [OrderType.Unknown]: 'market',
  [OrderType.Market]: 'market',
  [OrderType.Limit]: 'limit',
  [OrderType.JoinBid]: 'limit',
  [OrderType.JoinAsk]: 'limit',
  [OrderType.Stop]: 'stop',
  [OrderType.StopLimit]: 'stop',
  [OrderType.TrailingStop]: 'stop',
};

export function sideOf(side: number): Side | undefined {
  return side === OrderSide.Bid ? 'buy' : side === OrderSide.Ask ? 'sell' : undefined;
}

export function wireSide(side: Side): number {
  return side === 'buy' ? OrderSide.Bid : OrderSide.Ask;
}

export function wireOrderType(type: EngineOrderType): number {
  return type === 'market' ? OrderType.Market : type === 'limit' ? OrderType.Limit : OrderType.Stop;
}

export function isFinalStatus(status: BrokerOrderStatus): boolean {
  return status === 'filled' || status === 'cancelled' || status === 'rejected';
}

export function toBrokerOrder(o: CompleteOrder, contract: ContractCode, extras: { rejectReason?: string | undefined; fallbackTime: number }): Decoded<BrokerOrder> {
  const status = STATUS[o.status];
  if (status === undefined) return { ok: false, error: `order ${o.id}: unknown status ${o.status}` };
  const type = TYPE[o.type];
  if (type === undefined) return { ok: false, error: `order ${o.id}: unknown type ${o.type}` };
  const side = sideOf(o.side);
  if (side === undefined) return { ok: false, error: `order ${o.id}: unknown side ${o.side}` };
  // A trailing stop reads back its distance in trailPrice (§6.4): never take that for a price.
  const price = type === 'limit' ? o.limitPrice : type === 'stop' ? o.stopPrice : undefined;
  const filledQty = o.fillVolume ?? (status === 'filled' ? o.size : 0);
  // Both legs of a bracket name their entry, so the entry id is a group both agree on from the
  // first event; a bare linkedOrderId pair agrees on the smaller of the two ids.
  const group = o.parentOrderId !== undefined ? `bracket-${o.parentOrderId}` : o.linkedOrderId !== undefined ? `oco-${Math.min(o.id, o.linkedOrderId)}` : undefined;
  return {
    ok: true,
    value: {
      accountId: String(o.accountId),
      orderId: String(o.id),
      ...(o.customTag !== undefined && o.customTag.length > 0 ? { tag: o.customTag } : {}),
      contract,
      side,
      qty: o.size,
      type,
      ...(price !== undefined ? { price } : {}),
      status,
      filledQty,
      ...(filledQty > 0 && o.filledPrice !== undefined ? { avgFillPrice: o.filledPrice } : {}),
      ...(o.parentOrderId !== undefined ? { parentOrderId: String(o.parentOrderId) } : {}),
      ...(group !== undefined ? { ocoGroup: group } : {}),
      ...(status === 'rejected' && extras.rejectReason !== undefined ? { rejectReason: extras.rejectReason } : {}),
      time: o.updateTimestamp ?? o.creationTimestamp ?? extras.fallbackTime,
    },
  };
}

export function toBrokerFill(t: CompleteTrade, contract: ContractCode, fallbackTime: number): Decoded<BrokerFill> {
  const side = sideOf(t.side);
  if (side === undefined) return { ok: false, error: `trade ${t.id}: unknown side ${t.side}` };
  if (!(t.size > 0)) return { ok: false, error: `trade ${t.id}: size ${t.size}` };
  // A trade without `fees` (sparse payloads, §13) leaves them unknown, never zero.
  const fees = t.fees !== undefined ? balanceOf(t.fees) : undefined;
  if (fees !== undefined && !fees.ok) return { ok: false, error: `trade ${t.id}: fees ${t.fees}: ${fees.error}` };
  return {
    ok: true,
    value: {
      accountId: String(t.accountId),
      fillId: String(t.id),
      orderId: String(t.orderId),
      contract,
      side,
      qty: t.size,
      price: t.price,
      time: t.creationTimestamp ?? fallbackTime,
      ...(fees?.ok === true ? { fees: fees.value } : {}),
    },
  };
}

/**
 * Direction comes from `type`, never from the sign of `size` (§7, §14.11). Flat is `size: 0` or
 * an envelope with `action: 0` (§12.3, unconfirmed).
 */
export function toBrokerPosition(p: CompletePosition, contract: ContractCode, action: number | undefined): Decoded<BrokerPosition> {
  const flat = p.size === 0 || action === 0;
  if (flat) return { ok: true, value: { accountId: String(p.accountId), contract, netPos: 0 } };
  const size = Math.abs(p.size);
  let netPos: number;
  if (p.type === PositionType.Long) netPos = size;
  else if (p.type === PositionType.Short) netPos = -size;
  else return { ok: false, error: `position ${p.id}: direction ${String(p.type)} with size ${p.size}` };
  return { ok: true, value: { accountId: String(p.accountId), contract, netPos, ...(p.averagePrice !== undefined ? { avgPrice: p.averagePrice } : {}) } };
}

export function balanceOf(balance: number): Decoded<Money> {
  try {
    return { ok: true, value: moneyFromDollars(balance) };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

import type { ContractCode } from '../../domain/contractCode';
import type { Money } from '../../domain/money';
import type { BrokerKind, BrokerOrderStatus, OrderType, Side } from '../../orders/broker';

/** Who sent an order: the API (an adapter, i.e. Mirrorfill) or a person in the broker's own platform. */
export type OrderSource = 'api' | 'manual';

export interface SimOrder {
  readonly orderId: number;
  readonly accountId: number;
  readonly contract: ContractCode;
  readonly side: Side;
  qty: number;
  readonly type: OrderType;
  price: number | undefined;
  status: BrokerOrderStatus;
  filledQty: number;
  /** Sum of price × qty over fills, for the average. */
  filledNotional: number;
  readonly tag: string | undefined;
  readonly source: OrderSource;
  readonly parentOrderId: number | undefined;
  readonly ocoGroup: string | undefined;
  rejectReason: string | undefined;
  readonly createdAt: number;
  updatedAt: number;
  /** For an entry sent with a bracket: its legs (stop first, then target). */
  legIds: number[];
}

export interface SimFill {
  readonly fillId: number;
  readonly orderId: number;
  readonly accountId: number;
  readonly contract: ContractCode;
  readonly side: Side;
  readonly qty: number;
  readonly price: number;
  readonly time: number;
  /** Realized PnL of this fill (closing part only); undefined for fills that only opened. */
  readonly realized: Money | undefined;
  /** Commission and exchange fees charged for this fill (0 when the account pays none). */
  readonly fees: Money;
}

export interface SimPosition {
  readonly contract: ContractCode;
  netPos: number;
  /** Average entry price of the open quantity (exact enough for display; PnL uses lots below). */
  avgPrice: number;
}

/** What happened at the exchange, per account. Front-ends turn these into their wire events. */
export type SimEvent =
  | { readonly kind: 'order'; readonly order: Readonly<SimOrder> }
  | { readonly kind: 'fill'; readonly fill: SimFill }
  | { readonly kind: 'position'; readonly accountId: number; readonly position: Readonly<SimPosition> }
  | { readonly kind: 'balance'; readonly accountId: number; readonly balance: Money };

export interface SimQuote {
  readonly contract: ContractCode;
  readonly price: number;
  readonly time: number;
}

export interface SimAccountSpec {
  /** The scenario's id for it ("f1"), used to address faults and expectations. */
  readonly key: string;
  readonly broker: BrokerKind;
  /** The login this account belongs to (several accounts may share one login). */
  readonly login: string;
  /** What the broker calls it. */
  readonly name: string;
  readonly balance: Money;
  /**
   * Root → fees per contract per side (commission and exchange fees together), charged on every
   * fill and taken from the balance; a root not listed is charged nothing.
   */
  readonly fees?: ReadonlyMap<string, Money>;
}

export interface PlaceSpec {
  readonly contract: ContractCode;
  readonly side: Side;
  readonly qty: number;
  readonly type: OrderType;
  readonly price?: number | undefined;
  readonly tag?: string | undefined;
  readonly source: OrderSource;
  readonly bracket?: { readonly stopLoss?: number | undefined; readonly takeProfit?: number | undefined } | undefined;
}

export type PlaceResult =
  | { readonly ok: true; readonly order: Readonly<SimOrder>; readonly legs: readonly Readonly<SimOrder>[] }
  | { readonly ok: false; readonly reason: string; /** The rejected order is recorded, as real brokers do. */ readonly order?: Readonly<SimOrder> };

export type CommandResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** Faults of scenario-format.md, armed per account. Each front-end applies the wire-level ones in its own broker's terms. */
export interface SimFaults {
  rejectNext: string | undefined;
  duplicateNextEvent: boolean;
  partialFillQty: number | undefined;
  /** Connections dropped and refused until this real-time instant (performance.now() ms). */
  disconnectUntil: number | undefined;
  /** Messages to this account's connections held this long (ms, real time). */
  delayMs: number | undefined;
  delayUntil: number | undefined;
  /** The next request gets the broker's rate-limit penalty of this length (ms). */
  rateLimitMs: number | undefined;
  /** Raised by expireToken; the front-end expires the login's tokens and clears it. */
  expireToken: boolean;
}

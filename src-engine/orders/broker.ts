/**
 * The broker seam. Every adapter (paper, Tradovate, ProjectX) implements BrokerConnection; the
 * engine sees nothing of any wire protocol. Adapters translate broker names to the one internal
 * contract form (ContractCode) and classify every failure at their edge (see OutcomeClass).
 */
import type { ContractCode } from '../domain/contractCode';
import type { Money } from '../domain/money';

export type BrokerKind = 'paper' | 'tradovate' | 'projectx';
export type Side = 'buy' | 'sell';
export type OrderType = 'market' | 'limit' | 'stop';

/**
 * - pending: sent and acknowledged but not yet working (PendingNew / status 6)
 * - suspended: a bracket leg waiting for its parent to fill
 * - working: resting at the broker
 */
export type BrokerOrderStatus = 'pending' | 'suspended' | 'working' | 'filled' | 'cancelled' | 'rejected';

export interface BrokerAccount {
  /** The broker's own account id, as text (Tradovate/ProjectX ids are integers on the wire). */
  readonly brokerAccountId: string;
  /** What the broker calls it (DEMO12345, 50KTC-V2-...). */
  readonly name: string;
  readonly balance: Money;
}

export interface BrokerOrder {
  readonly accountId: string;
  readonly orderId: string;
  /** Our idempotency tag when we placed it (ProjectX customTag, Tradovate clOrdId); absent for orders placed by hand. */
  readonly tag?: string;
  readonly contract: ContractCode;
  readonly side: Side;
  readonly qty: number;
  readonly type: OrderType;
  /** Limit price for limit orders, trigger price for stop orders. */
  readonly price?: number;
  readonly status: BrokerOrderStatus;
  readonly filledQty: number;
  readonly avgFillPrice?: number;
  /** For a bracket leg: the entry order it belongs to. */
  readonly parentOrderId?: string;
  /** Orders sharing an OCO group cancel each other when one fills. */
  readonly ocoGroup?: string;
  /** Broker's text for a rejection, kept for the user. */
  readonly rejectReason?: string;
  /** Broker timestamp, epoch ms. */
  readonly time: number;
}

export interface BrokerFill {
  readonly accountId: string;
  /** Unique per account at that broker; the engine deduplicates on it. */
  readonly fillId: string;
  readonly orderId: string;
  readonly contract: ContractCode;
  readonly side: Side;
  readonly qty: number;
  readonly price: number;
  /** Broker timestamp, epoch ms. */
  readonly time: number;
  /**
   * Commission and exchange fees the broker charged for this fill, when it said so with the fill
   * (ProjectX trade `fees`, paper). Absent: not known yet (a Tradovate fill's fees come as their
   * own `fee` event) or not reported at all.
   */
  readonly fees?: Money;
  /**
   * When the adapter received the frame that carried this fill (performance.now(), monotonic ms).
   * The start of the copier-added latency; absent where the adapter cannot tell.
   */
  readonly receivedAt?: number;
}

export interface BrokerPosition {
  readonly accountId: string;
  readonly contract: ContractCode;
  /** Signed: short is negative. */
  readonly netPos: number;
  readonly avgPrice?: number;
}

export type ConnectionState =
  | { readonly state: 'connecting' }
  | { readonly state: 'connected' }
  /** The socket dropped; the adapter is retrying on its own. */
  | { readonly state: 'reconnecting'; readonly attempt: number; readonly nextTryAt: number; readonly reason: string }
  /** Will not retry by itself (wrong credentials, account closed): the user must act. */
  | { readonly state: 'failed'; readonly reason: string }
  | { readonly state: 'closed' };

export type BrokerEvent =
  | { readonly kind: 'order'; readonly order: BrokerOrder }
  | { readonly kind: 'fill'; readonly fill: BrokerFill }
  | { readonly kind: 'position'; readonly position: BrokerPosition }
  | { readonly kind: 'balance'; readonly accountId: string; readonly balance: Money }
  /** The fees of a fill already delivered without them (Tradovate's fillFee entity). */
  | { readonly kind: 'fee'; readonly accountId: string; readonly fillId: string; readonly fees: Money }
  | { readonly kind: 'quote'; readonly contract: ContractCode; readonly price: number; readonly time: number }
  /**
   * Connection lifecycle. After every (re)connect the adapter has re-authenticated and
   * resubscribed; `generation` increases each time so the engine knows to reconcile before it
   * sends anything on this connection.
   */
  | { readonly kind: 'connection'; readonly status: ConnectionState; readonly generation: number }
  /**
   * A broker message the adapter could not understand. The adapter has already logged it (with
   * the connection name, without secrets), counted it and started a resync; the engine shows it.
   */
  | { readonly kind: 'protocolError'; readonly detail: string };

export type BrokerListener = (event: BrokerEvent) => void;

/**
 * How an outcome may be retried (architecture.md practice 6):
 * - permanent: the broker refused it (auth, invalid order, rejected). Never retry.
 * - transient: certainly not executed (rate-limit penalty before acceptance, socket down before
 *   the request left). Safe to send again later.
 * - unknown: the request may have been executed (timeout after writing). Resolve by looking the
 *   tag up; never resend blindly.
 */
export type OutcomeClass = 'permanent' | 'transient' | 'unknown';

export type PlaceOutcome =
  | { readonly ok: true; readonly orderId: string; /** Bracket leg ids, stop first then target, when a bracket was sent. */ readonly legOrderIds?: readonly string[] }
  | { readonly ok: false; readonly class: OutcomeClass; readonly reason: string; /** When transient: earliest retry, epoch ms. */ readonly retryAt?: number };

export type CommandOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly class: OutcomeClass; readonly reason: string; readonly retryAt?: number };

export interface PlaceOrderRequest {
  readonly accountId: string;
  /** Deterministic idempotency tag (orders/tag.ts). ≤ 32 chars, [A-Za-z0-9-]. */
  readonly tag: string;
  readonly contract: ContractCode;
  readonly side: Side;
  readonly qty: number;
  readonly type: OrderType;
  readonly price?: number;
  /**
   * Native bracket: both legs are protective exits of `qty` opposite to `side`, linked OCO, live
   * once the entry fills. Sent as ONE request (Tradovate placeOSO, ProjectX bracket fields).
   */
  readonly bracket?: { readonly stopLoss?: number; readonly takeProfit?: number };
  /**
   * Called once, with performance.now(), when the request's bytes have been handed to the socket
   * (the end of the copier-added latency). Adapters that cannot observe the write do not call it.
   */
  readonly onWritten?: (atMs: number) => void;
}

export interface ModifyOrderRequest {
  readonly accountId: string;
  readonly orderId: string;
  readonly qty: number;
  readonly type: OrderType;
  readonly price?: number;
}

export interface AccountSnapshot {
  readonly accountId: string;
  readonly balance: Money;
  readonly positions: readonly BrokerPosition[];
  /** Orders not in a final state (pending, suspended, working). */
  readonly openOrders: readonly BrokerOrder[];
  /** Fills of the current broker session (enough to recover what a gap in the stream missed). */
  readonly fills: readonly BrokerFill[];
}

/** Requests left in the current window, shown to the user per connection (copy-semantics §8a). */
export interface BudgetView {
  /** Requests a window planned against: the broker's figure (or the one it showed us) less a safety margin. */
  readonly limit: number;
  readonly remaining: number;
  readonly windowMs: number;
  /** The broker's published figure for the window, where it has one. */
  readonly brokerLimit?: number;
  /** The lower figure the broker showed us by refusing a request (penalty ticket, 429). */
  readonly learnedLimit?: number;
  /** Set while the broker has told us to wait (penalty ticket, 429). Epoch ms. */
  readonly penaltyUntil?: number;
}

export interface BrokerConnection {
  readonly kind: BrokerKind;
  /** Human name of the login, used in logs and errors (never contains a secret). */
  readonly name: string;

  /**
   * Connects, authenticates, subscribes and resolves once the accounts are known and events are
   * flowing. Rejects with the broker's reason when it cannot (wrong credentials...). After
   * start() resolves the adapter keeps itself connected (reconnect with backoff) until stop().
   */
  start(listener: BrokerListener): Promise<void>;
  /** Graceful: closes sockets, fails pending requests, clears timers. */
  stop(): Promise<void>;
  /** Hard kill (tests of crashes): drop every socket and timer now, emit nothing more. */
  abandon(): void;

  accounts(): readonly BrokerAccount[];
  snapshot(accountId: string): Promise<AccountSnapshot>;
  /** Looks an order up by our tag; null when the broker certainly has no such order. */
  findOrderByTag(accountId: string, tag: string): Promise<BrokerOrder | null>;

  place(req: PlaceOrderRequest): Promise<PlaceOutcome>;
  modify(req: ModifyOrderRequest): Promise<CommandOutcome>;
  cancel(accountId: string, orderId: string): Promise<CommandOutcome>;

  /** Ask for `quote` events for these contracts (idempotent). */
  subscribeQuotes(contracts: readonly ContractCode[]): void;

  budget(): BudgetView;

  /**
   * Requests an earlier run of the engine sent on this login (epoch ms, from its journal), told
   * before start: a restarted engine must not plan from an empty minute its killed process had
   * spent part of. Brokers that keep no budget ignore it.
   */
  spentEarlier?(times: readonly number[]): void;

  /**
   * Resolves once every event the broker sent before this call has been delivered to the
   * listener (a round trip on the event channel). `engine` (the default): the engine itself waits,
   * and the round trip is charged to the login's budget like any request. `observer`: a harness
   * (the scenario runner, the chaos suite) waits to look; it is not charged, and where the round
   * trip is a request it is marked so a simulator does not count it against the login's limits
   * either. A real broker never sees an observer's barrier.
   */
  barrier(use?: BarrierUse): Promise<void>;
}

export type BarrierUse = 'engine' | 'observer';

/** The mark an observer's round trip carries in its request body (simulators only ever see it). */
export const OBSERVER_MARK = 'observer';

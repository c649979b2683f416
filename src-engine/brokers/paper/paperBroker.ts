/**
 * The paper broker: the shared matching core reached in-process, with no socket. It behaves like
 * a remote broker where it matters to the engine: events arrive asynchronously (never inside the
 * call that caused them), a dropped "connection" refuses requests and comes back with a new
 * generation, and the wire faults of scenario-format.md apply in paper's own terms.
 */
import type { Catalog } from '../../domain/instruments';
import type { ContractCode } from '../../domain/contractCode';
import type { Clock } from '../../domain/clock';
import type {
  AccountSnapshot,
  BrokerAccount,
  BrokerConnection,
  BrokerEvent,
  BrokerFill,
  BrokerListener,
  BrokerOrder,
  BudgetView,
  CommandOutcome,
  ModifyOrderRequest,
  PlaceOrderRequest,
  PlaceOutcome,
} from '../../orders/broker';
import type { SimExchange, SimAccount } from '../simcore/exchange';
import type { SimFrontEnd, WireFault } from '../simcore/frontend';
import type { SimEvent, SimFill, SimOrder } from '../simcore/types';

const PAPER_BUDGET_PER_MINUTE = 1000;
const RECONNECT_RETRY_MS = 100;

/** Paper's "server" side: logins and faults over the exchange. */
export class PaperSim implements SimFrontEnd {
  readonly broker = 'paper' as const;
  private readonly logins = new Map<string, string>();
  private readonly connections = new Set<PaperConnection>();
  private readonly held = new Set<ReturnType<typeof setTimeout>>();
  private readonly idleWaiters: (() => void)[] = [];

  constructor(readonly exchange: SimExchange) {}

  start(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    for (const t of this.held) clearTimeout(t);
    this.held.clear();
    this.release();
    return Promise.resolve();
  }

  addLogin(login: string, secret: string): void {
    this.logins.set(login.toLowerCase(), secret);
  }

  /** Credentials check, as a real login would do. */
  authenticate(login: string, secret: string): SimAccount[] {
    const known = this.logins.get(login.toLowerCase());
    if (known === undefined || known !== secret) throw new Error('Invalid login or password');
    return this.exchange.accountsOf('paper', login);
  }

  register(conn: PaperConnection): () => void {
    this.connections.add(conn);
    return () => this.connections.delete(conn);
  }

  applyFault(accountId: number, fault: WireFault): void {
    const faults = this.exchange.faults(accountId);
    switch (fault.kind) {
      case 'disconnect': {
        faults.disconnectUntil = performance.now() + fault.ms;
        this.hold(fault.ms, () => {
          faults.disconnectUntil = undefined;
        });
        for (const c of this.connections) if (c.serves(accountId)) c.drop(`disconnected by the broker for ${fault.ms} ms`);
        return;
      }
      case 'delay':
        faults.delayMs = fault.ms;
        faults.delayUntil = performance.now() + fault.ms;
        this.hold(fault.ms, () => {
          faults.delayMs = undefined;
          faults.delayUntil = undefined;
        });
        return;
      case 'duplicateNextEvent':
        faults.duplicateNextEvent = true;
        return;
      case 'rateLimit':
        faults.rateLimitMs = fault.ms;
        return;
      case 'expireToken':
        // Paper has no tokens; the next request re-authenticates, which always succeeds.
        faults.expireToken = false;
        return;
    }
  }

  /** Schedules `fn` after `ms` as pending wire work (a disconnect window, a held message). */
  hold(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.held.delete(t);
      fn();
      if (this.held.size === 0) this.release();
    }, ms);
    this.held.add(t);
  }

  pendingWork(): number {
    return this.held.size;
  }

  whenIdle(): Promise<void> {
    if (this.held.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private release(): void {
    for (const w of this.idleWaiters.splice(0)) w();
  }
}

export interface PaperSettings {
  readonly name: string;
  readonly login: string;
  /** Request budget per minute (default 1000). */
  readonly requestsPerMinute?: number;
}

export class PaperConnection implements BrokerConnection {
  readonly kind = 'paper' as const;
  readonly name: string;
  private listener: BrokerListener | undefined;
  private accountsList: BrokerAccount[] = [];
  private accountIds = new Set<number>();
  private generation = 0;
  private state: 'idle' | 'connected' | 'down' | 'closed' = 'idle';
  private unsubscribe: (() => void)[] = [];
  private unregister: (() => void) | undefined;
  private readonly quoteContracts = new Set<ContractCode>();
  /** Request times of the sliding minute, from windowStart on (a queue without shifting). */
  private readonly requestTimes: number[] = [];
  private windowStart = 0;
  private penaltyUntil: number | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private attempt = 0;
  /** Set while start() waits for a login the broker refused for now. */
  private onConnected: (() => void) | undefined;
  /** Events go out one macrotask later, in order, like frames off a socket. */
  private readonly outbox: { event: BrokerEvent; notBefore: number }[] = [];
  private flushScheduled = false;

  constructor(
    private readonly settings: PaperSettings,
    private readonly secret: string,
    private readonly sim: PaperSim,
    private readonly deps: { catalog: Catalog; clock: Clock },
  ) {
    this.name = settings.name;
  }

  async start(listener: BrokerListener): Promise<void> {
    this.listener = listener;
    this.unregister = this.sim.register(this);
    try {
      await this.connect();
    } catch (err) {
      if (!(err instanceof RefusedForNow)) throw err;
      // Dropped by the broker for now, not refused for good: retried as after a drop, and started
      // once in (as the wire adapters treat a transient failure at start).
      await new Promise<void>((resolve) => {
        this.onConnected = resolve;
        this.scheduleReconnect(err.message);
      });
    }
  }

  stop(): Promise<void> {
    this.teardown('closed');
    this.emit({ kind: 'connection', status: { state: 'closed' }, generation: this.generation });
    this.flush();
    this.listener = undefined;
    return Promise.resolve();
  }

  abandon(): void {
    this.teardown('closed');
    this.outbox.length = 0;
    this.listener = undefined;
  }

  serves(accountId: number): boolean {
    return this.accountIds.has(accountId);
  }

  /** The broker dropped us: refuse requests, retry until the login is accepted again. */
  drop(reason: string): void {
    if (this.state !== 'connected') return;
    this.teardown('down');
    this.attempt = 0;
    this.scheduleReconnect(reason);
  }

  accounts(): readonly BrokerAccount[] {
    return this.accountsList;
  }

  snapshot(accountId: string): Promise<AccountSnapshot> {
    const acc = this.requireAccount(accountId);
    const ex = this.sim.exchange;
    return this.answer(() => ({
      accountId,
      balance: acc.balance,
      positions: ex.positions(acc.id).map((p) => ({ accountId, contract: p.contract, netPos: p.netPos, avgPrice: p.avgPrice })),
      openOrders: ex.openOrders(acc.id).map((o) => toBrokerOrder(o)),
      fills: acc.fills.map((f) => toBrokerFill(f)),
    }));
  }

  findOrderByTag(accountId: string, tag: string): Promise<BrokerOrder | null> {
    const acc = this.requireAccount(accountId);
    return this.answer(() => {
      const o = this.sim.exchange.findByTag(acc.id, tag);
      return o ? toBrokerOrder(o) : null;
    });
  }

  place(req: PlaceOrderRequest): Promise<PlaceOutcome> {
    const refusal = this.refuse();
    if (refusal) return Promise.resolve(refusal);
    const acc = this.requireAccount(req.accountId);
    // The order leaves now; the "broker" executes it a hop later, as a remote one would, so the
    // engine's fan-out to twenty followers never waits for nineteen executions.
    req.onWritten?.(performance.now());
    return new Promise((resolve) => {
      setImmediate(() => {
        if (this.state !== 'connected') {
          resolve({ ok: false, class: 'unknown', reason: 'connection lost after the order was sent' });
          return;
        }
        const result = this.sim.exchange.place(acc.id, {
          contract: req.contract,
          side: req.side,
          qty: req.qty,
          type: req.type,
          price: req.price,
          tag: req.tag,
          source: 'api',
          bracket: req.bracket,
        });
        if (!result.ok) resolve({ ok: false, class: 'permanent', reason: result.reason });
        else resolve({ ok: true, orderId: String(result.order.orderId), ...(result.legs.length ? { legOrderIds: result.legs.map((l) => String(l.orderId)) } : {}) });
      });
    });
  }

  modify(req: ModifyOrderRequest): Promise<CommandOutcome> {
    const refusal = this.refuse();
    if (refusal) return Promise.resolve(refusal);
    const acc = this.requireAccount(req.accountId);
    const r = this.sim.exchange.modify(acc.id, Number(req.orderId), { qty: req.qty, price: req.price });
    return Promise.resolve(r.ok ? { ok: true } : { ok: false, class: 'permanent', reason: r.reason });
  }

  cancel(accountId: string, orderId: string): Promise<CommandOutcome> {
    const refusal = this.refuse();
    if (refusal) return Promise.resolve(refusal);
    const acc = this.requireAccount(accountId);
    const r = this.sim.exchange.cancel(acc.id, Number(orderId));
    return Promise.resolve(r.ok ? { ok: true } : { ok: false, class: 'permanent', reason: r.reason });
  }

  subscribeQuotes(contracts: readonly ContractCode[]): void {
    for (const c of contracts) {
      if (this.quoteContracts.has(c)) continue;
      this.quoteContracts.add(c);
      const q = this.sim.exchange.quote(c);
      if (q && this.state === 'connected') this.emit({ kind: 'quote', contract: q.contract, price: q.price, time: q.time });
    }
  }

  budget(): BudgetView {
    const now = this.deps.clock.now();
    while (this.windowStart < this.requestTimes.length && (this.requestTimes[this.windowStart] ?? 0) < now - 60_000) this.windowStart++;
    if (this.windowStart > 4096) {
      this.requestTimes.splice(0, this.windowStart);
      this.windowStart = 0;
    }
    const limit = this.settings.requestsPerMinute ?? PAPER_BUDGET_PER_MINUTE;
    return {
      limit,
      remaining: Math.max(0, limit - (this.requestTimes.length - this.windowStart)),
      windowMs: 60_000,
      ...(this.penaltyUntil !== undefined && this.penaltyUntil > now ? { penaltyUntil: this.penaltyUntil } : {}),
    };
  }

  barrier(): Promise<void> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.outbox.length === 0) resolve();
        else setImmediate(check);
      };
      setImmediate(check);
    });
  }

  // ---- internals ------------------------------------------------------------------------------

  private connect(): Promise<void> {
    const accounts = this.sim.authenticate(this.settings.login, this.secret);
    const refused = accounts.some((a) => (a.faults.disconnectUntil ?? 0) > performance.now());
    if (refused) return Promise.reject(new RefusedForNow('connection refused'));
    this.accountsList = accounts.map((a) => ({ brokerAccountId: String(a.id), name: a.spec.name, balance: a.balance }));
    this.accountIds = new Set(accounts.map((a) => a.id));
    for (const a of accounts) {
      this.unsubscribe.push(this.sim.exchange.onAccountEvent(a.id, (e) => this.onSimEvent(a, e)));
    }
    this.unsubscribe.push(
      this.sim.exchange.onQuote((q) => {
        if (this.quoteContracts.has(q.contract)) this.emit({ kind: 'quote', contract: q.contract, price: q.price, time: q.time });
      }),
    );
    this.state = 'connected';
    this.generation++;
    for (const c of this.quoteContracts) {
      const q = this.sim.exchange.quote(c);
      if (q) this.emit({ kind: 'quote', contract: q.contract, price: q.price, time: q.time });
    }
    this.emit({ kind: 'connection', status: { state: 'connected' }, generation: this.generation });
    this.onConnected?.();
    this.onConnected = undefined;
    return Promise.resolve();
  }

  private scheduleReconnect(reason: string): void {
    this.attempt++;
    const nextTryAt = this.deps.clock.now() + RECONNECT_RETRY_MS;
    this.emitNow({ kind: 'connection', status: { state: 'reconnecting', attempt: this.attempt, nextTryAt, reason }, generation: this.generation });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.state === 'closed') return;
      this.connect().catch(() => this.scheduleReconnect('connection refused'));
    }, RECONNECT_RETRY_MS);
  }

  private teardown(state: 'down' | 'closed'): void {
    this.state = state;
    for (const u of this.unsubscribe.splice(0)) u();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (state === 'closed') this.unregister?.();
  }

  private onSimEvent(account: SimAccount, e: SimEvent): void {
    const event = toBrokerEvent(e);
    const f = account.faults;
    const delayed = f.delayUntil !== undefined && f.delayUntil > performance.now() ? f.delayUntil - performance.now() : 0;
    this.emit(event, delayed);
    if ((event.kind === 'order' || event.kind === 'fill') && f.duplicateNextEvent) {
      f.duplicateNextEvent = false;
      this.emit(event, delayed);
    }
  }

  private refuse(): PlaceOutcome & { ok: false } | undefined {
    if (this.state !== 'connected') return { ok: false, class: 'transient', reason: 'not connected' };
    this.requestTimes.push(this.deps.clock.now());
    const acc = [...this.accountIds].map((id) => this.sim.exchange.account(id)).find((a) => a?.faults.rateLimitMs !== undefined);
    if (acc?.faults.rateLimitMs !== undefined) {
      this.penaltyUntil = this.deps.clock.now() + acc.faults.rateLimitMs;
      acc.faults.rateLimitMs = undefined;
      return { ok: false, class: 'transient', reason: 'rate limited', retryAt: this.penaltyUntil };
    }
    return undefined;
  }

  private answer<T>(fn: () => T): Promise<T> {
    if (this.state !== 'connected') return Promise.reject(new Error('not connected'));
    return Promise.resolve(fn());
  }

  private requireAccount(accountId: string): SimAccount {
    const acc = this.sim.exchange.account(Number(accountId));
    if (!acc || !this.accountIds.has(acc.id)) throw new Error(`paper: unknown account ${accountId}`);
    return acc;
  }

  private emit(event: BrokerEvent, delayMs = 0): void {
    if (this.state === 'closed' && event.kind !== 'connection') return;
    this.outbox.push({ event, notBefore: delayMs > 0 ? performance.now() + delayMs : 0 });
    if (delayMs > 0) this.sim.hold(delayMs, () => this.scheduleFlush());
    this.scheduleFlush();
  }

  private emitNow(event: BrokerEvent): void {
    this.flush();
    this.listener?.(event);
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /** A hold is armed for the outbox's head (see flush). */
  private awaitingHead = false;

  private flush(): void {
    const now = performance.now();
    while (this.outbox.length > 0) {
      const head = this.outbox[0];
      if (!head) break;
      if (head.notBefore > now) {
        // The hold's timer ran on the event loop's coarser clock and came a fraction early: wait
        // out the rest, or the held events would stay in the outbox with nothing to flush them.
        if (!this.awaitingHead) {
          this.awaitingHead = true;
          this.sim.hold(Math.ceil(head.notBefore - now), () => {
            this.awaitingHead = false;
            this.scheduleFlush();
          });
        }
        break;
      }
      this.outbox.shift();
      // The moment the engine "receives the frame": stamped on delivery, as a socket adapter would.
      const e = head.event;
      this.listener?.(e.kind === 'fill' ? { kind: 'fill', fill: { ...e.fill, receivedAt: performance.now() } } : e);
    }
  }
}

function toBrokerEvent(e: SimEvent): BrokerEvent {
  switch (e.kind) {
    case 'order':
      return { kind: 'order', order: toBrokerOrder(e.order) };
    case 'fill':
      return { kind: 'fill', fill: toBrokerFill(e.fill) };
    case 'position':
      return { kind: 'position', position: { accountId: String(e.accountId), contract: e.position.contract, netPos: e.position.netPos, avgPrice: e.position.avgPrice } };
    case 'balance':
      return { kind: 'balance', accountId: String(e.accountId), balance: e.balance };
  }
}

export function toBrokerOrder(o: Readonly<SimOrder>): BrokerOrder {
  return {
    accountId: String(o.accountId),
    orderId: String(o.orderId),
    ...(o.tag !== undefined ? { tag: o.tag } : {}),
    contract: o.contract,
    side: o.side,
    qty: o.qty,
    type: o.type,
    ...(o.price !== undefined ? { price: o.price } : {}),
    status: o.status,
    filledQty: o.filledQty,
    ...(o.filledQty > 0 ? { avgFillPrice: o.filledNotional / o.filledQty } : {}),
    ...(o.parentOrderId !== undefined ? { parentOrderId: String(o.parentOrderId) } : {}),
    ...(o.ocoGroup !== undefined ? { ocoGroup: o.ocoGroup } : {}),
    ...(o.rejectReason !== undefined ? { rejectReason: o.rejectReason } : {}),
    time: o.updatedAt,
  };
}

export function toBrokerFill(f: SimFill): BrokerFill {
  return { accountId: String(f.accountId), fillId: String(f.fillId), orderId: String(f.orderId), contract: f.contract, side: f.side, qty: f.qty, price: f.price, time: f.time, fees: f.fees };
}

/** The broker refuses the login for now (it is dropping this account's connections): retry. */
class RefusedForNow extends Error {}

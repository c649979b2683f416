/**
 * The Tradovate BrokerConnection: REST for requests (orders, lookups, auth), the trading socket
 * for the `user/syncrequest` snapshot and its event stream, the market-data socket for quotes.
 *
 * Lifecycle (architecture practice 7): log in once and renew the token (tokenManager), open the
 * trading socket and authorise it, sync, emit the snapshot's state, then `connected` with a new
 * generation. A dropped socket fails its pending requests, reports `reconnecting`, and comes back
 * with capped, jittered exponential backoff, re-authorising and re-syncing; each success is a new
 * generation so the engine reconciles. An unreadable message is logged, counted, reported as
 * `protocolError`, and answered with a resync (a fresh snapshot on the same socket, UNCONFIRMED
 * whether a real server duplicates the stream then; the cache is idempotent either way).
 *
 * Orders (copy-semantics §8, §8a): one request per order (a bracket is one placeoso), always
 * `isAutomated: true` and our tag as `clOrdId`; never resent after it may have reached the
 * server: a lost answer is `unknown`, resolved by findOrderByTag. Penalty tickets are waited out
 * and the identical request resent with the ticket, the documented safe retry.
 */
import { setMaxListeners } from 'node:events';
import type { Catalog } from '../../domain/instruments';
import type { ContractCode } from '../../domain/contractCode';
import type { Clock } from '../../domain/clock';
import type { Logger } from '../../domain/log';
import { redactText } from '../../api/redact';
import {
  OBSERVER_MARK,
  type BarrierUse,
  type AccountSnapshot,
  type BrokerAccount,
  type BrokerConnection,
  type BrokerEvent,
  type BrokerListener,
  type BrokerOrder,
  type BudgetView,
  type CommandOutcome,
  type ConnectionState,
  type ModifyOrderRequest,
  type PlaceOrderRequest,
  type PlaceOutcome,
} from '../../orders/broker';
import { asBrokerError, BrokerError, stoppedError } from './brokerError';
import type { EventMessage } from './codec';
import { CACHED_ENTITY_TYPES, EntityCache } from './entityCache';
import { asList, EntityResolver } from './entityResolver';
import { DEFAULT_PENALTY_POLICY, readPenalty, requestOnSocket, sendHonouringPenalties, type PenaltyContext, type PenaltyPolicy } from './penalty';
import { QuoteFeed } from './quoteFeed';
import type { RequestBudget } from '../requestBudget';
import { tradovateBudget } from './requestBudget';
import { RestClient } from './restClient';
import type { TradovateCredentials, TradovateSecret, TradovateSettings } from './settings';
import { fromTradovateSymbol, toTradovateSymbol } from './symbols';
import { TokenManager } from './tokenManager';
import { TradovateSocket, type SocketTimings } from './tradovateSocket';
import { commandResultSchema, describeZodError, isFailure, placeOsoResultSchema, syncMessageSchema } from './wireModels';

export { tradovateSettingsSchema, tradovateSecretSchema, type TradovateCredentials, type TradovateSecret, type TradovateSettings } from './settings';

export interface TradovateTimings extends SocketTimings {
  /** First reconnect delay; doubles per attempt up to backoffCapMs, with jitter. */
  readonly backoffBaseMs: number;
  readonly backoffCapMs: number;
  /** How long a half-known order (no version yet, §4.4) may wait for the stream before we ask REST. */
  readonly resolveGraceMs: number;
}

export const DEFAULT_TIMINGS: TradovateTimings = {
  connectTimeoutMs: 10_000,
  requestTimeoutMs: 10_000,
  heartbeatMs: 2_000,
  silenceBudgetMs: 10_000,
  backoffBaseMs: 250,
  backoffCapMs: 10_000,
  resolveGraceMs: 250,
};

export interface TradovateDeps {
  readonly catalog: Catalog;
  readonly clock: Clock;
  readonly log: Logger;
  /** For backoff jitter; injectable so tests are deterministic. */
  readonly random?: () => number;
  readonly timings?: Partial<TradovateTimings>;
  readonly requestsPerMinute?: number;
  readonly penaltyPolicy?: Partial<PenaltyPolicy>;
}

/** `secret`: an API key's password and secret, or the credentials of either way of signing in. */
export function createTradovateConnection(settings: TradovateSettings, secret: TradovateSecret | TradovateCredentials, deps: TradovateDeps): TradovateConnection {
  return new TradovateConnection(settings, 'kind' in secret ? secret : { kind: 'apiKey', secret }, deps);
}

type State = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'closed';

/** Diagnostics for tests and the UI (never secrets). */
export interface TradovateDiagnostics {
  readonly state: State;
  readonly generation: number;
  readonly protocolErrors: number;
  readonly loginAttempts: number;
  readonly reconnects: number;
}

const MAX_RESYNC_FAILURES = 3;

export class TradovateConnection implements BrokerConnection {
  readonly kind = 'tradovate' as const;
  readonly name: string;
  private readonly timings: TradovateTimings;
  private readonly log: Logger;
  private readonly random: () => number;
  private readonly abort = new AbortController();
  /** The engine's barrier on its way, and the one shared by those who asked meanwhile (see barrier). */
  private engineBarrier: Promise<void> | undefined;
  private nextEngineBarrier: Promise<void> | undefined;
  private readonly budgetTracker: RequestBudget;
  private readonly penalty: PenaltyContext;
  private readonly tokens: TokenManager;
  private readonly rest: RestClient;
  private readonly cache: EntityCache;
  private readonly resolver: EntityResolver;
  private readonly quotes: QuoteFeed;

  private listener: BrokerListener | undefined;
  private state: State = 'idle';
  private dead = false;
  private generation = 0;
  /** Tradovate's user id of the login (the sync request names it). */
  private userId = 0;
  private trading: TradovateSocket | undefined;
  private connectingNow = false;
  private attempt = 0;
  private reconnects = 0;
  private protocolErrors = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private resyncing = false;
  private resyncWanted = false;
  private resyncFailures = 0;
  /** performance.now() of the trading frame being handled, if one is. */
  private frameAt: number | undefined;
  private readonly sleeps = new Set<ReturnType<typeof setTimeout>>();
  private readonly background = new Set<Promise<unknown>>();

  constructor(
    private readonly settings: TradovateSettings,
    credentials: TradovateCredentials,
    private readonly deps: TradovateDeps,
  ) {
    this.name = settings.name;
    this.timings = { ...DEFAULT_TIMINGS, ...deps.timings };
    this.log = deps.log;
    this.random = deps.random ?? Math.random;
    this.budgetTracker = tradovateBudget(deps.clock, deps.requestsPerMinute);
    // Every request in flight listens for the connection's stop: twenty followers under one login
    // put twenty on it at once, which is no leak.
    setMaxListeners(1_000, this.abort.signal);
    this.penalty = { budget: this.budgetTracker, clock: deps.clock, policy: { ...DEFAULT_PENALTY_POLICY, ...deps.penaltyPolicy }, sleep: (ms) => this.sleep(ms) };
    const onRequest = (): void => this.budgetTracker.record();
    this.tokens = new TokenManager({
      settings,
      credentials,
      // Fail closed: no token, no orders; the engine shows the accounts out of sync with this reason.
      onSignInNeeded: (reason) => queueMicrotask(() => this.signInNeeded(reason)),
      clock: deps.clock,
      log: this.log,
      penalty: this.penalty,
      signal: this.abort.signal,
      timeoutMs: this.timings.requestTimeoutMs,
      onRequest,
    });
    this.rest = new RestClient({ restUrl: settings.restUrl, tokens: this.tokens, penalty: this.penalty, signal: this.abort.signal, timeoutMs: this.timings.requestTimeoutMs, onRequest });
    this.cache = new EntityCache((name) => fromTradovateSymbol(name, deps.clock.now()), () => deps.clock.now());
    const track = (work: Promise<unknown>): void => this.track(work);
    this.resolver = new EntityResolver({
      name: this.name,
      cache: this.cache,
      rest: this.rest,
      log: this.log,
      graceMs: this.timings.resolveGraceMs,
      emit: (e) => this.emit(e),
      onProtocolError: (detail) => this.onProtocolError(detail, false),
      track,
    });
    this.quotes = new QuoteFeed({
      name: this.name,
      mdUrl: settings.mdUrl,
      timings: this.timings,
      tokens: this.tokens,
      rest: this.rest,
      penalty: this.penalty,
      log: this.log,
      now: () => deps.clock.now(),
      emit: (e) => this.emit(e),
      onProtocolError: (detail) => this.onProtocolError(detail, false),
      backoff: (attempt) => this.backoff(attempt),
      track,
      canRun: () => !this.dead && this.state === 'connected',
    });
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  async start(listener: BrokerListener): Promise<void> {
    if (this.state !== 'idle') throw new Error(`${this.name}: already started`);
    this.listener = listener;
    this.state = 'connecting';
    this.emitStatus({ state: 'connecting' });
    // Only a permanent refusal (wrong credentials, captcha) is final. A penalty too long to wait
    // out in place, a 429, a network error or a 5xx is retried with backoff, never before the
    // broker's retry time, and shown as reconnecting with the time of the next try.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.connectOnce();
        return;
      } catch (err) {
        const e = asBrokerError(err, 'transient');
        if (this.dead) throw new Error(`${this.name}: stopped while connecting`, { cause: err });
        if (e.outcome === 'permanent') {
          this.fail(e.message);
          throw new Error(e.message, { cause: err });
        }
        const delay = this.retryDelay(attempt, e);
        this.emitStatus({ state: 'reconnecting', attempt, nextTryAt: this.deps.clock.now() + delay, reason: e.message });
        await this.sleep(delay).catch(() => undefined);
        if (this.isDead()) throw new Error(`${this.name}: stopped while connecting`, { cause: err });
      }
    }
  }

  stop(): Promise<void> {
    if (this.state === 'closed') return Promise.resolve();
    const wasDead = this.dead;
    this.teardown();
    if (!wasDead) this.deliver({ kind: 'connection', status: { state: 'closed' }, generation: this.generation });
    this.dead = true;
    this.listener = undefined;
    return Promise.resolve();
  }

  abandon(): void {
    this.dead = true;
    this.listener = undefined;
    this.teardown();
  }

  accounts(): readonly BrokerAccount[] {
    return this.cache.accountList();
  }

  spentEarlier(times: readonly number[]): void {
    this.budgetTracker.recordEarlier(times);
  }

  budget(): BudgetView {
    return this.budgetTracker.view();
  }

  diagnostics(): TradovateDiagnostics {
    return { state: this.state, generation: this.generation, protocolErrors: this.protocolErrors, loginAttempts: this.tokens.loginAttempts, reconnects: this.reconnects };
  }

  // ---- queries ---------------------------------------------------------------------------------

  async snapshot(accountId: string): Promise<AccountSnapshot> {
    const id = this.requireAccount(accountId);
    await this.requireConnectedBarrier();
    // An order whose contract or version is still being looked up would be missing from the
    // snapshot, and the engine would take it for gone (its mirrors not moved, or cancelled). Finish
    // those lookups first. One that still cannot be described (a product outside the catalog) is
    // left out, and said so, rather than holding the connection's reconcile up for ever.
    if (this.cache.undescribedOrders(id).length > 0) {
      await this.resolver.resolveNow();
      this.resolver.flush();
      const still = this.cache.undescribedOrders(id);
      if (still.length > 0) this.log.warn('orders left out of the snapshot: not described yet', { connection: this.name, accountId: id, orders: still });
    }
    return {
      accountId,
      balance: this.cache.balance(id),
      positions: this.cache.positionsOf(id),
      openOrders: this.cache.openOrders(id),
      fills: this.cache.fillsOf(id),
    };
  }

  async findOrderByTag(accountId: string, tag: string): Promise<BrokerOrder | null> {
    const id = this.requireAccount(accountId);
    await this.requireConnectedBarrier();
    const cached = this.cache.findByTag(id, tag);
    if (cached) return cached;
    // Not in what the stream told us: ask the broker (its orders, then their commands' clOrdIds).
    const orders = asList(await this.rest.call({ endpoint: 'order/deps', query: { masterid: id }, mutates: false }));
    const ids = orders.map(idOf).filter((n): n is number => n !== undefined);
    if (ids.length === 0) return null;
    const masterids = ids.join(',');
    const [commands, versions] = await Promise.all([
      this.rest.call({ endpoint: 'command/ldeps', query: { masterids }, mutates: false }),
      this.rest.call({ endpoint: 'orderVersion/ldeps', query: { masterids }, mutates: false }),
    ]);
    this.resolver.applyFetched('order', orders);
    this.resolver.applyFetched('command', asList(commands));
    this.resolver.applyFetched('orderVersion', asList(versions));
    await this.resolver.resolveNow();
    this.resolver.flush();
    return this.cache.findByTag(id, tag) ?? null;
  }

  /**
   * Round trips on the event sockets, then any entity lookups still running. The engine's own are
   * shared: a reconcile asks one per account (twenty accounts under one login would spend some
   * forty requests of its minute), so a barrier asked while one is on its way waits for it and
   * then for one more round trip, sent once for everyone who asked meanwhile (the one on its way
   * may have left before what they wait for).
   */
  barrier(use: BarrierUse = 'engine'): Promise<void> {
    if (use === 'observer') return this.roundTrips('observer');
    const inFlight = this.engineBarrier;
    if (!inFlight) {
      const trip = this.roundTrips('engine').finally(() => {
        if (this.engineBarrier === trip) this.engineBarrier = undefined;
      });
      this.engineBarrier = trip;
      return trip;
    }
    this.nextEngineBarrier ??= inFlight.catch(() => undefined).then(() => {
      this.nextEngineBarrier = undefined;
      return this.barrier('engine');
    });
    return this.nextEngineBarrier;
  }

  private async roundTrips(use: BarrierUse): Promise<void> {
    const trading = this.trading;
    if (this.state !== 'connected' || !trading) return;
    // Tradovate has no cheaper round trip than a request. The engine's own are charged to the
    // login's budget; an observer's are marked and not (see BrokerConnection.barrier).
    const observer = use === 'observer';
    const trips: Promise<unknown>[] = [requestOnSocket(this.penalty, trading, 'account/list', undefined, observer ? { [OBSERVER_MARK]: true } : undefined)];
    if (!observer) this.budgetTracker.record();
    const mdTrip = this.quotes.roundTrip(observer);
    if (mdTrip) trips.push(mdTrip);
    await Promise.all(trips.map((p) => p.catch(() => undefined)));
    await Promise.allSettled([...this.background]);
    await this.resolver.resolveNow();
  }

  // ---- orders ----------------------------------------------------------------------------------

  // Order calls announce their request to the budget at once (RequestBudget.announce).
  place(req: PlaceOrderRequest): Promise<PlaceOutcome> {
    return this.budgetTracker.announced(() => this.placeNow(req));
  }

  modify(req: ModifyOrderRequest): Promise<CommandOutcome> {
    return this.budgetTracker.announced(() => this.modifyNow(req));
  }

  cancel(accountId: string, orderId: string): Promise<CommandOutcome> {
    return this.budgetTracker.announced(() => this.cancelNow(accountId, orderId));
  }

  private async placeNow(req: PlaceOrderRequest): Promise<PlaceOutcome> {
    const refused = this.refuseUnlessConnected();
    if (refused) return refused;
    const accountId = Number(req.accountId);
    if (!this.cache.hasAccount(accountId)) return { ok: false, class: 'permanent', reason: `unknown account ${req.accountId}` };
    const exit = req.side === 'buy' ? 'Sell' : 'Buy';
    const legs: { readonly body: Record<string, unknown>; readonly tag: string }[] = [];
    if (req.bracket?.stopLoss !== undefined) legs.push({ tag: `${req.tag}-sl`, body: { action: exit, orderType: 'Stop', stopPrice: req.bracket.stopLoss, clOrdId: `${req.tag}-sl` } });
    if (req.bracket?.takeProfit !== undefined) legs.push({ tag: `${req.tag}-tp`, body: { action: exit, orderType: 'Limit', price: req.bracket.takeProfit, clOrdId: `${req.tag}-tp` } });
    const body: Record<string, unknown> = {
      accountSpec: this.accountName(accountId),
      accountId,
      clOrdId: req.tag,
      action: req.side === 'buy' ? 'Buy' : 'Sell',
      symbol: toTradovateSymbol(req.contract),
      orderQty: req.qty,
      ...orderTypeFields(req.type, req.price),
      isAutomated: true,
      ...(legs[0] ? { bracket1: legs[0].body } : {}),
      ...(legs[1] ? { bracket2: legs[1].body } : {}),
    };
    try {
      const data = await this.rest.call({ endpoint: legs.length > 0 ? 'order/placeoso' : 'order/placeorder', body, mutates: true, ...(req.onWritten ? { onWritten: once(req.onWritten) } : {}) });
      const parsed = placeOsoResultSchema.safeParse(data);
      if (!parsed.success) return { ok: false, class: 'unknown', reason: `unreadable place answer: ${describeZodError(parsed.error)}` };
      const r = parsed.data;
      if (isFailure(r)) {
        const reason = redactText(r.failureText ?? r.failureReason ?? 'rejected');
        if (r.orderId !== undefined) {
          this.cache.rememberPlaced(r.orderId, req.tag);
          this.cache.rememberPlaceFailure(r.orderId, reason);
          this.resolver.flush();
        }
        return { ok: false, class: 'permanent', reason };
      }
      if (r.orderId === undefined) return { ok: false, class: 'unknown', reason: 'place answer without an order id' };
      const legIds = [r.oso1Id, r.oso2Id].slice(0, legs.length);
      const known = legs.flatMap((l, i) => (legIds[i] !== undefined ? [{ id: legIds[i], tag: l.tag }] : []));
      this.cache.rememberPlaced(r.orderId, req.tag, known);
      this.resolver.flush();
      return { ok: true, orderId: String(r.orderId), ...(known.length > 0 ? { legOrderIds: known.map((l) => String(l.id)) } : {}) };
    } catch (err) {
      return this.failedOutcome(err);
    }
  }

  private async modifyNow(req: ModifyOrderRequest): Promise<CommandOutcome> {
    const refused = this.refuseUnlessConnected();
    if (refused) return refused;
    const body = { orderId: Number(req.orderId), orderQty: req.qty, ...orderTypeFields(req.type, req.price), isAutomated: true };
    return this.command('order/modifyorder', body);
  }

  private async cancelNow(accountId: string, orderId: string): Promise<CommandOutcome> {
    const refused = this.refuseUnlessConnected();
    if (refused) return refused;
    if (!this.cache.hasAccount(Number(accountId))) return { ok: false, class: 'permanent', reason: `unknown account ${accountId}` };
    return this.command('order/cancelorder', { orderId: Number(orderId), isAutomated: true });
  }

  subscribeQuotes(contracts: readonly ContractCode[]): void {
    this.quotes.add(contracts);
  }

  // ---- connecting --------------------------------------------------------------------------------

  private async connectOnce(): Promise<void> {
    this.connectingNow = true;
    try {
      let session = await this.tokens.valid();
      let sock: TradovateSocket;
      try {
        sock = await this.openTrading(session.accessToken);
      } catch (err) {
        if (!(err instanceof BrokerError) || err.status !== 401) throw err;
        // The token died under us (expired, revoked): renew or log in, then once more.
        session = await this.tokens.refresh(session.accessToken);
        sock = await this.openTrading(session.accessToken);
      }
      if (this.dead) {
        sock.terminate();
        throw stoppedError();
      }
      this.trading = sock;
      this.userId = session.userId > 0 ? session.userId : await this.userIdFromMe();
      await this.sync(sock, this.userId);
      await this.resolver.resolveNow();
      if (this.trading !== sock || !sock.isOpen) throw new BrokerError('transient', 'trading socket closed while syncing');
      this.resolver.flush();
      this.attempt = 0;
      this.resyncFailures = 0;
      this.state = 'connected';
      this.generation++;
      this.emitStatus({ state: 'connected' });
    } catch (err) {
      const sock = this.trading;
      this.trading = undefined;
      sock?.terminate();
      throw err;
    } finally {
      this.connectingNow = false;
    }
    this.quotes.resume();
    if (this.resyncWanted) this.requestResync();
  }

  private openTrading(token: string): Promise<TradovateSocket> {
    let sock: TradovateSocket | undefined;
    return TradovateSocket.open('trading', this.settings.wsUrl, token, this.timings, {
      onEvents: (events, receivedAt) => {
        if (sock && sock === this.trading) this.onTradingEvents(events, receivedAt);
      },
      onProtocolError: (detail) => {
        if (sock && sock === this.trading) this.onProtocolError(detail);
      },
      onClose: (reason) => {
        if (sock && sock === this.trading) this.onTradingClosed(reason);
      },
    }).then((s) => (sock = s));
  }

  /**
   * `user/syncrequest`; the snapshot is loaded at its place in the frame stream (see
   * TradovateSocket), so no event before or after it is lost or applied twice.
   */
  private async sync(sock: TradovateSocket, userId: number): Promise<void> {
    const body = { users: [userId], entityTypes: [...CACHED_ENTITY_TYPES] };
    this.budgetTracker.record();
    await sendHonouringPenalties(
      this.penalty,
      (ticket) =>
        new Promise<unknown>((resolve, reject) => {
          sock.send('user/syncrequest', undefined, ticket === undefined ? body : { ...body, 'p-ticket': ticket }, (answer) => {
            if (answer instanceof BrokerError) return reject(answer);
            if (!answer.ok) return reject(new BrokerError(answer.status === 401 ? 'permanent' : 'transient', `syncrequest refused: ${answer.error}`, undefined, answer.status));
            if (readPenalty(answer.data)) return resolve(answer.data);
            const parsed = syncMessageSchema.safeParse(answer.data);
            if (!parsed.success) return reject(new BrokerError('transient', `unreadable sync snapshot: ${describeZodError(parsed.error)}`));
            for (const err of this.cache.loadSnapshot(parsed.data)) this.onProtocolError(`sync snapshot: ${err}`, false);
            resolve(answer.data);
          });
        }),
      (d) => d,
    );
  }

  /** Every example token answer carries userId; if one does not, `auth/me` does (§2.2). */
  private async userIdFromMe(): Promise<number> {
    const me = await this.rest.call({ endpoint: 'auth/me', mutates: false });
    const id = typeof me === 'object' && me !== null ? (me as { userId?: unknown }).userId : undefined;
    if (typeof id !== 'number' || !Number.isSafeInteger(id)) throw new BrokerError('transient', 'Tradovate did not say which user this login is');
    return id;
  }

  private onTradingEvents(events: readonly EventMessage[], receivedAt: number): void {
    // Fills emitted while this frame is handled were received with it (copier-added latency starts here).
    this.frameAt = receivedAt;
    try {
      this.applyTradingEvents(events);
    } finally {
      this.frameAt = undefined;
    }
  }

  private applyTradingEvents(events: readonly EventMessage[]): void {
    for (const ev of events) {
      switch (ev.kind) {
        case 'props':
          for (const entity of ev.entities) {
            const err = this.cache.apply(ev.entityType, ev.eventType, entity);
            if (err !== undefined) this.onProtocolError(`props ${ev.entityType} ${ev.eventType}: ${err}`);
          }
          break;
        case 'shutdown':
          this.log.info('tradovate announced a shutdown; reconnecting', { connection: this.name, reasonCode: ev.reasonCode });
          this.trading?.close(`server shutdown (${ev.reasonCode})`);
          return;
        case 'md':
        case 'otherEvent':
          break;
      }
    }
    this.resolver.flush();
  }

  private onTradingClosed(reason: string): void {
    this.trading = undefined;
    if (this.dead || this.connectingNow) return;
    this.log.warn('tradovate trading socket closed', { connection: this.name, reason });
    this.scheduleReconnect(reason);
  }

  private scheduleReconnect(reason: string, retryAt?: number): void {
    if (this.dead) return;
    this.state = 'reconnecting';
    this.attempt++;
    const delay = this.retryDelay(this.attempt, { retryAt });
    this.emitStatus({ state: 'reconnecting', attempt: this.attempt, nextTryAt: this.deps.clock.now() + delay, reason });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.dead) return;
      this.reconnects++;
      this.connectOnce().catch((err: unknown) => {
        if (this.dead) return;
        const e = asBrokerError(err, 'transient');
        if (e.outcome === 'permanent') this.fail(e.message);
        else this.scheduleReconnect(e.message, e.retryAt);
      });
    }, delay);
  }

  /** Backoff, but never before the broker said to come back (penalty, Retry-After). */
  private retryDelay(attempt: number, e: { readonly retryAt?: number | undefined }): number {
    const penaltyUntil = Math.max(e.retryAt ?? 0, this.budgetTracker.penaltyUntil() ?? 0);
    return Math.max(this.backoff(attempt), penaltyUntil - this.deps.clock.now());
  }

  /** Capped exponential backoff with jitter: half fixed, half random (architecture practice 7). */
  private backoff(attempt: number): number {
    const capped = Math.min(this.timings.backoffCapMs, this.timings.backoffBaseMs * 2 ** Math.min(attempt - 1, 20));
    return Math.round(capped / 2 + (capped / 2) * this.random());
  }

  private signInNeeded(reason: string): void {
    // While connecting, the failed connect attempt itself reports the refusal.
    if (this.dead || this.connectingNow || this.state !== 'connected') return;
    this.fail(reason);
  }

  private fail(reason: string): void {
    this.log.warn('tradovate connection failed', { connection: this.name, reason });
    this.state = 'failed';
    this.emitStatus({ state: 'failed', reason });
    this.teardown('failed');
  }

  private teardown(state: 'failed' | 'closed' = 'closed'): void {
    this.state = state;
    this.abort.abort();
    this.tokens.dispose();
    this.resolver.dispose();
    this.quotes.close();
    if (this.reconnectTimer !== undefined) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    for (const t of this.sleeps) clearTimeout(t);
    this.sleeps.clear();
    const trading = this.trading;
    this.trading = undefined;
    trading?.terminate();
  }

  // ---- protocol errors and resync ------------------------------------------------------------

  private onProtocolError(raw: string, resync = true): void {
    // The detail quotes the frame it could not read, which may carry a token: it is shown and logged.
    const detail = redactText(raw);
    this.protocolErrors++;
    // Thousands of bad frames must not become thousands of log lines.
    if (this.protocolErrors <= 10 || this.protocolErrors % 100 === 0) this.log.warn('tradovate sent a message we could not read', { connection: this.name, detail, count: this.protocolErrors });
    this.emit({ kind: 'protocolError', detail });
    if (resync) this.requestResync();
  }

  /** A fresh snapshot on the same socket and a new generation; coalesced while one runs. */
  private requestResync(): void {
    if (this.state !== 'connected' || this.resyncing || this.connectingNow) {
      this.resyncWanted = true;
      return;
    }
    const sock = this.trading;
    const userId = this.userId;
    if (!sock || userId <= 0) return;
    this.resyncWanted = false;
    this.resyncing = true;
    this.track(
      this.sync(sock, userId)
        .then(() => this.resolver.resolveNow())
        .then(() => {
          if (this.dead || sock !== this.trading || this.state !== 'connected') return;
          this.resolver.flush();
          this.generation++;
          this.emitStatus({ state: 'connected' });
        })
        .then(() => {
          this.resyncFailures = 0;
        })
        .catch((err: unknown) => {
          if (this.dead) return;
          this.resyncFailures++;
          const reason = err instanceof Error ? err.message : String(err);
          this.log.info('resync failed', { connection: this.name, reason, failures: this.resyncFailures });
          // A garbled answer is retried on the same socket a few times, then the socket is replaced.
          if (this.resyncFailures < MAX_RESYNC_FAILURES && sock === this.trading && sock.isOpen) this.resyncWanted = true;
          else if (sock === this.trading) sock.close(`resync failed: ${reason}`);
        })
        .finally(() => {
          this.resyncing = false;
          if (this.resyncWanted && !this.dead) this.requestResync();
        }),
    );
  }

  // ---- helpers -----------------------------------------------------------------------------------

  private async command(endpoint: string, body: Record<string, unknown>): Promise<CommandOutcome> {
    try {
      const data = await this.rest.call({ endpoint, body, mutates: true });
      const parsed = commandResultSchema.safeParse(data);
      if (!parsed.success) return { ok: false, class: 'unknown', reason: `unreadable answer: ${describeZodError(parsed.error)}` };
      if (isFailure(parsed.data)) return { ok: false, class: 'permanent', reason: redactText(parsed.data.failureText ?? parsed.data.failureReason ?? 'refused') };
      return { ok: true };
    } catch (err) {
      return this.failedOutcome(err);
    }
  }

  private failedOutcome(err: unknown): { ok: false; class: BrokerError['outcome']; reason: string; retryAt?: number } {
    const e = asBrokerError(err, 'unknown');
    return { ok: false, class: e.outcome, reason: e.message, ...(e.retryAt !== undefined ? { retryAt: e.retryAt } : {}) };
  }

  private refuseUnlessConnected(): { ok: false; class: 'transient'; reason: string } | undefined {
    if (this.state === 'connected') return undefined;
    return { ok: false, class: 'transient', reason: `${this.name} is ${this.state}` };
  }

  private async requireConnectedBarrier(): Promise<void> {
    if (this.state !== 'connected') throw new BrokerError('transient', `${this.name} is ${this.state}`);
    await this.barrier();
    if (!this.isConnected()) throw new BrokerError('transient', `${this.name} is no longer connected`);
  }

  private requireAccount(accountId: string): number {
    const id = Number(accountId);
    if (!Number.isSafeInteger(id) || !this.cache.hasAccount(id)) throw new BrokerError('permanent', `${this.name}: unknown account ${accountId}`);
    return id;
  }

  private accountName(accountId: number): string {
    return this.cache.accountList().find((a) => a.brokerAccountId === String(accountId))?.name ?? String(accountId);
  }

  private sleep(ms: number): Promise<void> {
    if (this.dead || this.abort.signal.aborted) return Promise.reject(stoppedError());
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        clearTimeout(t);
        this.sleeps.delete(t);
        reject(stoppedError());
      };
      const t = setTimeout(() => {
        this.sleeps.delete(t);
        this.abort.signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      this.sleeps.add(t);
      this.abort.signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private track(p: Promise<unknown>): void {
    const guarded = p.catch((err: unknown) => {
      if (!this.dead) this.log.info('background task failed', { connection: this.name, reason: err instanceof Error ? err.message : String(err) });
    });
    this.background.add(guarded);
    void guarded.finally(() => this.background.delete(guarded));
  }

  /** Methods, not fields, where an await may have changed them (defeats narrowing on purpose). */
  private isDead(): boolean {
    return this.dead;
  }

  private isConnected(): boolean {
    return this.state === 'connected';
  }

  private emitStatus(status: ConnectionState): void {
    this.emit({ kind: 'connection', status, generation: this.generation });
  }

  private emit(event: BrokerEvent): void {
    if (this.dead) return;
    if (event.kind === 'fill' && event.fill.receivedAt === undefined && this.frameAt !== undefined) {
      this.deliver({ kind: 'fill', fill: { ...event.fill, receivedAt: this.frameAt } });
      return;
    }
    this.deliver(event);
  }

  private deliver(event: BrokerEvent): void {
    const l = this.listener;
    if (!l) return;
    try {
      l(event);
    } catch (err) {
      // The engine's bug must not take the socket handler down with it.
      this.log.error('broker listener threw', { connection: this.name, kind: event.kind, error: err instanceof Error ? err.message : String(err) });
    }
  }
}

function orderTypeFields(type: PlaceOrderRequest['type'], price: number | undefined): Record<string, unknown> {
  switch (type) {
    case 'market':
      return { orderType: 'Market' };
    case 'limit':
      return { orderType: 'Limit', price };
    case 'stop':
      return { orderType: 'Stop', stopPrice: price };
  }
}

function once(f: (atMs: number) => void): (atMs: number) => void {
  let called = false;
  return (atMs) => {
    if (called) return;
    called = true;
    f(atMs);
  };
}

function idOf(raw: unknown): number | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const id = (raw as { id?: unknown }).id;
  return typeof id === 'number' && Number.isSafeInteger(id) ? id : undefined;
}

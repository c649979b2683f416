/**
 * The ProjectX Gateway adapter: the engine's BrokerConnection over the gateway's REST API and its
 * two SignalR hubs. It logs in with the API key, subscribes every account's orders, positions and
 * trades on the user hub, reports a REST snapshot, and then turns hub events into engine events
 * (trades are the truth for fills). Writes follow the engine's exactly-once rules: a place is
 * never resent blindly; anything that may have executed comes back as `unknown` and is resolved by
 * looking the order up by its customTag.
 */
import { isTagInUse } from '../../orders/tag';
import type { Catalog } from '../../domain/instruments';
import type { ContractCode } from '../../domain/contractCode';
import type { Clock } from '../../domain/clock';
import type { Logger } from '../../domain/log';
import { ZERO_MONEY } from '../../domain/money';
import type {
  AccountSnapshot,
  BrokerAccount,
  BrokerConnection,
  BrokerEvent,
  BrokerListener,
  BrokerOrder,
  BudgetView,
  CommandOutcome,
  ConnectionState,
  ModifyOrderRequest,
  PlaceOrderRequest,
  PlaceOutcome,
} from '../../orders/broker';
import { tradingDayOf, tradingDayStart } from '../../domain/tradingDay';
import { backoffDelay } from './backoff';
import { ContractIds } from './contractIds';
import { bracketFields } from './bracketTicks';
import { GatewayError, GatewayQueries } from './gatewayQueries';
import { decodeUserEvent, USER_EVENTS } from './hubCodec';
import { HubChannel } from './hubChannel';
import type { RequestBudget } from '../requestBudget';
import { projectxBudget } from './requestBudget';
import { RestClient, type RestOutcome } from './restClient';
import { decodeNewToken, decodeOrderId, decodeToken } from './restCodec';
import { projectXSecretSchema, projectXSettingsSchema, type ProjectXSecret, type ProjectXSettings } from './settings';
import { authAttempt, businessFailure, commandOutcome, transportFailure } from './outcomes';
import { QuoteFeed } from './quoteFeed';
import { scrubSecrets } from './secretText';
import { AuthError, TokenManager, type AuthAttempt } from './tokenManager';
import { UserEventState } from './userEvents';
import { describeZodError, mergeSparse, type WireAccount, type WireOrder, type WirePosition, type WireTrade } from './wireModels';
import { balanceOf, wireOrderType, wireSide } from './wireToEngine';

export type { ProjectXSettings, ProjectXSecret } from './settings';
export { projectXSettingsSchema, projectXSecretSchema } from './settings';

export interface ProjectXDeps {
  readonly catalog: Catalog;
  readonly clock: Clock;
  readonly log: Logger;
  /** Jitter for reconnect backoff; injectable so tests are deterministic. */
  readonly random?: () => number;
  /** The request budget per minute (default 200, §11); a benchmark raises it to measure the copier, not the throttle. */
  readonly requestsPerMinute?: number;
}

export function createProjectXConnection(settings: ProjectXSettings, secret: ProjectXSecret, deps: ProjectXDeps): BrokerConnection {
  const s = projectXSettingsSchema.safeParse(settings);
  if (!s.success) throw new Error(`ProjectX connection settings are invalid: ${describeZodError(s.error)}`);
  const k = projectXSecretSchema.safeParse(secret);
  if (!k.success) throw new Error(`ProjectX connection "${s.data.name}" has no API key`);
  return new ProjectXConnection(s.data, k.data, deps);
}

/** When a market entry's bracket found no price to count ticks from, try again this much later. */
const NO_PRICE_RETRY_MS = 5_000;
/** How long a bracket place waits for the hub to show its legs before answering without their ids. */
const LEG_WAIT_MS = 3_000;
/** Rate-limit rounds a place goes through (wait, look up by tag, resend) before handing back. */
const MAX_PLACE_RATE_LIMIT_ROUNDS = 3;
const DAY_MS = 24 * 60 * 60 * 1000;

type Phase = 'idle' | 'starting' | 'connected' | 'reconnecting' | 'failed' | 'closed';

class ProjectXConnection implements BrokerConnection {
  readonly kind = 'projectx' as const;
  readonly name: string;
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly ids: ContractIds;
  private readonly budgetTracker: RequestBudget;
  private readonly rest: RestClient;
  private readonly queries: GatewayQueries;
  private readonly tokens: TokenManager;
  private readonly events: UserEventState;
  private readonly userHub: HubChannel;
  private readonly quotes: QuoteFeed;
  private listener: BrokerListener | undefined;
  private phase: Phase = 'idle';
  private generation = 0;
  private accountList: BrokerAccount[] = [];
  private accountIds: ReadonlySet<number> = new Set();
  /** Keys of orders being looked up over REST, and the lookups themselves (barrier waits for them). */
  private readonly lookups = new Set<string>();
  private readonly lookupsInFlight = new Set<Promise<void>>();
  private resyncRunning = false;
  private resyncAgain = false;
  private protocolErrorCount = 0;
  private dead = false;
  /** performance.now() of the user hub frame whose events are being dispatched, if one is. */
  private frameAt: number | undefined;

  constructor(
    private readonly settings: ProjectXSettings,
    private readonly secret: ProjectXSecret,
    deps: ProjectXDeps,
  ) {
    this.name = settings.name;
    this.log = deps.log.child('projectx');
    this.clock = deps.clock;
    this.random = deps.random ?? Math.random;
    this.ids = new ContractIds(deps.catalog);
    this.budgetTracker = projectxBudget(deps.clock, deps.requestsPerMinute);
    this.rest = new RestClient({
      baseUrl: settings.apiUrl,
      budget: this.budgetTracker,
      clock: deps.clock,
      log: this.log,
      malformed: (endpoint, detail) => this.protocolError(`${endpoint}: ${detail}`, false),
    });
    this.queries = new GatewayQueries(this.rest);
    this.tokens = new TokenManager(
      { loginKey: () => this.loginKey(), validate: (t) => this.validate(t) },
      deps.clock,
      this.log,
      (reason) => this.fail(`the broker refused the login: ${reason}`),
    );
    this.rest.useTokens(this.tokens);
    this.events = new UserEventState(
      this.ids,
      () => this.accountIds,
      {
        emit: (e) => this.emit(e),
        protocolError: (d) => this.protocolError(d, true),
        needOrder: (a, o) => this.lookUpOrder(a, o),
        needResync: (reason) => {
          this.log.info('resync for a sparse event', { connection: this.name, reason });
          this.requestResync();
        },
        now: () => this.clock.now(),
      },
      this.log,
    );
    this.userHub = this.newHub('user hub', settings.userHubUrl, {
      reconnecting: (attempt, nextTryAt, reason) => this.onUserHubDown(attempt, nextTryAt, reason),
      reconnected: () => this.background(this.recover('reconnected')),
    });
    this.userHub.on(USER_EVENTS.order, (args) => this.onUserEvent(USER_EVENTS.order, args));
    this.userHub.on(USER_EVENTS.trade, (args) => this.onUserEvent(USER_EVENTS.trade, args));
    this.userHub.on(USER_EVENTS.position, (args) => this.onUserEvent(USER_EVENTS.position, args));
    this.userHub.on(USER_EVENTS.account, (args) => this.onUserEvent(USER_EVENTS.account, args));
    this.userHub.on('GatewayLogout', () => this.log.info('gateway sent GatewayLogout; ignored', { connection: this.name }));
    this.quotes = new QuoteFeed({
      createHub: () =>
        this.newHub('market hub', settings.marketHubUrl, {
          reconnecting: (attempt, at, reason) => this.log.info('market hub reconnecting', { connection: this.name, attempt, nextTryAt: at, reason }),
          reconnected: () => this.log.info('market hub connected', { connection: this.name }),
        }),
      canConnect: () => this.phase === 'connected' || this.phase === 'reconnecting',
      emit: (e) => this.emit(e),
      protocolError: (d) => this.protocolError(`market hub: ${d}`, true),
      clock: deps.clock,
      log: this.log,
    });
  }

  // ---- lifecycle --------------------------------------------------------------------------------

  async start(listener: BrokerListener): Promise<void> {
    if (this.phase !== 'idle') throw new Error(`${this.name}: start() called twice`);
    this.listener = listener;
    this.phase = 'starting';
    this.emitState({ state: 'connecting' });
    // Only the broker refusing the credentials is final. A 429 (the login is itself rate
    // limited), a network error, a 5xx or a timeout is retried with backoff, never sooner than
    // the penalty, and shown as reconnecting with the time of the next try.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.connectFirst();
        break;
      } catch (e) {
        if (this.isStopped()) throw new Error(`${this.name}: stopped while connecting`, { cause: e });
        if (this.isFailed() || (e instanceof AuthError && e.refused)) {
          const reason = errorText(e);
          this.failStart(reason);
          throw new Error(`${this.name}: ProjectX login failed: ${reason}`, { cause: e });
        }
        const reason = errorText(e);
        const nextTryAt = Math.max(this.clock.now() + backoffDelay(attempt + 1, this.random), this.budgetTracker.view().penaltyUntil ?? 0);
        this.log.warn('could not connect; retrying', { connection: this.name, attempt, nextTryAt, reason });
        // The hub may be half up (connected, not yet subscribed): down it goes before the next try.
        await this.userHub.stop().catch(() => undefined);
        if (this.isStopped()) throw new Error(`${this.name}: stopped while connecting`, { cause: e });
        this.emitState({ state: 'reconnecting', attempt, nextTryAt, reason });
        await this.rest.sleepUntil(nextTryAt);
        if (this.isStopped()) throw new Error(`${this.name}: stopped while connecting`, { cause: e });
      }
    }
    if (this.isStopped()) return;
    this.generation = 1;
    this.phase = 'connected';
    this.quotes.connectIfCreated();
    this.emitState({ state: 'connected' });
  }

  /** One try at the first connection: login (once: each login issues one more token), accounts, hub, snapshot. */
  private async connectFirst(): Promise<void> {
    if (this.tokens.current() === undefined) await this.tokens.login();
    this.setAccounts(await this.queries.accounts());
    await this.userHub.start();
    await this.subscribeUserHub();
    await this.publishSnapshots();
  }

  async stop(): Promise<void> {
    if (this.dead) return;
    this.phase = 'closed';
    this.tokens.stop();
    this.rest.close();
    await Promise.allSettled([this.userHub.stop(), this.quotes.stop()]);
    this.emitState({ state: 'closed' });
    this.dead = true;
    this.listener = undefined;
  }

  abandon(): void {
    this.dead = true;
    this.phase = 'closed';
    this.listener = undefined;
    this.tokens.stop();
    this.rest.close();
    this.userHub.abandon();
    this.quotes.abandon();
  }

  accounts(): readonly BrokerAccount[] {
    return this.accountList;
  }

  spentEarlier(times: readonly number[]): void {
    this.budgetTracker.recordEarlier(times);
  }

  budget(): BudgetView {
    return this.budgetTracker.view();
  }

  async barrier(): Promise<void> {
    if (this.dead) return;
    await this.userHub.roundTrip().catch(() => undefined);
    await this.quotes.barrier();
    // Sparse events being completed over REST count as not yet delivered. A resync does not: it
    // may wait out a REST outage, and it ends in a new generation the engine reconciles anyway.
    while (this.lookupsInFlight.size > 0 && !this.isDead()) await Promise.allSettled([...this.lookupsInFlight]);
  }

  subscribeQuotes(contracts: readonly ContractCode[]): void {
    for (const c of contracts) {
      const id = this.ids.toId(c);
      if (!id.ok) {
        this.log.warn('quotes not available for a contract', { connection: this.name, contract: c, detail: id.error });
        continue;
      }
      this.quotes.want(id.value, c);
    }
  }

  // ---- queries ----------------------------------------------------------------------------------

  /**
   * Positions, orders and balance with the trades they already include. Read side by side, a fill
   * landing between the position read and the trade read was counted in one and not the other, and
   * then once more (or never) as its live event (chaos seed 307004669: a leader counted 2 further
   * short than it was, every follower sized on it). So the trades are read before and after the
   * rest; the same trades both times mean nothing filled in between. Otherwise it is read again,
   * and an account that never stops filling fails this snapshot (the reconcile tries again).
   */
  async snapshot(accountId: string): Promise<AccountSnapshot> {
    const id = this.accountNumber(accountId);
    const now = this.clock.now();
    for (let attempt = 1; ; attempt++) {
      const before = await this.queries.trades(id, sessionStart(now));
      const [accounts, positions, orders] = await Promise.all([this.queries.accounts(), this.queries.positions(id), this.queries.openOrders(id, sessionStart(now))]);
      const trades = await this.queries.trades(id, sessionStart(now));
      if (sameTrades(before, trades)) return this.snapshotOf(accountId, id, accounts, positions, orders, trades);
      if (attempt >= SNAPSHOT_ATTEMPTS) throw new Error(`${this.name}: account ${accountId} kept filling while its snapshot was read (${attempt} tries); it is read again`);
    }
  }

  private snapshotOf(accountId: string, id: number, accounts: readonly WireAccount[], positions: readonly WirePosition[], orders: readonly WireOrder[], trades: readonly WireTrade[]): AccountSnapshot {
    const account = accounts.find((a) => a.id === id);
    if (account?.balance === undefined) throw new Error(`${this.name}: account ${accountId} has no balance in Account/search`);
    const balance = balanceOf(account.balance);
    if (!balance.ok) throw new Error(`${this.name}: account ${accountId}: ${balance.error}`);
    return {
      accountId,
      balance: balance.value,
      positions: positions.flatMap((p) => this.events.toPosition(p) ?? []).filter((p) => p.netPos !== 0),
      openOrders: orders.flatMap((o) => this.events.toOrder(o) ?? []),
      fills: trades.flatMap((t) => this.events.toFill(t) ?? []),
    };
  }

  async findOrderByTag(accountId: string, tag: string): Promise<BrokerOrder | null> {
    const id = this.accountNumber(accountId);
    // A day before the session start covers an order placed just before the roll.
    const orders = await this.queries.ordersSince(id, sessionStart(this.clock.now()) - DAY_MS);
    // The first order with the tag is ours; a later one can only be a refused duplicate (the tag
    // stays taken, even by a rejected order).
    const match = orders.filter((o) => o.customTag === tag).sort((a, b) => a.id - b.id)[0];
    if (!match) return null;
    // The answer is the newer view; what the hub told us only fills fields it leaves out.
    const order = this.events.toOrder(mergeSparse(this.events.knownOrder(match.id), match));
    if (!order) throw new Error(`${this.name}: order ${match.id} with tag ${tag} could not be read`);
    return order;
  }

  // ---- commands ---------------------------------------------------------------------------------

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
    const notReady = this.refuseCommand();
    if (notReady) return notReady;
    const account = this.ownAccount(req.accountId);
    if (account === undefined) return { ok: false, class: 'permanent', reason: `account ${req.accountId} is not one of this login's accounts` };
    const contractId = this.ids.toId(req.contract);
    if (!contractId.ok) return { ok: false, class: 'permanent', reason: contractId.error };
    if (req.type !== 'market' && req.price === undefined) return { ok: false, class: 'permanent', reason: `a ${req.type} order needs a price` };

    const body: Record<string, unknown> = {
      accountId: account,
      contractId: contractId.value,
      type: wireOrderType(req.type),
      side: wireSide(req.side),
      size: req.qty,
      limitPrice: req.type === 'limit' ? req.price : null,
      stopPrice: req.type === 'stop' ? req.price : null,
      trailPrice: null,
      customTag: req.tag,
    };
    if (req.bracket && (req.bracket.stopLoss !== undefined || req.bracket.takeProfit !== undefined)) {
      // Ticks count from the entry: its price, or for a market entry the price it will fill near.
      const ref = req.type === 'market' ? await this.quotes.price(contractId.value) : req.price;
      if (ref === undefined) {
        return { ok: false, class: 'transient', reason: `no market price for ${req.contract} to set the bracket from`, retryAt: this.clock.now() + NO_PRICE_RETRY_MS };
      }
      const tick = this.ids.product(req.contract)?.tickSize;
      if (!tick) return { ok: false, class: 'permanent', reason: `no tick size for ${req.contract}` };
      Object.assign(body, bracketFields(req.bracket, ref, tick));
    }

    for (let round = 0; ; round++) {
      const r = await this.rest.post('Order/place', body, round === 0 ? req.onWritten : undefined);
      if (this.dead) return { ok: false, class: 'unknown', reason: 'connection closed while placing' };
      if (r.kind !== 'rateLimited') return this.placeOutcome(r, req, account);
      // 429: nothing was executed, but make sure before sending again (§8a: never retry blindly).
      if (round + 1 >= MAX_PLACE_RATE_LIMIT_ROUNDS) return { ok: false, class: 'transient', reason: 'rate limited by the broker', retryAt: r.retryAt };
      await this.rest.waitPenalty();
      let existing: BrokerOrder | null;
      try {
        existing = await this.findOrderByTag(req.accountId, req.tag);
      } catch (e) {
        return { ok: false, class: 'unknown', reason: `rate limited, then could not check for the order: ${errorText(e)}` };
      }
      if (existing) {
        return existing.status === 'rejected'
          ? { ok: false, class: 'permanent', reason: existing.rejectReason ?? 'rejected by the broker' }
          : { ok: true, orderId: existing.orderId };
      }
    }
  }

  private async modifyNow(req: ModifyOrderRequest): Promise<CommandOutcome> {
    const notReady = this.refuseCommand();
    if (notReady) return notReady;
    const account = this.ownAccount(req.accountId);
    if (account === undefined) return { ok: false, class: 'permanent', reason: `account ${req.accountId} is not one of this login's accounts` };
    const orderId = Number(req.orderId);
    if (!Number.isSafeInteger(orderId)) return { ok: false, class: 'permanent', reason: `not a ProjectX order id: ${req.orderId}` };
    // Only the fields that change: whether null means "unchanged" is not documented (§6.2).
    const body: Record<string, unknown> = { accountId: account, orderId, size: req.qty };
    if (req.type === 'limit' && req.price !== undefined) body.limitPrice = req.price;
    if (req.type === 'stop' && req.price !== undefined) body.stopPrice = req.price;
    return commandOutcome('Order/modify', await this.rest.post('Order/modify', body), this.clock.now());
  }

  private async cancelNow(accountId: string, orderId: string): Promise<CommandOutcome> {
    const notReady = this.refuseCommand();
    if (notReady) return notReady;
    const account = this.ownAccount(accountId);
    if (account === undefined) return { ok: false, class: 'permanent', reason: `account ${accountId} is not one of this login's accounts` };
    const id = Number(orderId);
    if (!Number.isSafeInteger(id)) return { ok: false, class: 'permanent', reason: `not a ProjectX order id: ${orderId}` };
    return commandOutcome('Order/cancel', await this.rest.post('Order/cancel', { accountId: account, orderId: id }), this.clock.now());
  }

  // ---- outcomes ---------------------------------------------------------------------------------

  private async placeOutcome(r: Exclude<RestOutcome, { kind: 'rateLimited' }>, req: PlaceOrderRequest, account: number): Promise<PlaceOutcome> {
    if (r.kind !== 'envelope') return transportFailure(r, this.clock.now());
    const orderId = decodeOrderId(r.env);
    if (r.env.success) {
      if (!orderId.ok || orderId.value === undefined) return { ok: false, class: 'unknown', reason: 'the broker accepted the order without an order id' };
      const legs = req.bracket ? await this.learnLegs(orderId.value) : [];
      return { ok: true, orderId: String(orderId.value), ...(legs.length > 0 ? { legOrderIds: legs } : {}) };
    }
    const failure = businessFailure('Order/place', r.env);
    if (failure.class === 'permanent' && isTagInUse(failure.reason)) {
      // An order with this tag exists (§8, the customTag is unique per account): ours reached the
      // broker before. The refused duplicate is recorded too; its event carries this reason.
      if (orderId.ok && orderId.value !== undefined) this.events.rememberRejection(orderId.value, failure.reason);
      this.log.info('tag already in use: looking the order up', { connection: this.name, accountId: account, tag: req.tag });
      return { ok: false, class: 'unknown', reason: `${failure.reason}; looked up by tag` };
    }
    if (failure.class === 'permanent') {
      // The rejected order may be recorded with an id (§6.1): give its order event the text.
      if (orderId.ok && orderId.value !== undefined) this.events.rememberRejection(orderId.value, failure.reason);
      this.log.info('order rejected', { connection: this.name, accountId: account, tag: req.tag, reason: failure.reason });
    }
    return failure;
  }

  private refuseCommand(): { ok: false; class: 'transient' | 'permanent'; reason: string; retryAt?: number } | undefined {
    if (this.phase === 'idle' || this.phase === 'starting') return { ok: false, class: 'transient', reason: 'not connected yet', retryAt: this.clock.now() + 1_000 };
    if (this.phase === 'failed' || this.phase === 'closed' || this.dead) return { ok: false, class: 'permanent', reason: 'connection closed' };
    return undefined;
  }

  /** Bracket legs as the hub shows them (after a round trip, so events sent before the answer are in). */
  private async learnLegs(entryId: number): Promise<string[]> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      this.userHub.roundTrip().catch(() => undefined),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, LEG_WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
    return this.events.legsOf(entryId);
  }

  // ---- auth -------------------------------------------------------------------------------------

  private async loginKey(): Promise<AuthAttempt> {
    const r = await this.rest.postAs('Auth/loginKey', { userName: this.settings.username, apiKey: this.secret.apiKey });
    return authAttempt('Auth/loginKey', r, decodeToken);
  }

  private async validate(token: string): Promise<AuthAttempt> {
    const r = await this.rest.postAs('Auth/validate', {}, token);
    return authAttempt('Auth/validate', r, decodeNewToken);
  }

  // ---- hubs -------------------------------------------------------------------------------------

  private newHub(label: 'user hub' | 'market hub', url: string, on: { reconnecting: (attempt: number, at: number, reason: string) => void; reconnected: () => void }): HubChannel {
    return new HubChannel({
      ...(label === 'user hub' ? { frameReceived: (atMs: number) => this.onUserFrame(atMs) } : {}),
      label,
      url,
      token: () => this.tokens.get(),
      unauthorized: (t) => {
        this.log.info(`${label} refused the token; renewing`, { connection: this.name });
        this.tokens.renew(t).catch((e: unknown) => this.log.warn('token renewal failed', { connection: this.name, error: errorText(e) }));
      },
      malformed: (d) => this.protocolError(`${label}: ${d}`, true),
      random: this.random,
      clock: this.clock,
      log: this.log,
      reconnecting: on.reconnecting,
      reconnected: on.reconnected,
    });
  }

  private async subscribeUserHub(): Promise<void> {
    await this.userHub.subscribe('SubscribeAccounts');
    for (const id of this.accountIds) {
      await this.userHub.subscribe('SubscribeOrders', id);
      await this.userHub.subscribe('SubscribePositions', id);
      await this.userHub.subscribe('SubscribeTrades', id);
    }
  }

  private onUserEvent(target: string, args: unknown[]): void {
    const d = decodeUserEvent(target, args);
    if (!d.ok) {
      this.protocolError(d.error, true);
      return;
    }
    const e = d.value;
    switch (e.kind) {
      case 'order':
        this.events.onOrders(e.items);
        return;
      case 'trade':
        this.events.onTrades(e.items);
        return;
      case 'position':
        this.events.onPositions(e.items);
        return;
      case 'account':
        this.events.onAccounts(e.items);
        this.refreshAccountBalances(e.items.map((i) => i.entity));
        return;
      case 'ignored':
        return;
    }
  }

  // ---- reconnect, resync ------------------------------------------------------------------------

  private onUserHubDown(attempt: number, nextTryAt: number, reason: string): void {
    if (this.phase !== 'connected' && this.phase !== 'reconnecting') return;
    this.phase = 'reconnecting';
    this.emitState({ state: 'reconnecting', attempt, nextTryAt, reason });
  }

  /**
   * After a reconnect (subscriptions already re-issued) or a protocol error: the REST snapshot
   * again, then a new generation so the engine reconciles. Retries with backoff while REST fails;
   * gives way if the socket drops meanwhile (the next reconnect starts it again).
   */
  private async recover(why: 'reconnected' | 'resync'): Promise<void> {
    if (this.resyncRunning) {
      this.resyncAgain = true;
      return;
    }
    this.resyncRunning = true;
    try {
      for (let attempt = 1; !this.dead; attempt++) {
        this.resyncAgain = false;
        try {
          await this.publishSnapshots();
        } catch (e) {
          this.log.warn('snapshot after reconnect failed; retrying', { connection: this.name, why, attempt, error: errorText(e) });
          await this.rest.sleepUntil(this.clock.now() + Math.max(250, backoffDelay(attempt + 1, this.random)));
          continue;
        }
        if (this.isDead() || !this.userHub.isConnected()) return;
        if (this.wantsAnotherResync()) continue;
        this.generation++;
        this.phase = 'connected';
        this.emitState({ state: 'connected' });
        return;
      }
    } finally {
      this.resyncRunning = false;
    }
  }

  private requestResync(): void {
    if (this.dead || (this.phase !== 'connected' && this.phase !== 'reconnecting')) return;
    if (this.resyncRunning) {
      this.resyncAgain = true;
      return;
    }
    if (this.phase === 'reconnecting') return; // the reconnect resyncs anyway
    this.background(this.recover('resync'));
  }

  /** Orders, positions and balances of every account, as the broker has them now. */
  private async publishSnapshots(): Promise<void> {
    const mark = this.events.mark();
    const now = this.clock.now();
    const accounts = await this.queries.accounts();
    const perAccount = await Promise.all(
      [...this.accountIds].map(async (id) => ({ id, positions: await this.queries.positions(id), orders: await this.queries.openOrders(id, sessionStart(now)) })),
    );
    if (this.dead) return;
    for (const a of accounts) if (this.accountIds.has(a.id)) this.events.accountFromRest(a, mark);
    this.refreshAccountBalances(accounts);
    for (const { id, positions, orders } of perAccount) {
      for (const p of positions) this.events.positionFromRest(p, mark);
      this.events.flattenMissing(id, positions, mark);
      for (const o of orders) this.events.orderFromRest(o, mark);
      // Orders we reported open that are open no longer ended during a gap: read their end.
      const open = new Set(orders.map((o) => o.id));
      for (const orderId of this.events.openOrderIds(id)) if (!open.has(orderId)) this.lookUpOrder(id, orderId);
    }
  }

  private lookUpOrder(accountId: number, orderId: number): void {
    const key = `${accountId}:${orderId}`;
    if (this.lookups.has(key) || this.dead) return;
    this.lookups.add(key);
    const mark = this.events.mark();
    const lookup = this.queries
        .orderById(accountId, orderId)
        .then((o) => {
          if (this.dead) return;
          if (o) {
            this.events.orderFromRest(o, mark);
            this.events.retryTradesOf(orderId);
          } else {
            this.log.warn('order from a hub event not found over REST', { connection: this.name, accountId, orderId });
          }
        })
        .catch((e: unknown) => {
          this.log.warn('order lookup failed', { connection: this.name, accountId, orderId, error: errorText(e) });
          this.requestResync();
        })
        .finally(() => {
          this.lookups.delete(key);
          this.lookupsInFlight.delete(lookup);
        });
    this.lookupsInFlight.add(lookup);
  }

  /**
   * Something the broker sent cannot be understood. Logged with the connection's name (never a
   * secret or a whole payload), counted, shown to the engine, and followed by a resync so
   * whatever the message carried is recovered from REST.
   */
  private protocolError(detail: string, resync: boolean): void {
    if (this.dead) return;
    this.protocolErrorCount++;
    const clean = scrubSecrets(detail);
    const short = clean.length > 300 ? `${clean.slice(0, 300)}…` : clean;
    this.log.warn('malformed message from the broker', { connection: this.name, count: this.protocolErrorCount, detail: short });
    this.emit({ kind: 'protocolError', detail: short });
    if (resync) this.requestResync();
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private setAccounts(accounts: readonly { id: number; name?: string | undefined; balance?: number | undefined }[]): void {
    this.accountIds = new Set(accounts.map((a) => a.id));
    this.accountList = accounts.map((a) => {
      const b = a.balance !== undefined ? balanceOf(a.balance) : undefined;
      return { brokerAccountId: String(a.id), name: a.name ?? String(a.id), balance: b?.ok === true ? b.value : ZERO_MONEY };
    });
  }

  private refreshAccountBalances(accounts: readonly { id: number; name?: string | undefined; balance?: number | undefined }[]): void {
    this.accountList = this.accountList.map((acc) => {
      const update = accounts.find((a) => String(a.id) === acc.brokerAccountId);
      const b = update?.balance !== undefined ? balanceOf(update.balance) : undefined;
      return b?.ok === true ? { ...acc, balance: b.value } : acc;
    });
  }

  private ownAccount(accountId: string): number | undefined {
    const id = Number(accountId);
    return Number.isSafeInteger(id) && this.accountIds.has(id) ? id : undefined;
  }

  private accountNumber(accountId: string): number {
    const id = this.ownAccount(accountId);
    if (id === undefined) throw new Error(`${this.name}: account ${accountId} is not one of this login's accounts`);
    return id;
  }

  private fail(reason: string): void {
    if (this.dead || this.phase === 'failed') return;
    this.phase = 'failed';
    this.log.error('connection failed', { connection: this.name, reason });
    this.emitState({ state: 'failed', reason });
    this.userHub.abandon();
    this.quotes.abandon();
  }

  private failStart(reason: string): void {
    // fail() may have said so already (credentials refused during a renewal).
    if (!this.isFailed()) this.emitState({ state: 'failed', reason });
    this.abandon();
  }

  /** Read through a method: `dead` changes across awaits, which narrowing cannot see. */
  private isDead(): boolean {
    return this.dead;
  }

  /** stop() or abandon() was called. */
  private isStopped(): boolean {
    return this.dead || this.phase === 'closed';
  }

  /** The broker refused the credentials during a renewal (fail() ran). */
  private isFailed(): boolean {
    return this.phase === 'failed';
  }

  private wantsAnotherResync(): boolean {
    return this.resyncAgain;
  }

  /** Work nobody awaits (a resync): its failure is logged, never an unhandled rejection. */
  private background(p: Promise<unknown>): void {
    p.catch((e: unknown) => this.log.error('background work failed', { connection: this.name, error: errorText(e) }));
  }

  private emitState(status: ConnectionState): void {
    this.emit({ kind: 'connection', status, generation: this.generation });
  }

  /** SignalR dispatches a frame's events synchronously after parsing it: fills emitted until then came with it. */
  private onUserFrame(atMs: number): void {
    if (this.frameAt === undefined) queueMicrotask(() => (this.frameAt = undefined));
    this.frameAt = atMs;
  }

  private emit(event: BrokerEvent): void {
    if (this.dead) return;
    if (event.kind === 'fill' && event.fill.receivedAt === undefined && this.frameAt !== undefined) event = { kind: 'fill', fill: { ...event.fill, receivedAt: this.frameAt } };
    try {
      this.listener?.(event);
    } catch (e) {
      this.log.error('listener threw', { connection: this.name, kind: event.kind, error: errorText(e) });
    }
  }
}

// ---- pure helpers -------------------------------------------------------------------------------

/** Start of the current CME session (17:00 Chicago): what "today's trades" means. */
function sessionStart(nowMs: number): number {
  return tradingDayStart(tradingDayOf(nowMs));
}

function errorText(e: unknown): string {
  if (e instanceof GatewayError || e instanceof AuthError) return e.message;
  return e instanceof Error ? e.message : String(e);
}

/** Snapshot reads before one is given up for now (each is three REST rounds). */
const SNAPSHOT_ATTEMPTS = 4;

/** The same trades, each as filled as before (a voided or resized trade counts as a change). */
function sameTrades(a: readonly WireTrade[], b: readonly WireTrade[]): boolean {
  if (a.length !== b.length) return false;
  const key = (t: WireTrade): string => `${t.id}|${t.size ?? ''}|${t.voided === true ? 'v' : ''}`;
  const seen = new Set(a.map(key));
  return b.every((t) => seen.has(key(t)));
}

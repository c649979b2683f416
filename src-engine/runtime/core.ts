/**
 * The engine's state and the small helpers every runtime module shares. Modules (order flow,
 * copier, controls, reconcile) are functions over this core, so each concept stays in its file.
 */
import type { RiskRulesInput } from '../api/config';
import type { Clock } from '../domain/clock';
import { parseContractCode, type ContractCode } from '../domain/contractCode';
import { groupStatus, isActive, type AccountId, type Follower, type Group, type GroupId } from '../domain/group';
import type { Catalog } from '../domain/instruments';
import type { Logger } from '../domain/log';
import type { FollowerView } from '../copy/decision';
import type { FollowerTrack, Lifecycle } from '../copy/lifecycle';
import type { BrokerConnection, BrokerEvent, ConnectionState } from '../orders/broker';
import { Dispatcher } from '../orders/dispatcher';
import type { Intent, IntentPurpose, Priority } from '../orders/intent';
import type { DecisionRow } from '../orders/decisionRecord';
import type { Journal } from '../store/journal';
import { intentTag } from '../orders/tag';
import type { ConfigRepository, ConnectionRow } from '../store/configRepository';
import type { Db } from '../store/db';
import { AccountBook } from './accountBook';
import type { EngineEvent, EngineListener, IntentView } from './events';
import { IntentBook } from './intentBook';
import { MirrorBook } from './mirrorBook';
import type { RiskPort } from './riskPort';

export interface ConnectionRuntime {
  readonly row: ConnectionRow;
  readonly connection: BrokerConnection;
  status: ConnectionState;
  generation: number;
  /** The generation the engine has reconciled; requests flow only when it equals `generation`. */
  reconciledGeneration: number;
  /** brokerAccountId → engine account id */
  readonly accounts: Map<string, AccountId>;
  /** Events held while a reconcile runs, replayed after it. */
  held: BrokerEvent[] | undefined;
}

export interface AccountInfo {
  readonly id: AccountId;
  readonly connectionId: string;
  readonly brokerAccountId: string;
  name: string;
  risk: RiskRulesInput;
}

/** Optional timing hooks for the benchmark: leader fill frame in, follower order frame out. */
export interface LatencyProbe {
  leaderFill(cause: string, receivedAt: number): void;
  orderWritten(cause: string, accountId: AccountId, atMs: number): void;
}

export interface Grace {
  readonly key: string;
  readonly accountId: AccountId;
  readonly leaderAccount: AccountId;
  readonly leaderContract: ContractCode;
  readonly contract: ContractCode;
  readonly leaderOrderId: string;
  readonly cause: string;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export class EngineCore {
  readonly intents = new IntentBook();
  readonly mirrors = new MirrorBook();
  readonly books = new Map<AccountId, AccountBook>();
  readonly accounts = new Map<AccountId, AccountInfo>();
  readonly connections = new Map<string, ConnectionRuntime>();
  readonly groups = new Map<GroupId, Group>();
  /** Key: `${leaderAccount}|${contract}`. */
  readonly lifecycles = new Map<string, Lifecycle>();
  readonly graces = new Map<string, Grace>();
  /** Latest price per contract, from any connection. */
  readonly quotes = new Map<ContractCode, { price: number; time: number }>();
  /** Follower flags: `${account}|${root}` → detail. */
  readonly outOfSync = new Map<string, string>();
  /** When each recent leader fill's frame arrived (performance.now()), by cause: copy latency starts there. */
  readonly receivedAt = new Map<string, number>();
  /** When each follower order was written, by tag, until its acknowledgement. */
  readonly writtenAt = new Map<string, number>();
  readonly dispatcher: Dispatcher;
  private readonly listeners = new Set<EngineListener>();
  /** Called when a book is re-based on its broker or a connection changes state (see followerBooks). */
  private readonly bookWatchers = new Set<() => void>();
  private readonly idleWaiters: (() => void)[] = [];
  /** Async work in progress (reconciles, lookups, deferred planning, retries). */
  private busy = 0;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  /** Bumped on every state change: the scenario runner looks for a quiet engine. */
  activity = 0;
  dead = false;

  constructor(
    readonly probe: LatencyProbe | undefined,
    readonly db: Db,
    readonly journal: Journal,
    readonly config: ConfigRepository,
    readonly catalog: Catalog,
    readonly clock: Clock,
    readonly log: Logger,
    readonly risk: RiskPort,
    hooks: ConstructorParameters<typeof Dispatcher>[0],
  ) {
    // Penalties come from the brokers' budgets in engine-clock time: compare them on the same clock.
    this.dispatcher = new Dispatcher(hooks, (id) => this.requireAccount(id).brokerAccountId, () => this.clock.now());
  }

  /** Remembers when a leader fill arrived; bounded, oldest forgotten first. */
  noteReceived(cause: string, atMs: number): void {
    this.receivedAt.set(cause, atMs);
    if (this.receivedAt.size > 2048) {
      const oldest = this.receivedAt.keys().next();
      if (oldest.done !== true) this.receivedAt.delete(oldest.value);
    }
  }

  /** `dead` read through a call: TypeScript would otherwise keep a narrowing across an await. */
  stopped(): boolean {
    return this.dead;
  }

  watchBooks(fn: () => void): () => void {
    this.bookWatchers.add(fn);
    return () => this.bookWatchers.delete(fn);
  }

  booksChanged(): void {
    for (const w of [...this.bookWatchers]) w();
  }

  // ---- events and idleness --------------------------------------------------------------------

  on(listener: EngineListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(e: EngineEvent): void {
    this.activity++;
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        this.log.error('engine listener threw', { error: String(err) });
      }
    }
  }

  /** Runs async work counted as "busy": the engine is not idle until it settles. */
  track<T>(p: Promise<T>): Promise<T> {
    this.busy++;
    this.activity++;
    return p.finally(() => {
      this.busy--;
      this.activity++;
      this.checkIdle();
    });
  }

  /** Whether the account's book is its broker's now: read, and its connection up and reconciled. */
  reconciled(account: AccountId): boolean {
    const conn = this.connectionOf(account);
    return this.books.get(account)?.known === true && conn !== undefined && conn.status.state === 'connected' && conn.reconciledGeneration === conn.generation;
  }

  /** Resolves after `ms` on the engine's timers: true, or false when the engine stopped meanwhile. */
  pause(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      this.later(ms, () => resolve(!this.dead));
      if (this.dead) resolve(false);
    });
  }

  /** A timer that counts as pending work while it waits. */
  later(ms: number, fn: () => void): () => void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (this.dead) return;
      this.activity++;
      fn();
      this.checkIdle();
    }, ms);
    this.timers.add(t);
    return () => {
      clearTimeout(t);
      this.timers.delete(t);
      this.checkIdle();
    };
  }

  isIdle(): boolean {
    return this.busyReasons().next().done === true;
  }

  /** What keeps the engine from being idle, in words (diagnostics for a run that does not settle). */
  busyReport(): string {
    const parts = [...this.busyReasons()];
    return parts.length > 0 ? parts.join('; ') : 'idle';
  }

  private *busyReasons(): Generator<string> {
    if (this.busy > 0) yield `${this.busy} tasks running`;
    if (this.timers.size > 0) yield `${this.timers.size} timers`;
    if (this.graces.size > 0) yield `${this.graces.size} mirror graces`;
    if (this.dispatcher.pending() > 0) yield `${this.dispatcher.pending()} requests queued or on the wire`;
    for (const i of this.intents.open()) {
      // A working order (mirror, bracket) accepted or partly filled rests at the broker until the
      // price comes to it; anything else is in flight.
      if (i.type === 'market' || (i.status !== 'accepted' && i.status !== 'partial')) yield `intent ${i.tag} (${i.accountId} ${i.side} ${i.qty} ${i.type}) ${i.status}`;
    }
    for (const c of this.connections.values()) {
      if (c.status.state === 'failed' || c.status.state === 'closed') continue;
      if (c.status.state !== 'connected' || c.reconciledGeneration !== c.generation) yield `connection ${c.row.name} ${c.status.state}, reconciled ${c.reconciledGeneration}/${c.generation}`;
    }
  }

  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  checkIdle(): void {
    if (this.idleWaiters.length === 0 || !this.isIdle()) return;
    for (const w of this.idleWaiters.splice(0)) w();
  }

  clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const g of this.graces.values()) if (g.timer) clearTimeout(g.timer);
    this.graces.clear();
  }

  // ---- lookups --------------------------------------------------------------------------------

  requireAccount(id: AccountId): AccountInfo {
    const a = this.accounts.get(id);
    if (!a) throw new Error(`unknown account "${id}"`);
    return a;
  }

  groupOfLeader(account: AccountId): Group | undefined {
    for (const g of this.groups.values()) if (g.leader === account) return g;
    return undefined;
  }

  groupOfFollower(account: AccountId): Group | undefined {
    for (const g of this.groups.values()) if (g.followers.some((f) => f.account === account)) return g;
    return undefined;
  }

  groupOfAccount(account: AccountId): Group | undefined {
    return this.groupOfLeader(account) ?? this.groupOfFollower(account);
  }

  groupByName(name: string): Group | undefined {
    for (const g of this.groups.values()) if (g.name.toLowerCase() === name.toLowerCase()) return g;
    return undefined;
  }

  connectionOf(account: AccountId): ConnectionRuntime | undefined {
    const a = this.accounts.get(account);
    return a ? this.connections.get(a.connectionId) : undefined;
  }

  lifecycleKey(leader: AccountId, contract: ContractCode): string {
    return `${leader}|${contract}`;
  }

  lifecycle(leader: AccountId, contract: ContractCode): Lifecycle | undefined {
    return this.lifecycles.get(this.lifecycleKey(leader, contract));
  }

  setLifecycle(leader: AccountId, contract: ContractCode, lc: Lifecycle | undefined): void {
    const key = this.lifecycleKey(leader, contract);
    if (lc) this.lifecycles.set(key, lc);
    else this.lifecycles.delete(key);
  }

  lifecyclesOf(leader: AccountId): Lifecycle[] {
    return [...this.lifecycles.values()].filter((l) => l.leaderAccount === leader);
  }

  /** The open lifecycles a follower tracks, each with its group and its track. */
  trackedBy(account: AccountId): { group: Group; lifecycle: Lifecycle; track: FollowerTrack }[] {
    const group = this.groupOfFollower(account);
    if (group?.leader === undefined) return [];
    const out: { group: Group; lifecycle: Lifecycle; track: FollowerTrack }[] = [];
    for (const lifecycle of this.lifecyclesOf(group.leader)) {
      const track = lifecycle.followers[account];
      if (track?.tracking) out.push({ group, lifecycle, track });
    }
    return out;
  }

  /** A mirror grace running for this follower and contract, if any. */
  graceOf(account: AccountId, contract: ContractCode): Grace | undefined {
    for (const g of this.graces.values()) if (g.accountId === account && g.contract === contract) return g;
    return undefined;
  }

  /** Whether a mirror grace is running for this follower and contract. */
  hasGrace(account: AccountId, contract: ContractCode): boolean {
    return this.graceOf(account, contract) !== undefined;
  }

  /** Where a grace takes its follower: its lifecycle's last target, or flat once the leader is flat. */
  graceTarget(g: Grace): number {
    return this.lifecycle(g.leaderAccount, g.leaderContract)?.followers[g.accountId]?.lastTarget ?? 0;
  }

  /** C of §3 for one follower: its broker position plus what its in-flight market orders will still add. */
  current(account: AccountId, contract: ContractCode): number {
    return (this.books.get(account)?.position(contract) ?? 0) + this.intents.inFlight(account, contract);
  }

  followerView(group: Group, f: Follower): FollowerView {
    const account = f.account;
    const book = this.books.get(account);
    const gate = this.risk.gate(account);
    return {
      follower: f,
      balance: book?.balance ?? (0 as FollowerView['balance']),
      current: (c) => this.current(account, c),
      heldContracts: () => [...new Set<ContractCode>([...(book?.openPositions() ?? []).map(([c]) => c), ...this.intents.inFlightByContract(account).keys()])],
      openContractsExcept: (c) => {
        const totals = new Map<ContractCode, number>();
        for (const [k, q] of book?.openPositions() ?? []) totals.set(k, q);
        for (const [k, q] of this.intents.inFlightByContract(account)) totals.set(k, (totals.get(k) ?? 0) + q);
        let sum = 0;
        for (const [k, q] of totals) if (k !== c) sum += Math.abs(q);
        return sum;
      },
      // Known, and its open intents resolved against it: before that a copy the broker filled
      // counts twice (in the snapshot's position and as in flight).
      positionKnown: book !== undefined && book.known && book.intentsResolved,
      hardLocked: gate.hardLocked || !book,
      entryGate: gate.entryGate,
      maxContracts: gate.maxContracts,
      hasLiveMirror: (leaderOrderId) => this.mirrors.isLive(leaderOrderId, account, this),
      settlingTarget: (c) => {
        const g = this.graceOf(account, c);
        return g ? this.graceTarget(g) : undefined;
      },
    };
  }

  groupActive(g: Group): boolean {
    return isActive(g);
  }

  // ---- intents --------------------------------------------------------------------------------

  newIntent(spec: {
    accountId: AccountId;
    groupId: GroupId | undefined;
    purpose: IntentPurpose;
    cause: string;
    contract: ContractCode;
    signedQty: number;
    type?: 'market' | 'limit' | 'stop';
    price?: number;
    bracket?: Intent['bracket'];
    leaderOrderId?: string;
    priority: Priority;
    tag?: string;
  }): Intent {
    const now = this.clock.now();
    return {
      tag: spec.tag ?? intentTag(spec.cause, spec.accountId, spec.purpose),
      accountId: spec.accountId,
      groupId: spec.groupId,
      purpose: spec.purpose,
      cause: spec.cause,
      contract: spec.contract,
      side: spec.signedQty > 0 ? 'buy' : 'sell',
      qty: Math.abs(spec.signedQty),
      type: spec.type ?? 'market',
      price: spec.price,
      bracket: spec.bracket,
      leaderOrderId: spec.leaderOrderId,
      priority: spec.priority,
      status: 'planned',
      brokerOrderId: undefined,
      filledQty: 0,
      reason: undefined,
      createdAt: now,
      updatedAt: now,
    };
  }

  /** Journals intents with their decisions (one transaction, before any is sent), sends them, tells listeners. */
  sendIntents(intents: readonly Intent[], rows: readonly DecisionRow[]): void {
    this.journal.commitIntents(intents, rows);
    this.dispatch(intents);
    this.emitDecisions(rows);
    for (const i of intents) this.emitIntent(i);
  }

  /** Hands journaled intents to their connections' lanes. */
  dispatch(intents: readonly Intent[]): void {
    for (const i of intents) {
      this.intents.add(i);
      const conn = this.connectionOf(i.accountId);
      if (!conn) {
        this.log.error('no connection for account', { account: i.accountId });
        continue;
      }
      this.dispatcher.submit(conn.row.id, { kind: 'place', intent: i });
    }
    // After the orders are written: each follower's PnL needs its contract's quotes (a cross
    // symbol may trade what the leader does not). Idempotent at the adapters.
    for (const i of intents) this.connectionOf(i.accountId)?.connection.subscribeQuotes([i.contract]);
  }

  emitIntent(i: Intent): void {
    this.activity++;
    if (this.listeners.size > 0) this.emit({ t: 'intent', intent: intentView(i) });
  }

  emitDecisions(rows: readonly DecisionRow[]): void {
    for (const r of rows) this.emit({ t: 'decision', ...r });
  }

  emitGroupStatus(g: Group): void {
    this.emit({ t: 'groupStatus', groupId: g.id, name: g.name, status: groupStatus(g) });
  }

  setOutOfSync(account: AccountId, contract: ContractCode, detail: string | undefined): void {
    const root = parseContractCode(contract).root;
    const key = `${account}|${root}`;
    const had = this.outOfSync.get(key);
    if (detail === undefined) {
      if (had === undefined) return;
      this.outOfSync.delete(key);
      this.db.prepare("DELETE FROM follower_flags WHERE account_id = ? AND root = ? AND flag = 'outOfSync'").run(account, root);
      this.emit({ t: 'outOfSync', accountId: account, root, on: false, detail: had });
      return;
    }
    if (had === detail) return;
    this.outOfSync.set(key, detail);
    this.db
      .prepare("INSERT INTO follower_flags (account_id, root, flag, detail, since) VALUES (?, ?, 'outOfSync', ?, ?) ON CONFLICT (account_id, root, flag) DO UPDATE SET detail = excluded.detail")
      .run(account, root, detail, this.clock.now());
    this.emit({ t: 'outOfSync', accountId: account, root, on: true, detail });
  }
}

export function intentView(i: Intent): IntentView {
  return {
    tag: i.tag,
    accountId: i.accountId,
    groupId: i.groupId,
    purpose: i.purpose,
    cause: i.cause,
    contract: i.contract,
    side: i.side,
    qty: i.qty,
    type: i.type,
    price: i.price,
    status: i.status,
    filledQty: i.filledQty,
    brokerOrderId: i.brokerOrderId,
    reason: i.reason,
    createdAt: i.createdAt,
    updatedAt: i.updatedAt,
  };
}

export function newBook(info: AccountInfo): AccountBook {
  return new AccountBook(info.id, info.connectionId, info.brokerAccountId);
}

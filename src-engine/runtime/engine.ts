/**
 * The copy engine: the one object a host (desktop utility process, headless serve, scenario
 * runner, benchmark) creates. It owns the SQLite file, the broker connections and every decision.
 */
import { randomUUID } from 'node:crypto';
import type { GroupInput, RiskRulesInput } from '../api/config';
import type { SaveImpactView } from '../api/views';
import type { Clock } from '../domain/clock';
import { groupStatus, type AccountId, type Group, type GroupId, type GroupStatus } from '../domain/group';
import { buildGroup, toGroupInput } from '../domain/groupEdit';
import type { Catalog } from '../domain/instruments';
import type { Logger } from '../domain/log';
import { Refusal } from '../domain/refusal';
import { stopTracking } from '../copy/lifecycle';
import type { BrokerConnection } from '../orders/broker';
import { Journal } from '../store/journal';
import { ConfigRepository, type AccountRow, type ConnectionRow } from '../store/configRepository';
import { openDatabaseOrRecover, type Db } from '../store/db';
import { startBackupSchedule, type BackupSchedule } from '../store/backups';
import { startCheckpointer, type Checkpointer } from '../store/checkpointer';
import * as controls from './controls';
import { EngineCore, newBook, type ConnectionRuntime, type LatencyProbe } from './core';
import type { EngineListener } from './events';
import { onBrokerEvent } from './intake';
import { connectionOfSameLogin } from './loginIdentity';
import { groupSaveCapacity } from './loginCapacity';
import { dispatchHooks } from './orderFlow';
import type { RiskPort } from './riskPort';
import { saveImpact, settleRemoved, settleSizing, type RemovalChoice, type SaveChoices } from './saveChoices';

/** What the risk engine reports back (locks, fail-closed state). */
export type RiskActionIn =
  | { readonly kind: 'lockStarted'; readonly lock: { readonly id: string; readonly accountId: string; readonly kind: 'breach' | 'soft'; readonly rule: string }; readonly flatten: boolean }
  | { readonly kind: 'lockEnded'; readonly lock: { readonly id: string; readonly accountId: string; readonly kind: 'breach' | 'soft'; readonly rule: string } }
  | { readonly kind: 'riskUnknown'; readonly accountId: string; readonly unknown: boolean; readonly reason?: string }
  | { readonly kind: 'changed'; readonly accountId: string };

export interface EngineOptions {
  readonly dbPath: string;
  readonly catalog: Catalog;
  readonly clock: Clock;
  readonly log: Logger;
  /** Builds the broker connection for a stored connection row (the host holds secrets and simulators). */
  readonly connect: (row: ConnectionRow) => BrokerConnection | Promise<BrokerConnection>;
  /** Timing hooks (benchmark). */
  readonly probe?: LatencyProbe;
  readonly createRisk: (deps: { db: Db; catalog: Catalog; clock: Clock; log: Logger; onAction: (a: RiskActionIn) => void }) => RiskPort;
}

export interface AccountFlags {
  readonly locked: false | 'breach' | 'soft';
  readonly lockRule: string | undefined;
  readonly quarantined: readonly string[];
  readonly outOfSync: readonly string[];
}

export class Engine {
  private started = false;

  private constructor(
    readonly core: EngineCore,
    private readonly opts: EngineOptions,
    /** Set when the database was damaged and replaced at open (the host shows it). */
    readonly recoveredFrom: string | undefined,
    private readonly checkpointer: Checkpointer | undefined,
    private readonly backups: BackupSchedule | undefined,
  ) {}

  static open(opts: EngineOptions): Engine {
    const { db, recovered } = openDatabaseOrRecover(opts.dbPath);
    const journal = new Journal(db);
    const config = new ConfigRepository(db);
    // The risk engine and the dispatcher call back into the core, which needs them to exist first.
    const holder: { core?: EngineCore } = {};
    const getCore = (): EngineCore => {
      if (!holder.core) throw new Error('engine core used before it exists');
      return holder.core;
    };
    const risk = opts.createRisk({ db, catalog: opts.catalog, clock: opts.clock, log: opts.log.child('risk'), onAction: (a) => onRiskAction(getCore(), a) });
    const core = new EngineCore(opts.probe, db, journal, config, opts.catalog, opts.clock, opts.log, risk, dispatchHooks(getCore));
    holder.core = core;
    const checkpointer = startCheckpointer(db, opts.dbPath, {
      onError: (m) => opts.log.warn('background checkpoint failed', { error: m }),
      onFallback: (reason) => opts.log.error('background checkpoints stopped; SQLite checkpoints automatically again', { reason }),
    });
    const backups = startBackupSchedule(db, opts.dbPath, { onError: (m) => opts.log.error('scheduled database backup failed', { error: m }) });
    const engine = new Engine(core, opts, recovered?.message, checkpointer, backups);
    engine.load();
    return engine;
  }

  private load(): void {
    const { core } = this;
    for (const row of core.config.accounts()) this.addAccountRuntime(row);
    for (const stored of core.config.groups()) {
      const others = [...core.groups.values()];
      const g = buildGroup(stored.input, { id: stored.id, existing: undefined, others, accountExists: () => true, catalog: core.catalog });
      core.groups.set(stored.id, { ...g, switchedOff: stored.switchedOff });
    }
    for (const lc of core.journal.lifecycles()) core.setLifecycle(lc.leaderAccount, lc.contract, lc);
    for (const i of core.journal.openIntents()) {
      // Planned or queued when the engine stopped: it may have left before the crash. The first
      // reconcile asks the broker by tag before anything is sent.
      if (i.status === 'planned' || i.status === 'queued' || i.status === 'sending') i.status = 'unknown';
      core.intents.add(i);
      if (i.purpose === 'mirror' && i.leaderOrderId !== undefined) core.mirrors.add(i.leaderOrderId, { account: i.accountId, tag: i.tag });
    }
    const flags = core.db.prepare("SELECT account_id, root, detail FROM follower_flags WHERE flag = 'outOfSync'").all() as { account_id: string; root: string; detail: string }[];
    for (const f of flags) core.outOfSync.set(`${f.account_id}|${f.root}`, f.detail);
  }

  /**
   * Connects every stored connection and resolves once each is up and reconciled (or failed). By default it also waits until the engine is idle (every
   * connection reconciled, nothing in flight), which is what a replayed scenario wants; a host whose
   * leaders go on trading meanwhile may never see that moment, so it can ask for `settle: false`.
   */
  async start(opts: { settle?: boolean } = {}): Promise<void> {
    if (this.started) return;
    this.started = true;
    const rows = this.core.config.connections();
    await Promise.all(rows.map((r) => this.startConnection(r)));
    if (opts.settle !== false) await this.core.whenIdle();
  }

  /** Graceful: stops connections, timers, the database. */
  async stop(): Promise<void> {
    const { core } = this;
    if (core.dead) return;
    core.dead = true;
    core.clearTimers();
    core.dispatcher.dispose();
    await Promise.all([...core.connections.values()].map((c) => c.connection.stop().catch(() => undefined)));
    core.risk.dispose();
    core.journal.flush();
    await this.backups?.stop();
    await this.checkpointer?.stop();
    core.db.close();
  }

  /** Hard kill (crash tests): no graceful anything. Journaled state stays as it was written. */
  abandon(): void {
    const { core } = this;
    if (core.dead) return;
    core.dead = true;
    core.clearTimers();
    core.dispatcher.dispose();
    for (const c of core.connections.values()) c.connection.abandon();
    core.risk.dispose();
    core.journal.discardPending();
    void this.backups?.stop();
    this.checkpointer?.kill();
    core.db.close();
  }

  on(listener: EngineListener): () => void {
    return this.core.on(listener);
  }

  isIdle(): boolean {
    return this.core.isIdle();
  }

  busyReport(): string {
    return this.core.busyReport();
  }

  whenIdle(): Promise<void> {
    return this.core.whenIdle();
  }

  activity(): number {
    return this.core.activity;
  }

  /**
   * Every connection's barrier, for a harness that waits to look (the scenario runner, the chaos
   * suite): resolves once each has delivered what its broker sent before, charging no budget.
   */
  async barrier(): Promise<void> {
    await Promise.all(
      [...this.core.connections.values()].filter((c) => c.status.state === 'connected').map((c) => c.connection.barrier('observer').catch(() => undefined)),
    );
  }

  // ---- configuration --------------------------------------------------------------------------

  /** Stores a connection and its accounts (ids chosen by the caller) and connects it if running. */
  async addConnection(row: ConnectionRow, accounts: readonly Omit<AccountRow, 'connectionId'>[] = []): Promise<void> {
    const { core } = this;
    if (core.connections.has(row.id)) throw new Refusal([{ field: 'id', message: `connection "${row.id}" already exists` }]);
    refuseSecondConnectionOfLogin(core.config.connections(), row);
    core.config.saveConnection(row);
    for (const a of accounts) {
      const full: AccountRow = { ...a, connectionId: row.id };
      core.risk.setAccount(full.id, full.risk);
      core.config.saveAccount(full);
      this.addAccountRuntime(full);
    }
    if (this.started) await this.startConnection(row);
  }

  /** Replaces a connection's settings and reconnects it with them. */
  async replaceConnection(row: ConnectionRow): Promise<void> {
    refuseSecondConnectionOfLogin(this.core.config.connections(), row);
    this.core.config.saveConnection(row);
    await this.reconnect(row.id);
  }

  /** Refused while one of its accounts holds a role in a group: remove it from the group first. */
  async removeConnection(id: string): Promise<void> {
    const { core } = this;
    for (const a of core.accounts.values()) {
      if (a.connectionId !== id) continue;
      const g = core.groupOfAccount(a.id);
      if (g) throw new Refusal([{ field: 'id', message: `account "${a.name}" of this connection is in group "${g.name}"; remove it from the group first` }]);
    }
    await this.stopConnection(id);
    for (const a of [...core.accounts.values()]) {
      if (a.connectionId !== id) continue;
      core.accounts.delete(a.id);
      core.books.delete(a.id);
      core.risk.removeAccount(a.id);
    }
    core.config.deleteConnection(id);
  }

  /** Drops and re-creates the connection (new secret or settings take effect). */
  async reconnect(id: string): Promise<void> {
    const row = this.core.config.connections().find((c) => c.id === id);
    if (!row) throw new Refusal([{ field: 'id', message: `unknown connection "${id}"` }]);
    await this.stopConnection(id);
    if (this.started) await this.startConnection(row);
  }

  private async stopConnection(id: string): Promise<void> {
    const rt = this.core.connections.get(id);
    if (!rt) return;
    this.core.connections.delete(id);
    this.core.dispatcher.removeLane(id);
    await rt.connection.stop().catch(() => undefined);
  }

  setRisk(accountId: AccountId, rules: RiskRulesInput): void {
    const info = this.core.requireAccount(accountId);
    this.core.risk.setAccount(accountId, rules);
    info.risk = rules;
    this.core.config.saveAccount({ ...info });
    this.core.emit({ t: 'risk', accountId });
  }

  /**
   * What saving `input` over group `id` (or deleting it: `input` undefined) would leave open or
   * resize. Without `id`, a new group: it leaves nothing open, but its logins' capacity is said.
   */
  saveImpact(id: GroupId | undefined, input: GroupInput | undefined): SaveImpactView {
    if (id === undefined) {
      if (!input) throw new Refusal([{ field: 'group', message: 'a new group needs its settings' }]);
      const groupId = randomUUID();
      return { removed: [], resized: [], capacity: groupSaveCapacity(this.core, groupId, this.buildGroup(input, groupId)) };
    }
    const existing = controls.requireGroup(this.core, id);
    const next = input ? this.buildGroup(input, existing.id) : undefined;
    return { ...saveImpact(this.core, existing, next), capacity: groupSaveCapacity(this.core, existing.id, next) };
  }

  private buildGroup(input: GroupInput, groupId: GroupId): Group {
    const { core } = this;
    const existing = core.groups.get(groupId);
    const others = [...core.groups.values()].filter((g) => g.id !== groupId);
    return buildGroup(input, { id: groupId, existing, others, accountExists: (a) => core.accounts.has(a), catalog: core.catalog });
  }

  /** Creates or replaces a group atomically; refused with the field and the conflicting group. */
  saveGroup(input: GroupInput, id?: GroupId, choices: SaveChoices = {}): Group {
    const { core } = this;
    const existing = id !== undefined ? core.groups.get(id) : undefined;
    if (id !== undefined && !existing) throw new Refusal([{ field: 'id', message: `unknown group "${id}"` }]);
    const groupId = id ?? randomUUID();
    const group = this.buildGroup(input, groupId);
    const impact = saveImpact(core, existing, group);
    core.config.saveGroup(group);
    core.groups.set(groupId, group);
    if (existing?.leader !== undefined) {
      // A removed follower keeps its positions and stops receiving copies.
      const kept = new Set(group.followers.map((f) => f.account));
      for (const lc of core.lifecyclesOf(existing.leader)) {
        let next = lc;
        for (const account of Object.keys(lc.followers)) if (!kept.has(account)) next = stopTracking(next, account, 'disabled');
        if (next !== lc) {
          core.setLifecycle(existing.leader, lc.contract, next);
          core.journal.saveLifecycle(existing.leader, lc.contract, next);
        }
      }
    }
    if (group.leader !== undefined && core.config.watermark(group.leader) === undefined) core.config.setWatermark(group.leader, core.clock.now());
    if (choices.removed !== undefined) settleRemoved(core, group, impact, choices.removed, 'removed');
    if (choices.resize !== undefined && impact.resized.length > 0) settleSizing(core, group, choices.resize);
    core.emitGroupStatus(group);
    core.emit({ t: 'groupsChanged' });
    return group;
  }

  /** Deletes a group; its followers' positions and working orders are flattened or kept, as the trader chose. */
  deleteGroup(id: GroupId, removed?: RemovalChoice): void {
    const { core } = this;
    const g = controls.requireGroup(core, id);
    const impact = saveImpact(core, g, undefined);
    if (g.leader !== undefined) {
      // Its followers stop copying: what they hold is the trader's from now on.
      for (const lc of core.lifecyclesOf(g.leader)) {
        let next = lc;
        for (const account of Object.keys(lc.followers)) next = stopTracking(next, account, 'disabled');
        if (next !== lc) {
          core.setLifecycle(g.leader, lc.contract, next);
          core.journal.saveLifecycle(g.leader, lc.contract, next);
        }
      }
    }
    core.config.deleteGroup(g.id);
    core.groups.delete(g.id);
    if (removed !== undefined) settleRemoved(core, g, impact, removed, 'deleted');
    core.emit({ t: 'groupsChanged' });
  }

  /** Applies an edit in which every given field replaces the old one whole (scenario `edit`, UI staged save). */
  editGroup(nameOrId: string, change: Partial<GroupInput> & { name?: string }, choices: SaveChoices = {}): Group {
    const g = controls.requireGroup(this.core, nameOrId);
    const current = toGroupInput(g);
    return this.saveGroup({ ...current, ...change, name: change.name ?? current.name }, g.id, choices);
  }

  setSync(nameOrId: string, account: AccountId, root: string, on: boolean): Group {
    const g = controls.requireGroup(this.core, nameOrId);
    const input = toGroupInput(g);
    const followers = (input.followers ?? []).map((f) => (f.account === account ? { ...f, sync: { ...f.sync, [root]: on } } : f));
    if (!followers.some((f) => f.account === account)) throw new Refusal([{ field: 'account', message: `account "${account}" is not a follower of group "${g.name}"` }]);
    const saved = this.saveGroup({ ...input, followers }, g.id);
    if (!on && g.leader !== undefined) this.stopTrackingRoot(g.leader, [account], root);
    return saved;
  }

  /** The master toggle: one root, every follower of the group. */
  setMasterSync(nameOrId: string, root: string, on: boolean): Group {
    const g = controls.requireGroup(this.core, nameOrId);
    const input = toGroupInput(g);
    const followers = (input.followers ?? []).map((f) => ({ ...f, sync: { ...f.sync, [root]: on } }));
    const saved = this.saveGroup({ ...input, followers }, g.id);
    if (!on && g.leader !== undefined) this.stopTrackingRoot(g.leader, g.followers.map((f) => f.account), root);
    return saved;
  }

  private stopTrackingRoot(leader: AccountId, accounts: readonly AccountId[], root: string): void {
    const { core } = this;
    for (const lc of core.lifecyclesOf(leader)) {
      if (lc.root !== root) continue;
      let next = lc;
      for (const a of accounts) next = stopTracking(next, a, 'syncOff');
      core.setLifecycle(leader, lc.contract, next);
      core.journal.saveLifecycle(leader, lc.contract, next);
    }
  }

  // ---- controls (§9) --------------------------------------------------------------------------

  pause(group: string): void {
    controls.pause(this.core, group);
  }
  resume(group: string): void {
    controls.resume(this.core, group);
  }
  pauseAll(): void {
    controls.pauseAll(this.core);
  }
  resumeAll(): void {
    controls.resumeAll(this.core);
  }
  flattenAll(group: string): void {
    controls.flattenAll(this.core, group);
  }
  cancelOrders(group: string): void {
    controls.cancelOrders(this.core, group);
  }
  flattenPosition(account: AccountId, root: string): void {
    controls.flattenPosition(this.core, account, root);
  }
  sync(account: AccountId, root: string): void {
    controls.sync(this.core, account, root);
  }
  emergencyStop(): void {
    controls.emergencyStop(this.core);
  }
  releaseQuarantine(account: AccountId, root?: string): void {
    controls.releaseQuarantine(this.core, account, root);
  }
  unlock(account: AccountId, acknowledgement: string, lockId?: string): void {
    this.core.requireAccount(account);
    const r = this.core.risk.unlock(account, acknowledgement, lockId);
    if (!r.ok) throw new Refusal([{ field: 'account', message: r.message }]);
  }

  // ---- views ----------------------------------------------------------------------------------

  group(nameOrId: string): Group | undefined {
    return this.core.groups.get(nameOrId) ?? this.core.groupByName(nameOrId);
  }

  groups(): Group[] {
    return [...this.core.groups.values()];
  }

  groupStatus(nameOrId: string): GroupStatus | undefined {
    const g = this.group(nameOrId);
    return g ? groupStatus(g) : undefined;
  }

  accountFlags(account: AccountId): AccountFlags {
    const locks = this.core.risk.openLocks(account);
    const breach = locks.find((l) => l.kind === 'breach');
    const lock = breach ?? locks[0];
    const outOfSync: string[] = [];
    for (const key of this.core.outOfSync.keys()) {
      const [a, root] = key.split('|');
      if (a === account && root !== undefined) outOfSync.push(root);
    }
    return {
      locked: lock ? lock.kind : false,
      lockRule: lock?.rule,
      quarantined: controls.quarantinedRoots(this.core, account),
      outOfSync: outOfSync.sort(),
    };
  }

  // ---- internals ------------------------------------------------------------------------------

  private addAccountRuntime(row: AccountRow): void {
    const { core } = this;
    core.accounts.set(row.id, { id: row.id, connectionId: row.connectionId, brokerAccountId: row.brokerAccountId, name: row.name, risk: row.risk });
    core.books.set(row.id, newBook({ id: row.id, connectionId: row.connectionId, brokerAccountId: row.brokerAccountId, name: row.name, risk: row.risk }));
    core.risk.setAccount(row.id, row.risk);
    core.connections.get(row.connectionId)?.accounts.set(row.brokerAccountId, row.id);
  }

  private async startConnection(row: ConnectionRow): Promise<void> {
    const { core } = this;
    let connection: BrokerConnection;
    try {
      connection = await this.opts.connect(row);
    } catch (err) {
      // No secret, bad settings: the connection shows as failed with the reason; nothing else stops.
      const reason = err instanceof Error ? err.message : String(err);
      core.emit({ t: 'connection', connectionId: row.id, status: { state: 'failed', reason } });
      core.log.warn('connection could not be created', { connection: row.name, reason });
      return;
    }
    // Events held from the start: one that comes before the first reconcile (a hub that delivers
    // before the adapter says it is connected) would be acted on against books not yet read.
    const runtime: ConnectionRuntime = { row, connection, status: { state: 'connecting' }, generation: 0, reconciledGeneration: 0, accounts: new Map(), held: [] };
    for (const a of core.accounts.values()) if (a.connectionId === row.id) runtime.accounts.set(a.brokerAccountId, a.id);
    core.connections.set(row.id, runtime);
    core.dispatcher.addLane(row.id, connection);
    connection.spentEarlier?.(requestsSentEarlier(core, runtime));
    try {
      await connection.start((e) => onBrokerEvent(core, runtime, e));
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      runtime.status = { state: 'failed', reason };
      core.emit({ t: 'connection', connectionId: row.id, status: runtime.status });
      core.booksChanged();
      core.log.warn('connection failed', { connection: row.name, reason });
      return;
    }
    // Accounts the broker lists that we do not know yet are added under a stable id.
    for (const acc of connection.accounts()) {
      if (runtime.accounts.has(acc.brokerAccountId)) continue;
      const account: AccountRow = { id: `${row.id}:${acc.brokerAccountId}`, connectionId: row.id, brokerAccountId: acc.brokerAccountId, name: acc.name, risk: {} };
      core.config.saveAccount(account);
      this.addAccountRuntime(account);
      runtime.accounts.set(acc.brokerAccountId, account.id);
    }
  }
}

/** One connection per login: a second would spend the login's one budget as if it had two. */
function refuseSecondConnectionOfLogin(rows: readonly ConnectionRow[], row: ConnectionRow): void {
  const other = connectionOfSameLogin(rows, row);
  if (!other) return;
  throw new Refusal([{ field: 'settings.username', message: `this login is already connected as "${other.name}"; its accounts share that connection and its request budget` }]);
}

function onRiskAction(core: EngineCore, a: RiskActionIn): void {
  if (core.dead) return;
  switch (a.kind) {
    case 'lockStarted': {
      core.emit({ t: 'lock', accountId: a.lock.accountId, lockId: a.lock.id, kind: a.lock.kind, rule: a.lock.rule, on: true });
      if (!a.flatten) return;
      if (core.groupOfLeader(a.lock.accountId)) controls.leaderBreach(core, a.lock.accountId, a.lock.id);
      controls.flattenForRisk(core, a.lock.accountId, a.lock.id);
      return;
    }
    case 'lockEnded':
      core.emit({ t: 'lock', accountId: a.lock.accountId, lockId: a.lock.id, kind: a.lock.kind, rule: a.lock.rule, on: false });
      return;
    case 'riskUnknown':
      core.emit({ t: 'riskUnknown', accountId: a.accountId, on: a.unknown, reason: a.reason });
      return;
    case 'changed':
      core.emit({ t: 'risk', accountId: a.accountId });
      return;
  }
}

/**
 * When the journal says this connection's follower orders went out in the last hour (one request
 * each at least; orders queued or abandoned never left), so a restarted engine's budget starts
 * from what its killed process had spent, not from an empty minute.
 */
function requestsSentEarlier(core: EngineCore, runtime: ConnectionRuntime): number[] {
  const accounts = new Set(runtime.accounts.values());
  if (accounts.size === 0) return [];
  const since = core.clock.now() - 3_600_000;
  return core.journal
    .intentsSince(since, 10_000)
    .filter((i) => accounts.has(i.accountId) && i.status !== 'queued' && i.status !== 'abandoned')
    .map((i) => i.createdAt);
}

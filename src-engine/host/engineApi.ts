/**
 * The engine's side of the API contract: every message is parsed and validated (shape, command
 * name, arguments) before anything runs; a refusal names its field; an unexpected failure gives a
 * plain message, never a stack. Engine events become UI events (changes to re-read, activity rows,
 * alerts for notifications).
 */
import { randomUUID } from 'node:crypto';
import { ZodError } from 'zod';
import {
  Commands,
  RequestEnvelope,
  isCommandName,
  type ApiError,
  type ApiEvent,
  type CommandName,
  type CommandRequest,
  type CommandResult,
  type CommandResults,
  type ResponseEnvelope,
} from '../api/contract';
import type { EngineInfoView, PresetView, SettingsView, SnapshotView } from '../api/views';
import type { RiskRulesInput } from '../api/config';
import type { Logger } from '../domain/log';
import { Refusal } from '../domain/refusal';
import type { Engine } from '../runtime/engine';
import type { EngineEvent } from '../runtime/events';
import { activityCsv, listActivity, rowFromEvent } from '../runtime/activity';
import { describeSave, recordUserAction, type UserAction } from '../runtime/userActions';
import { accountViews, connectionViews, groupViews, lockEvidenceView, lockView, riskViews } from '../runtime/views';
import type { SecretStore } from '../secrets/secretStore';
import type { ApiHandler } from './headlessServer';
import type { LatencyBook } from './latencyBook';
import type { SignInReport, TradovateSignIns } from './tradovateSignIn';

export interface EngineApiDeps {
  readonly engine: Engine;
  readonly secrets: SecretStore;
  readonly log: Logger;
  readonly info: Omit<EngineInfoView, 'keychain' | 'recoveredFrom'>;
  readonly latency: LatencyBook;
  /** Validates broker-specific connection settings; throws Refusal naming the field. */
  readonly checkConnectionSettings: (broker: 'paper' | 'tradovate' | 'projectx', settings: Readonly<Record<string, string>>) => Record<string, string>;
  readonly presets: {
    list(): readonly PresetView[];
    apply(presetId: string): RiskRulesInput;
  };
  readonly dataFolder: string;
  readonly logFolder: string;
  /** Sign in with Tradovate; absent where it is not offered (tests). */
  readonly signIns?: TradovateSignIns | undefined;
  /** Whether an OAuth client is configured, for the Connections screen. */
  readonly signInAvailability?: (() => { readonly available: boolean; readonly detail: string }) | undefined;
}

type Handlers = { [N in CommandName]: (args: CommandRequest<N>) => Promise<CommandResults[N]> | CommandResults[N] };

const DEFAULT_SETTINGS: Omit<SettingsView, 'dataFolder' | 'logFolder'> = {
  startWithOs: false,
  startPaused: false,
  soundOnLock: true,
  notifyOnLock: true,
  notifyOnRejection: true,
};

export class EngineApi implements ApiHandler {
  private readonly listeners = new Set<(e: ApiEvent) => void>();
  private readonly secretKnown = new Map<string, boolean>();
  private readonly handlers: Handlers;
  private eventSeq = 0;
  private pendingScopes = new Set<'connections' | 'accounts' | 'groups' | 'risk' | 'locks'>();
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly detach: () => void;

  constructor(private readonly deps: EngineApiDeps) {
    this.handlers = this.buildHandlers();
    this.detach = deps.engine.on((e) => this.onEngineEvent(e));
  }

  /** A sign-in's ending: the trader's sentence to the page that started it, then a fresh read. */
  signInEnded(r: SignInReport): void {
    this.emit({ type: 'signIn', ...r });
    // A notification for what the trader did not do themselves (a time limit, a refusal, an expired code).
    if (r.outcome === 'failed' && r.failure !== 'stateMismatch' && r.failure !== 'cancelled') this.emit({ type: 'alert', level: 'warning', topic: 'connection', title: 'Tradovate sign-in failed', body: r.message });
    this.changed('connections', 'accounts');
  }

  dispose(): void {
    this.detach();
    if (this.flushTimer) clearTimeout(this.flushTimer);
  }

  onEvent(listener: (e: ApiEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Typed entry for in-process callers (tests, the tray). */
  async invoke<N extends CommandName>(cmd: N, args: CommandRequest<N>): Promise<CommandResult<N>> {
    const r = await this.handle(JSON.stringify({ id: 0, cmd, args }));
    if (!r) throw new Error('no response');
    if (!r.ok) throw Object.assign(new Error(r.error.message), { apiError: r.error });
    return r.result as CommandResult<N>;
  }

  async handle(raw: string): Promise<ResponseEnvelope | undefined> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      this.deps.log.warn('api: a message that is not JSON was ignored', { length: raw.length });
      return undefined;
    }
    const env = RequestEnvelope.safeParse(parsed);
    if (!env.success) {
      const id = typeof (parsed as { id?: unknown } | null)?.id === 'number' ? (parsed as { id: number }).id : -1;
      return { id, ok: false, error: refused('', 'a request is {id, cmd, args}') };
    }
    const { id, cmd, args } = env.data;
    if (!isCommandName(cmd)) return { id, ok: false, error: refused('cmd', `unknown command "${cmd}"`) };
    try {
      const checked: unknown = Commands[cmd].parse(args ?? {});
      const handler = this.handlers[cmd] as (a: unknown) => unknown;
      const result = await handler(checked);
      return { id, ok: true, result };
    } catch (err) {
      return { id, ok: false, error: toApiError(err, this.deps.log, cmd) };
    }
  }

  private buildHandlers(): Handlers {
    const { engine, secrets } = this.deps;
    const empty = {} as Record<string, never>;
    const done = (fn: () => void): Record<string, never> => {
      fn();
      return empty;
    };
    const you = (a: UserAction): void => recordUserAction(engine.core, a);
    const accountName = (id: string): string => engine.core.accounts.get(id)?.name ?? id;
    const groupName = (nameOrId: string): string => engine.group(nameOrId)?.name ?? nameOrId;
    const groupId = (nameOrId: string): string | undefined => engine.group(nameOrId)?.id;
    return {
      'state.get': () => this.snapshot(),
      'connections.add': async ({ broker, name, settings }) => {
        const checked = this.deps.checkConnectionSettings(broker, settings);
        const id = `${broker}-${randomUUID().slice(0, 8)}`;
        await engine.addConnection({ id, broker, name, settings: checked });
        this.changed('connections', 'accounts');
        return { id };
      },
      'connections.update': async ({ id, name, settings }) => {
        const row = engine.core.config.connections().find((c) => c.id === id);
        if (!row) throw new Refusal([{ field: 'id', message: `unknown connection "${id}"` }]);
        const checked = settings !== undefined ? this.deps.checkConnectionSettings(row.broker, settings) : undefined;
        const next = { ...row, ...(name !== undefined ? { name } : {}), ...(checked !== undefined ? { settings: checked } : {}) };
        await engine.replaceConnection(next);
        this.changed('connections');
        return empty;
      },
      'connections.remove': async ({ id }) => {
        await engine.removeConnection(id);
        await secrets.clear(id).catch(() => undefined);
        this.secretKnown.delete(id);
        this.changed('connections', 'accounts', 'groups');
        return empty;
      },
      'connections.setSecret': async ({ id, secret }) => {
        if (!engine.core.config.connections().some((c) => c.id === id)) throw new Refusal([{ field: 'id', message: `unknown connection "${id}"` }]);
        await secrets.set(id, secret);
        this.secretKnown.set(id, true);
        await engine.reconnect(id);
        this.changed('connections', 'accounts');
        return { hasSecret: true };
      },
      'connections.clearSecret': async ({ id }) => {
        await secrets.clear(id);
        this.secretKnown.set(id, false);
        this.changed('connections');
        return { hasSecret: false };
      },
      'connections.reconnect': async ({ id }) => {
        await engine.reconnect(id);
        this.changed('connections');
        return empty;
      },
      'connections.signIn': (args) => {
        if (!this.deps.signIns) throw new Refusal([{ field: 'client', message: 'Sign in with Tradovate is not offered here' }]);
        return this.deps.signIns.start(args);
      },
      'connections.signInCancel': ({ signInId }) => done(() => this.deps.signIns?.cancel(signInId)),
      'groups.save': ({ id, group, removed, resize }) => {
        const before = id !== undefined ? engine.group(id) : undefined;
        const g = engine.saveGroup(group, id, { ...(removed ? { removed } : {}), ...(resize ? { resize } : {}) });
        you({ action: 'save', groupId: g.id, text: describeSave(engine.core, before, g) });
        this.changed('groups', 'accounts');
        return { id: g.id };
      },
      'groups.delete': ({ id, removed }) =>
        done(() => {
          const name = groupName(id);
          engine.deleteGroup(id, removed);
          you({ action: 'delete', groupId: id, text: `deleted group ${name}` });
          this.changed('groups', 'accounts');
        }),
      'groups.impact': ({ id, group }) => engine.saveImpact(id, group),
      'groups.setSync': ({ group, account, root, on }) =>
        done(() => {
          const g = engine.setSync(group, account, root, on);
          you({ action: 'setSync', groupId: g.id, accountId: account, text: `turned copying of ${root} ${on ? 'on' : 'off'} for ${accountName(account)}` });
          this.changed('groups');
        }),
      'groups.setMasterSync': ({ group, root, on }) =>
        done(() => {
          const g = engine.setMasterSync(group, root, on);
          you({ action: 'setMasterSync', groupId: g.id, text: `turned copying of ${root} ${on ? 'on' : 'off'} for every follower of group ${g.name}` });
          this.changed('groups');
        }),
      'controls.pause': ({ group }) => done(() => (engine.pause(group), you({ action: 'pause', groupId: groupId(group), text: `paused group ${groupName(group)}` }))),
      'controls.resume': ({ group }) => done(() => (engine.resume(group), you({ action: 'resume', groupId: groupId(group), text: `resumed group ${groupName(group)}` }))),
      'controls.pauseAll': () => done(() => (engine.pauseAll(), you({ action: 'pauseAll', text: 'paused every group' }))),
      'controls.resumeAll': () => done(() => (engine.resumeAll(), you({ action: 'resumeAll', text: 'resumed every group' }))),
      'controls.flattenAll': ({ group }) => done(() => (engine.flattenAll(group), you({ action: 'flattenAll', groupId: groupId(group), text: `pressed Flatten All in group ${groupName(group)}` }))),
      'controls.cancelOrders': ({ group }) => done(() => (engine.cancelOrders(group), you({ action: 'cancelOrders', groupId: groupId(group), text: `cancelled the working orders of group ${groupName(group)}` }))),
      'controls.flattenPosition': ({ account, root }) =>
        done(() => (engine.flattenPosition(account, root), you({ action: 'flattenPosition', groupId: engine.core.groupOfAccount(account)?.id, accountId: account, text: `flattened ${root} on ${accountName(account)}` }))),
      'controls.sync': ({ account, root }) =>
        done(() => (engine.sync(account, root), you({ action: 'sync', groupId: engine.core.groupOfAccount(account)?.id, accountId: account, text: `sent ${accountName(account)} to the leader's ${root} position (Sync)` }))),
      'controls.emergencyStop': () => done(() => (engine.emergencyStop(), you({ action: 'emergencyStop', text: 'pressed Emergency Stop: every group paused and flattened' }))),
      'controls.releaseQuarantine': ({ account, root }) =>
        done(() => (engine.releaseQuarantine(account, root), you({ action: 'releaseQuarantine', accountId: account, text: `released the quarantine of ${accountName(account)}${root ? ` in ${root}` : ''}` }))),
      'risk.setRules': ({ account, rules }) =>
        done(() => (engine.setRisk(account, rules), you({ action: 'setRisk', accountId: account, text: `changed the risk rules of ${accountName(account)}` }), this.changed('risk', 'accounts'))),
      'risk.presets': () => this.deps.presets.list(),
      'risk.applyPreset': ({ account, preset }) =>
        done(() => (engine.setRisk(account, this.deps.presets.apply(preset)), you({ action: 'applyPreset', accountId: account, text: `applied a risk preset to ${accountName(account)}` }), this.changed('risk', 'accounts'))),
      'risk.lock': ({ lockId }) => {
        const l = engine.core.risk.lock(lockId);
        if (!l) throw new Refusal([{ field: 'lockId', message: `unknown lock "${lockId}"` }]);
        return lockEvidenceView(l);
      },
      'risk.unlock': ({ account, acknowledgement, lockId }) => {
        const info = engine.core.accounts.get(account);
        if (!info) throw new Refusal([{ field: 'account', message: `unknown account "${account}"` }]);
        // The trader types the account's name: a deliberate act, recorded with the unlock.
        if (acknowledgement.trim() !== info.name && acknowledgement.trim() !== info.id) {
          throw new Refusal([{ field: 'acknowledgement', message: `type the account name "${info.name}" to unlock` }]);
        }
        engine.unlock(account, acknowledgement.trim(), lockId);
        you({ action: 'unlock', accountId: account, text: `unlocked ${info.name}` });
        this.changed('locks', 'risk', 'accounts');
        return empty;
      },
      'activity.list': ({ filter, before, limit }) => listActivity(engine.core.db, filter, before, limit ?? 100),
      'activity.csv': ({ filter }) => ({ csv: activityCsv(listActivity(engine.core.db, filter, undefined, 100_000), { group: (id) => engine.group(id)?.name ?? id, account: accountName }) }),
      'settings.get': () => this.settings(),
      'settings.set': (change) => {
        const next = { ...this.storedSettings(), ...change };
        engine.core.config.setSetting('ui', next);
        return this.settings();
      },
    };
  }

  private storedSettings(): Omit<SettingsView, 'dataFolder' | 'logFolder'> {
    const stored = this.deps.engine.core.config.setting('ui');
    return { ...DEFAULT_SETTINGS, ...(typeof stored === 'object' && stored !== null ? (stored as Partial<SettingsView>) : {}) };
  }

  private settings(): SettingsView {
    return { ...this.storedSettings(), dataFolder: this.deps.dataFolder, logFolder: this.deps.logFolder };
  }

  private async snapshot(): Promise<SnapshotView> {
    const { engine } = this.deps;
    const core = engine.core;
    const rows = core.config.connections();
    await Promise.all(
      rows.filter((r) => !this.secretKnown.has(r.id)).map(async (r) => this.secretKnown.set(r.id, r.broker === 'paper' || (await this.deps.secrets.has(r.id).catch(() => false)))),
    );
    const keychain = await this.deps.secrets.status();
    return {
      info: { ...this.deps.info, keychain, recoveredFrom: engine.recoveredFrom, ...(this.deps.signInAvailability ? { tradovateSignIn: this.deps.signInAvailability() } : {}) },
      connections: connectionViews(core, (id) => this.secretKnown.get(id) ?? false).map((c) => ({ ...c, latency: this.deps.latency.viewOf(c.accountIds) })),
      accounts: accountViews(core, (a) => this.deps.latency.view(a)),
      groups: groupViews(core),
      locks: core.risk.locks().map(lockView),
      risk: riskViews(core, (id) => {
        const p = this.deps.presets.list().find((x) => x.id === id);
        return p ? `${p.firm} ${p.name}` : undefined;
      }),
      settings: this.settings(),
    };
  }

  // ---- events ---------------------------------------------------------------------------------

  private onEngineEvent(e: EngineEvent): void {
    if (e.t === 'copyLatency') {
      this.deps.latency.record(e.accountId, e.sentMs, e.ackMs);
      return;
    }
    const row = rowFromEvent(e, ++this.eventSeq);
    if (row) this.emit({ type: 'activity', row });
    const alert = alertFor(e, (id) => this.deps.engine.core.accounts.get(id)?.name ?? this.deps.engine.core.config.connections().find((c) => c.id === id)?.name ?? id);
    if (alert) this.emit(alert);
    switch (e.t) {
      case 'intent':
      case 'position':
        this.changed('accounts', 'groups');
        return;
      case 'groupStatus':
      case 'groupsChanged':
      case 'quarantine':
      case 'outOfSync':
        this.changed('groups', 'accounts');
        return;
      case 'connection':
        this.changed('connections', 'accounts');
        return;
      case 'lock':
      case 'riskUnknown':
      case 'risk':
        this.changed('risk', 'locks', 'accounts');
        return;
      default:
        return;
    }
  }

  /** Coalesces change notices: the UI re-reads once per burst, not once per fill. */
  private changed(...scopes: ('connections' | 'accounts' | 'groups' | 'risk' | 'locks')[]): void {
    for (const s of scopes) this.pendingScopes.add(s);
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      const list = [...this.pendingScopes];
      this.pendingScopes = new Set();
      if (list.length) this.emit({ type: 'changed', scopes: list });
    }, 50);
  }

  private emit(e: ApiEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        this.deps.log.warn('api listener threw', { error: String(err) });
      }
    }
  }
}

/** `name` gives an account's or connection's display name: the trader never reads an id. */
function alertFor(e: EngineEvent, name: (id: string) => string): ApiEvent | undefined {
  switch (e.t) {
    case 'lock':
      return e.on ? { type: 'alert', level: e.kind === 'breach' ? 'critical' : 'warning', topic: 'lock', title: `${name(e.accountId)} locked`, body: `${e.rule} ${e.kind === 'breach' ? 'breached: positions flattened, copying stopped until you unlock it' : 'reached: no new entries today'}` } : undefined;
    case 'quarantine':
      return e.on ? { type: 'alert', level: 'warning', topic: 'quarantine', title: `${name(e.accountId)}: ${e.root} quarantined`, body: e.reason } : undefined;
    case 'outOfSync':
      return e.on ? { type: 'alert', level: 'warning', topic: 'outOfSync', title: `${name(e.accountId)}: ${e.root} out of sync`, body: e.detail } : undefined;
    case 'connection':
      if (e.status.state === 'reconnecting' && e.status.attempt === 1) return { type: 'alert', level: 'warning', topic: 'connection', title: `Connection lost: ${name(e.connectionId)}`, body: e.status.reason };
      if (e.status.state === 'failed') return { type: 'alert', level: 'critical', topic: 'connection', title: `Connection failed: ${name(e.connectionId)}`, body: e.status.reason };
      return undefined;
    case 'rejection':
      return { type: 'alert', level: 'warning', topic: 'rejection', title: `${name(e.accountId)}: order rejected`, body: e.reason };
    default:
      return undefined;
  }
}

function refused(field: string, message: string): ApiError {
  return { kind: 'refused', message: field ? `${field}: ${message}` : message, issues: [{ field, message }] };
}

function toApiError(err: unknown, log: Logger, cmd: string): ApiError {
  if (err instanceof Refusal) return { kind: 'refused', message: err.message, issues: err.issues };
  if (err instanceof ZodError) {
    const issues = err.issues.map((i) => ({ field: i.path.map(String).join('.'), message: i.message }));
    return { kind: 'refused', message: issues.map((i) => (i.field ? `${i.field}: ${i.message}` : i.message)).join('; '), issues };
  }
  const message = err instanceof Error ? err.message : String(err);
  log.warn('api command failed', { cmd, error: message });
  return { kind: 'failed', message, issues: [] };
}

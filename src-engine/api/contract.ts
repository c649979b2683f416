/**
 * THE contract between the engine and everything that talks to it (preload, renderer, headless
 * host): every command's name, its request schema (checked at runtime on the engine side) and its
 * result type, the push events, and the wire envelope. Types vanish at runtime; the schemas do not.
 *
 * Imports nothing else of the engine.
 */
import { z } from 'zod';
import { GroupInput, RiskRulesInput, Root } from './config';
import type { ActivityRow, LockEvidenceView, PresetView, SaveImpactView, SettingsView, SnapshotView } from './views';

const Id = z.string().min(1).max(200);
const Empty = z.strictObject({});
const BrokerKindSchema = z.enum(['paper', 'tradovate', 'projectx']);
const Setting = z.string().max(2000);
const RemovalChoice = z.enum(['flatten', 'keep']);

export const ActivityFilter = z.strictObject({
  groupId: Id.optional(),
  accountId: Id.optional(),
  root: Root.optional(),
  kinds: z.array(z.enum(['order', 'skip', 'rejection', 'lock', 'quarantine', 'outOfSync', 'control', 'connection', 'info', 'leaderFill', 'user'])).optional(),
});
export type ActivityFilter = z.infer<typeof ActivityFilter>;

export const Commands = {
  'state.get': Empty,

  'connections.add': z.strictObject({ broker: BrokerKindSchema, name: z.string().trim().min(1).max(64), settings: z.record(z.string(), Setting) }),
  'connections.update': z.strictObject({ id: Id, name: z.string().trim().min(1).max(64).optional(), settings: z.record(z.string(), Setting).optional() }),
  'connections.remove': z.strictObject({ id: Id }),
  /** Secrets go in and never come out. */
  'connections.setSecret': z.strictObject({ id: Id, secret: z.record(z.string(), z.string().min(1).max(8192)) }),
  'connections.clearSecret': z.strictObject({ id: Id }),
  'connections.reconnect': z.strictObject({ id: Id }),
  /**
   * Sign in with Tradovate: a new connection (`name`, `settings` without the API key's fields) or
   * a new sign-in for connection `connectionId`. Answers the address of Tradovate's sign-in page
   * to open; the outcome comes later as a `signIn` event.
   */
  'connections.signIn': z.strictObject({ connectionId: Id.optional(), name: z.string().max(64).optional(), settings: z.record(z.string(), Setting).optional() }),
  'connections.signInCancel': z.strictObject({ signInId: Id }),

  /**
   * `removed`: what happens to removed followers' positions and working orders (flatten now, or
   * keep them, managed by hand). `resize`: a sizing change that resizes an open position applies
   * now or from the next entry. Ask `groups.impact` first; absent, positions are kept and a new
   * ratio reaches the open position with the leader's next fill.
   */
  'groups.save': z.strictObject({ id: Id.optional(), group: GroupInput, removed: RemovalChoice.optional(), resize: z.enum(['now', 'nextEntry']).optional() }),
  'groups.delete': z.strictObject({ id: Id, removed: RemovalChoice.optional() }),
  /** What saving `group` over group `id` (or deleting it, `group` absent) would leave open or resize. */
  // Without id: a new group's save (nothing to leave open; its logins' capacity).
  'groups.impact': z.strictObject({ id: Id.optional(), group: GroupInput.optional() }),
  'groups.setSync': z.strictObject({ group: Id, account: Id, root: Root, on: z.boolean() }),
  'groups.setMasterSync': z.strictObject({ group: Id, root: Root, on: z.boolean() }),

  'controls.pause': z.strictObject({ group: Id }),
  'controls.resume': z.strictObject({ group: Id }),
  'controls.pauseAll': Empty,
  'controls.resumeAll': Empty,
  'controls.flattenAll': z.strictObject({ group: Id }),
  'controls.cancelOrders': z.strictObject({ group: Id }),
  'controls.flattenPosition': z.strictObject({ account: Id, root: Root }),
  'controls.sync': z.strictObject({ account: Id, root: Root }),
  'controls.emergencyStop': Empty,
  'controls.releaseQuarantine': z.strictObject({ account: Id, root: Root.optional() }),

  'risk.setRules': z.strictObject({ account: Id, rules: RiskRulesInput }),
  'risk.presets': Empty,
  'risk.applyPreset': z.strictObject({ account: Id, preset: Id }),
  'risk.lock': z.strictObject({ lockId: Id }),
  /** The acknowledgement must be the account's name, typed by the user. */
  'risk.unlock': z.strictObject({ account: Id, acknowledgement: z.string().min(1).max(200), lockId: Id.optional() }),

  'activity.list': z.strictObject({ filter: ActivityFilter.optional(), before: z.number().int().optional(), limit: z.number().int().min(1).max(1000).optional() }),
  'activity.csv': z.strictObject({ filter: ActivityFilter.optional() }),

  'settings.get': Empty,
  'settings.set': z.strictObject({
    startWithOs: z.boolean().optional(),
    startPaused: z.boolean().optional(),
    soundOnLock: z.boolean().optional(),
    notifyOnLock: z.boolean().optional(),
    notifyOnRejection: z.boolean().optional(),
  }),
} as const;

export type CommandName = keyof typeof Commands;
export type CommandRequest<N extends CommandName> = z.infer<(typeof Commands)[N]>;

export interface CommandResults {
  'state.get': SnapshotView;
  'connections.add': { readonly id: string };
  'connections.update': Record<string, never>;
  'connections.remove': Record<string, never>;
  'connections.setSecret': { readonly hasSecret: true };
  'connections.clearSecret': { readonly hasSecret: false };
  'connections.reconnect': Record<string, never>;
  'connections.signIn': { readonly signInId: string; readonly authorizeUrl: string; readonly expiresAt: number };
  'connections.signInCancel': Record<string, never>;
  'groups.save': { readonly id: string };
  'groups.delete': Record<string, never>;
  'groups.impact': SaveImpactView;
  'groups.setSync': Record<string, never>;
  'groups.setMasterSync': Record<string, never>;
  'controls.pause': Record<string, never>;
  'controls.resume': Record<string, never>;
  'controls.pauseAll': Record<string, never>;
  'controls.resumeAll': Record<string, never>;
  'controls.flattenAll': Record<string, never>;
  'controls.cancelOrders': Record<string, never>;
  'controls.flattenPosition': Record<string, never>;
  'controls.sync': Record<string, never>;
  'controls.emergencyStop': Record<string, never>;
  'controls.releaseQuarantine': Record<string, never>;
  'risk.setRules': Record<string, never>;
  'risk.presets': readonly PresetView[];
  'risk.applyPreset': Record<string, never>;
  'risk.lock': LockEvidenceView;
  'risk.unlock': Record<string, never>;
  'activity.list': readonly ActivityRow[];
  'activity.csv': { readonly csv: string };
  'settings.get': SettingsView;
  'settings.set': SettingsView;
}
export type CommandResult<N extends CommandName> = CommandResults[N];

/** A refusal names the field it is about, so a form can show it next to that field. */
export interface ApiIssue {
  readonly field: string;
  readonly message: string;
}

export interface ApiError {
  readonly message: string;
  readonly issues: readonly ApiIssue[];
  /** 'refused': bad input or a rule (nothing changed). 'failed': the engine could not do it. */
  readonly kind: 'refused' | 'failed';
}

/** Things the UI should know now; it re-reads the snapshot for `changed`. */
export type ApiEvent =
  | { readonly type: 'changed'; readonly scopes: readonly ('connections' | 'accounts' | 'groups' | 'risk' | 'locks')[] }
  | { readonly type: 'activity'; readonly row: ActivityRow }
  | { readonly type: 'alert'; readonly level: 'info' | 'warning' | 'critical'; readonly title: string; readonly body: string; readonly topic: 'lock' | 'quarantine' | 'outOfSync' | 'connection' | 'rejection' | 'engine' }
  /** How a Sign in with Tradovate ended (connected, or why not, in the trader's words). */
  | { readonly type: 'signIn'; readonly signInId: string; readonly outcome: 'connected' | 'failed'; readonly connectionId?: string | undefined; readonly failure?: string | undefined; readonly message: string }
  /** Desktop only: the engine process itself (starting, running, restarting in N s, crashed). */
  | { readonly type: 'engine'; readonly engine: EngineProcessState };

// ---- the wire envelope (MessagePort under Electron, WebSocket under serve) --------------------

export const RequestEnvelope = z.strictObject({
  id: z.number().int().nonnegative(),
  cmd: z.string().min(1).max(100),
  args: z.unknown(),
});
export type RequestEnvelope = z.infer<typeof RequestEnvelope>;

export type ResponseEnvelope =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly id: number; readonly ok: false; readonly error: ApiError };

export type ServerMessage = ResponseEnvelope | { readonly event: ApiEvent };

export function isCommandName(name: string): name is CommandName {
  return Object.prototype.hasOwnProperty.call(Commands, name);
}

/** The verbs object the preload exposes and the renderer's client implements (checked with `satisfies`). */
export type MirrorfillApi = {
  readonly invoke: <N extends CommandName>(cmd: N, args: CommandRequest<N>) => Promise<CommandResult<N>>;
  readonly onEvent: (listener: (e: ApiEvent) => void) => () => void;
};

// ---- the desktop host (Electron only) -----------------------------------------------------------

/**
 * The engine's utility process as the desktop app's supervisor sees it. Main sends it to the
 * preload, which delivers it as the `engine` ApiEvent; the headless hosts never send it.
 */
export type EngineProcessState =
  | { readonly state: 'starting'; readonly attempt: number }
  | { readonly state: 'running'; readonly since: number; readonly mode: 'live' | 'demo' }
  /** Crashed and coming back by itself at `retryAt` (epoch ms): "restarting in N s". */
  | { readonly state: 'restarting'; readonly attempt: number; readonly retryAt: number; readonly reason: string }
  /** Crashed too often in a row: main stopped retrying until the user restarts it from the tray. */
  | { readonly state: 'crashed'; readonly reason: string }
  | { readonly state: 'stopping' };

/**
 * Main → the engine's utility process, over Electron's `parentPort` (not an API port). A `port`
 * message carries one MessagePort in its transfer list; the engine serves the API on it.
 */
export const HostCommand = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('port'), role: z.enum(['main', 'window']) }),
  z.strictObject({ type: z.literal('shutdown') }),
]);
export type HostCommand = z.infer<typeof HostCommand>;

/** The engine's utility process → main, over `parentPort`. */
export type HostReport =
  /** The API is served (ports welcome); the brokers may still be connecting. */
  | { readonly type: 'ready'; readonly mode: 'live' | 'demo'; readonly settings: SettingsView }
  /** Settings changed through some port: main applies what it owns (start with the OS). */
  | { readonly type: 'settings'; readonly settings: SettingsView }
  /**
   * Why the engine is about to exit unexpectedly, in plain words (shown as the crash reason).
   * `permanent`: starting it again cannot help (a native module built for another runtime), so main
   * does not restart it and shows the message once.
   */
  | { readonly type: 'fatal'; readonly message: string; readonly permanent?: boolean }
  /** Shutdown finished: the database is closed; the process exits next. */
  | { readonly type: 'stopped' };

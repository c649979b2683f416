/**
 * The engine's entry in the desktop app. Electron's main process starts this file as a utility
 * process (`utilityProcess.fork(entry, ['--data-dir', userData, '--demo', 'auto'|'on'|'off'])`).
 *
 * Two kinds of channel:
 *  - `process.parentPort` carries main's control messages (HostCommand: here is a port, shut down)
 *    and this process's reports (HostReport: ready, settings changed, fatal, stopped);
 *  - every MessagePort main hands over (one for main itself, one per window load) carries the API
 *    envelope, served here directly: main is not a relay between the window and the engine.
 *
 * This is the one engine file that knows Electron exists: it reads `process.parentPort`. Its
 * Electron imports are types only, so under plain Node (the tests) nothing of Electron loads and
 * the entry at the bottom does not run.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { MessagePort as NodeMessagePort } from 'node:worker_threads';
import type { ParentPort } from 'electron';
import { HostCommand, type ApiError, type HostReport, type ResponseEnvelope, type ServerMessage } from '../api/contract';
import type { SettingsView } from '../api/views';
import { SystemClock, type Clock } from '../domain/clock';
import { Catalog } from '../domain/instruments';
import { createLogger, redactText, stderrSink } from '../domain/log';
import { DemoSecretStore } from '../secrets/demoSecretStore';
import { EnvBackedSecretStore } from '../secrets/envSecretStore';
import { KeytarSecretStore } from '../secrets/keytarStore';
import type { SecretStore } from '../secrets/secretStore';
import { openAppHost, type AppHost } from './appHost';
import { guardLibraryRejections, wasUnhandledRejection } from './libraryRejections';
import { checkNativeModules } from './nativeModules';
import { useSqliteBinding } from '../store/sqliteBinding';
import { seedDemo, startDemoWorld, type DemoWorld, demoBrokers } from './demo';
import type { ApiHandler } from './headlessServer';

// ---- one API port -------------------------------------------------------------------------------

/** A port the API is served on, whatever its kind (Electron's MessagePortMain, Node's worker port). */
export interface ApiPort {
  post(message: ServerMessage): void;
  onMessage(listener: (data: unknown) => void): void;
  onClose(listener: () => void): void;
  start(): void;
  close(): void;
}

/** The part of Electron's MessagePortMain used here (its `message` listener gets an event). */
export interface MainPortLike {
  on(event: 'message', listener: (e: { readonly data: unknown }) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  postMessage(message: unknown): void;
  start(): void;
  close(): void;
}

export function mainPortApiPort(port: MainPortLike): ApiPort {
  return {
    post: (m) => port.postMessage(m),
    onMessage: (l) => port.on('message', (e) => l(e.data)),
    onClose: (l) => port.on('close', l),
    start: () => port.start(),
    close: () => port.close(),
  };
}

/** Node's worker_threads port (its `message` listener gets the data itself): tests and Node hosts. */
export function nodeApiPort(port: NodeMessagePort): ApiPort {
  return {
    post: (m) => port.postMessage(m),
    onMessage: (l) => port.on('message', l),
    onClose: (l) => port.on('close', l),
    start: () => port.start(),
    close: () => port.close(),
  };
}

export interface ServeHooks {
  /** After a `settings.set` succeeded on this port: main applies what it owns (start with the OS). */
  readonly onSettingsChanged?: (settings: SettingsView) => void;
}

/**
 * Serves the API on one port until the port closes: each request (a structured-cloned envelope,
 * or its JSON text) gets its response; every engine event is posted as `{event}`. Returns a
 * function that stops serving and closes the port.
 */
export function servePort(port: ApiPort, api: ApiHandler, hooks: ServeHooks = {}): () => void {
  let open = true;
  const stop = (): void => {
    if (!open) return;
    open = false;
    detachEvents();
  };
  const post = (m: ServerMessage): void => {
    if (!open) return;
    try {
      port.post(m);
    } catch {
      // The other end is gone (a window closed mid-answer): nothing left to tell.
      stop();
    }
  };
  const detachEvents = api.onEvent((event) => post({ event }));
  port.onMessage((data) => {
    if (!open) return;
    void answer(api, data).then((response) => {
      if (!response) return;
      post(response);
      if (response.ok && commandOf(data) === 'settings.set') hooks.onSettingsChanged?.(response.result as SettingsView);
    });
  });
  port.onClose(stop);
  port.start();
  return () => {
    stop();
    port.close();
  };
}

async function answer(api: ApiHandler, data: unknown): Promise<ResponseEnvelope | undefined> {
  let raw: string | undefined;
  try {
    // The engine validates text, as it does for the WebSocket; a cloned object is turned back into it.
    raw = typeof data === 'string' ? data : JSON.stringify(data);
  } catch {
    raw = undefined; // BigInt, cycles: not an envelope
  }
  if (raw === undefined) return { id: idOf(data), ok: false, error: failed('a request is {id, cmd, args} as JSON-compatible data', 'refused') };
  try {
    return await api.handle(raw);
  } catch (err) {
    // handle() does not throw by contract; if it ever does, the caller still gets an answer.
    return { id: idOf(data), ok: false, error: failed(err instanceof Error ? err.message : String(err), 'failed') };
  }
}

function failed(message: string, kind: ApiError['kind']): ApiError {
  return { kind, message, issues: [] };
}

function idOf(data: unknown): number {
  const id = typeof data === 'object' && data !== null ? (data as { id?: unknown }).id : undefined;
  return typeof id === 'number' ? id : -1;
}

function commandOf(data: unknown): string | undefined {
  if (typeof data === 'string') {
    try {
      return commandOf(JSON.parse(data));
    } catch {
      return undefined;
    }
  }
  const cmd = typeof data === 'object' && data !== null ? (data as { cmd?: unknown }).cmd : undefined;
  return typeof cmd === 'string' ? cmd : undefined;
}

// ---- the utility process ------------------------------------------------------------------------

export type DemoChoice = 'auto' | 'on' | 'off';

export interface UtilityHostOptions {
  /** Electron's `app.getPath('userData')`, given by main. */
  readonly dataDir: string;
  /**
   * 'auto': the demo world runs when the user's data has no connection yet (a newcomer sees copying
   * within seconds); 'on': always (`--demo`); 'off': never (the user left the demo).
   */
  readonly demo: DemoChoice;
  /** Tests: a secret store that does not touch the OS keychain. */
  readonly secrets?: SecretStore;
  readonly clock?: Clock;
  /** How often the demo leader trades. */
  readonly leaderEveryMs?: number;
  /** How long shutdown waits for a connect in progress before closing anyway. */
  readonly startSettleMs?: number;
}

export interface HostArgs extends Pick<UtilityHostOptions, 'dataDir' | 'demo'> {
  /** Development runs: the folder of native builds per runtime ABI (nativeModules.ts). */
  readonly nativeDir?: string;
}

/** `--data-dir DIR --demo auto|on|off [--native-dir DIR]`; other arguments (Electron's own) are ignored. */
export function parseHostArgs(argv: readonly string[]): HostArgs {
  const value = (name: string): string | undefined => {
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i] ?? '';
      if (a === `--${name}`) return argv[i + 1];
      if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
    }
    return undefined;
  };
  const dataDir = value('data-dir');
  if (dataDir === undefined || dataDir === '') throw new Error('the engine needs --data-dir (main passes Electron userData)');
  const demo = value('demo') ?? 'auto';
  if (demo !== 'auto' && demo !== 'on' && demo !== 'off') throw new Error(`--demo must be auto, on or off, got "${demo}"`);
  const nativeDir = value('native-dir');
  return nativeDir === undefined || nativeDir === '' ? { dataDir, demo } : { dataDir, demo, nativeDir };
}

/** Electron's ParentPort, as far as this file uses it. */
export interface ParentPortLike {
  on(event: 'message', listener: (e: { readonly data: unknown; readonly ports: readonly MainPortLike[] }) => void): unknown;
  postMessage(message: HostReport): void;
}

export interface UtilityHost {
  /** Resolves once the API is served; rejects when the engine could not open (the report says why). */
  readonly ready: Promise<{ readonly mode: 'live' | 'demo'; readonly app: AppHost }>;
  /** Resolves when a shutdown has finished (database closed, simulators stopped). */
  readonly closed: Promise<void>;
  shutdown(): Promise<void>;
}

interface Opened {
  readonly mode: 'live' | 'demo';
  readonly app: AppHost;
  readonly world: DemoWorld | undefined;
}

export function startUtilityHost(parent: ParentPortLike, opts: UtilityHostOptions): UtilityHost {
  const served = new Set<() => void>();
  const early: MainPortLike[] = [];
  let opened: Opened | undefined;
  let started: Promise<void> = Promise.resolve();
  let closing: Promise<void> | undefined;
  let markClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => (markClosed = resolve));

  const serve = (p: MainPortLike): void => {
    if (closing) return p.close();
    if (!opened) {
      early.push(p);
      return;
    }
    const stop = servePort(mainPortApiPort(p), opened.app.api, {
      onSettingsChanged: (settings) => parent.postMessage({ type: 'settings', settings }),
    });
    served.add(stop);
  };

  const shutdown = (): Promise<void> => {
    closing ??= (async () => {
      try {
        await ready.catch(() => undefined);
        // A connect in progress is given a moment; main kills the process if shutdown takes too long.
        await Promise.race([started.catch(() => undefined), delay(opts.startSettleMs ?? 3000)]);
        for (const stop of served) stop();
        served.clear();
        await opened?.app.close();
        await opened?.world?.stop();
        parent.postMessage({ type: 'stopped' });
      } finally {
        markClosed();
      }
    })();
    return closing;
  };

  parent.on('message', (e) => {
    const cmd = HostCommand.safeParse(e.data);
    if (!cmd.success) return; // main speaks this protocol; anything else is not for us
    if (cmd.data.type === 'shutdown') void shutdown();
    else for (const p of e.ports) serve(p);
  });

  const ready = (async () => {
    const o = await openEngine(opts);
    if (closing) {
      // A shutdown that arrived while opening still closes what was opened.
      opened = o;
      return o;
    }
    const settings = await o.app.api.invoke('settings.get', {});
    // Paused before the first connection comes up: not one leader fill is copied in between.
    if (settings.startPaused) o.app.engine.pauseAll();
    opened = o;
    for (const p of early.splice(0)) serve(p);
    parent.postMessage({ type: 'ready', mode: o.mode, settings });
    started = o.app.engine.start().then(() => {
      if (o.world && !closing) o.world.startLeader(opts.leaderEveryMs ?? 3000);
    });
    started.catch((err: unknown) => o.app.log.error('engine start failed', { error: String(err) }));
    return { mode: o.mode, app: o.app };
  })();
  ready.catch((err: unknown) => parent.postMessage({ type: 'fatal', message: `The engine could not open its data: ${err instanceof Error ? err.message : String(err)}` }));

  return { ready, closed, shutdown };
}

async function openEngine(opts: UtilityHostOptions): Promise<Opened> {
  const clock = opts.clock ?? new SystemClock();
  const secrets = opts.secrets ?? new EnvBackedSecretStore(new KeytarSecretStore());
  if (opts.demo !== 'on') {
    const live = openAppHost({ dataDir: opts.dataDir, host: 'desktop', clock, secrets });
    if (opts.demo === 'off' || live.engine.core.config.connections().length > 0) return { mode: 'live', app: live, world: undefined };
    await live.close();
  }
  // The demo's data is throw-away (app.md) and lives beside, never inside, the user's own database:
  // its simulators listen on fresh ports each start, so yesterday's demo connections are useless.
  const demoDir = join(opts.dataDir, 'demo');
  rmSync(demoDir, { recursive: true, force: true });
  const world = await startDemoWorld(Catalog.load(), clock);
  try {
    const app = openAppHost({ dataDir: demoDir, host: 'demo', clock, secrets: new DemoSecretStore(secrets, world.secrets), paper: world.paper, demo: demoBrokers(world) });
    await seedDemo(app.engine, world);
    return { mode: 'demo', app, world };
  } catch (err) {
    await world.stop();
    throw err;
  }
}

// ---- dying with a reason ------------------------------------------------------------------------

/** The process events this file listens to (the process itself, or a stand-in in tests). */
export interface FatalSource {
  on(event: 'uncaughtException', listener: (err: unknown, origin: string) => void): unknown;
}

export interface FatalHooks {
  /** Writes the engine's queued log lines synchronously (the app host's, once it is open). */
  readonly flushLog?: () => void;
  readonly exit: (code: number) => void;
  /** How long the report is given to reach main before the process exits. */
  readonly graceMs?: number;
}

/**
 * An uncaught exception (or an unhandled rejection, which the rejection guard turns into one) ends
 * the engine as Node would, but first tells main why: main shows it as the crash reason and logs
 * it, instead of only "the engine exited with code 1". The reason is scrubbed like a log line.
 */
export function reportFatalErrors(proc: FatalSource, parent: Pick<ParentPortLike, 'postMessage'>, hooks: FatalHooks): void {
  let dying = false;
  proc.on('uncaughtException', (err, origin) => {
    if (dying) return hooks.exit(1); // failing again while reporting: no second report
    dying = true;
    const what = origin === 'unhandledRejection' || wasUnhandledRejection(err) ? 'an unhandled promise rejection' : 'an unexpected error';
    const detail = err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(err);
    const message = redactText(`The engine stopped on ${what}: ${detail}`);
    try {
      parent.postMessage({ type: 'fatal', message });
    } catch {
      // Main is gone: nobody to tell; the exit code still says it.
    }
    try {
      process.stderr.write(`${message}\n`);
      hooks.flushLog?.();
    } catch {
      // Best effort on the way out.
    }
    setTimeout(() => hooks.exit(1), hooks.graceMs ?? 200);
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

// ---- the process ---------------------------------------------------------------------------------

/** Exit code of an engine that cannot load a native module: main does not restart it. */
export const EXIT_NATIVE_MODULE = 78;

export interface EngineProcessEnv {
  readonly argv: readonly string[];
  readonly exit: (code: number) => void;
  /** Tests: what the host is given besides its arguments (a secret store, the demo leader's pace). */
  readonly host?: Omit<UtilityHostOptions, 'dataDir' | 'demo'>;
}

/**
 * Everything the engine's process does from its first line: its arguments, the native modules
 * (checked before anything is opened, so a wrong build writes nothing), then the host. Electron's
 * utility process runs it with its parentPort; the stand-in runtime test with one over Node's IPC.
 * Returns undefined when the process is on its way out.
 */
export function runEngineProcess(parent: ParentPortLike, env: EngineProcessEnv): UtilityHost | undefined {
  guardLibraryRejections(createLogger(stderrSink, 'engine.host', 'warn'));
  let app: AppHost | undefined;
  reportFatalErrors(process, parent, { flushLog: () => app?.flushLogSync(), exit: env.exit });
  let args: HostArgs;
  try {
    args = parseHostArgs(env.argv);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    dieWith(parent, env, { type: 'fatal', message, permanent: true }, 1);
    return undefined;
  }
  const native = checkNativeModules({ nativeDir: args.nativeDir });
  if (!native.ok) {
    dieWith(parent, env, { type: 'fatal', message: native.failure.message, permanent: true }, EXIT_NATIVE_MODULE);
    return undefined;
  }
  for (const w of native.warnings) process.stderr.write(`mirrorfill engine: ${w}\n`);
  useSqliteBinding(native.sqliteBinding);
  const host = startUtilityHost(parent, { ...env.host, dataDir: args.dataDir, demo: args.demo });
  // A failed open was reported (fatal); exiting lets main's supervisor restart with backoff.
  host.ready.then(
    (r) => (app = r.app),
    () => env.exit(1),
  );
  void host.closed.then(() => env.exit(0));
  return host;
}

/** Reports, writes the reason to stderr (main's log), and exits once the report had a moment to leave. */
function dieWith(parent: Pick<ParentPortLike, 'postMessage'>, env: Pick<EngineProcessEnv, 'exit'>, report: HostReport & { type: 'fatal' }, code: number): void {
  try {
    parent.postMessage(report);
  } catch {
    // Main is gone: the exit code and stderr still say it.
  }
  process.stderr.write(`mirrorfill engine: ${report.message}\n`);
  setTimeout(() => env.exit(code), 200);
}

// ---- entry (only inside Electron's utility process) ---------------------------------------------

// Electron's types declare `process.parentPort` always present; under plain Node it is undefined.
const parentPort = (process as { parentPort?: ParentPort }).parentPort;
if (parentPort) runEngineProcess(parentPort, { argv: process.argv, exit: (code) => process.exit(code) });

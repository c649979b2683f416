/**
 * Assembles the running app around the engine: data folder, log file, keychain, engine, API.
 * The same assembly serves `serve`, `demo` and the desktop utility process.
 */
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Catalog } from '../domain/instruments';
import { SystemClock, type Clock } from '../domain/clock';
import { createLogger, stderrSink, type Logger, type LogSink } from '../domain/log';
import { Engine } from '../runtime/engine';
import { createRiskEngine } from '../runtime/createRiskEngine';
import { applyPreset, listPresets } from '../risk/presets';
import type { SecretStore } from '../secrets/secretStore';
import { EnvBackedSecretStore } from '../secrets/envSecretStore';
import { KeytarSecretStore } from '../secrets/keytarStore';
import type { PaperSim } from '../brokers/paper/paperBroker';
import { checkConnectionSettings, connectionFactory } from './connectionFactory';
import { EngineApi } from './engineApi';
import { LatencyBook } from './latencyBook';
import { RotatingLogFile } from './rotatingLogFile';
import type { DemoBrokersView } from '../api/views';
import { findOAuthClient, type OAuthClientLookup } from '../brokers/tradovate/oauth/oauthClient';
import { loopbackRedirect } from './loopbackRedirect';
import { TradovateSignIns } from './tradovateSignIn';

export const VERSION = '0.1.0';

/** engine.log plus 5 rotated files of 10 MB: at most 60 MB of logs, days of a busy session. */
const LOG_MAX_BYTES = 10 * 1024 * 1024;
const LOG_KEEP = 5;

/** The per-user data folder, as the desktop app (Electron's userData) would place it. */
export function defaultDataDir(): string {
  const home = homedir();
  if (process.platform === 'darwin') return join(home, 'Library', 'Application Support', 'Mirrorfill');
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Mirrorfill');
  return join(process.env.XDG_DATA_HOME ?? join(home, '.local', 'share'), 'Mirrorfill');
}

export interface AppHostOptions {
  readonly dataDir: string;
  readonly host: 'desktop' | 'serve' | 'demo' | 'test';
  readonly clock?: Clock;
  readonly secrets?: SecretStore;
  readonly paper?: PaperSim;
  /** The demo's simulated brokers, offered by Add connection. */
  readonly demo?: DemoBrokersView;
  /** Also echo the log to stderr. */
  readonly logToStderr?: boolean;
  /** The OAuth client for Sign in with Tradovate; default: environment, then the data folder's file. */
  readonly oauthClient?: () => OAuthClientLookup;
}

export interface AppHost {
  readonly engine: Engine;
  readonly api: EngineApi;
  readonly log: Logger;
  readonly catalog: Catalog;
  readonly secrets: SecretStore;
  readonly signIns: TradovateSignIns;
  /** Writes the log lines still queued, synchronously: for a process about to exit on an error. */
  flushLogSync(): void;
  close(): Promise<void>;
}

export function openAppHost(opts: AppHostOptions): AppHost {
  const logDir = join(opts.dataDir, 'logs');
  // Only the user reads the logs (the database's own folder and files are the store's to protect).
  // The trader's accounts, journal and logs: the folder is the owner's alone (0700) when created here.
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  mkdirSync(logDir, { recursive: true, mode: 0o700 });
  const logFile = join(logDir, 'engine.log');
  const file = new RotatingLogFile({
    file: logFile,
    maxBytes: LOG_MAX_BYTES,
    keep: LOG_KEEP,
    // stderr reaches main's log (main.log) in the desktop app and the terminal under serve.
    onFailure: (err) => process.stderr.write(`mirrorfill: the engine log ${logFile} cannot be written (${err.message}); log lines are being dropped\n`),
  });
  const fileSink: LogSink = (line) => {
    file.write(JSON.stringify(line));
    // An error is what someone reads after a crash: it is on disk before the caller goes on.
    if (line.level === 'error') file.flushSync();
  };
  const sink: LogSink = opts.logToStderr ? (l) => (fileSink(l), stderrSink(l)) : fileSink;
  const log = createLogger(sink, 'engine');
  const catalog = Catalog.load();
  const clock = opts.clock ?? new SystemClock();
  const secrets = opts.secrets ?? new EnvBackedSecretStore(new KeytarSecretStore());
  const engine = Engine.open({
    dbPath: join(opts.dataDir, 'mirrorfill.db'),
    catalog,
    clock,
    log,
    connect: connectionFactory({ secrets, catalog, clock, log, ...(opts.paper ? { paper: opts.paper } : {}) }),
    createRisk: createRiskEngine,
  });
  if (engine.recoveredFrom !== undefined) log.error(engine.recoveredFrom);
  const oauthClient = opts.oauthClient ?? (() => findOAuthClient(process.env, opts.dataDir));
  // The API reports each sign-in's ending; it is created just below, and no sign-in ends before it exists.
  let onSignIn: ConstructorParameters<typeof TradovateSignIns>[0]['report'] = () => undefined;
  const signIns = new TradovateSignIns(
    { engine, secrets, clock, log: log.child('signin'), client: oauthClient, checkSettings: (s) => checkConnectionSettings('tradovate', s), report: (r) => onSignIn(r) },
    // The desktop app's redirect is a loopback listener of its own; serve and demo point it at their server.
    loopbackRedirect,
  );
  const api = new EngineApi({
    engine,
    secrets,
    log: log.child('api'),
    info: { version: VERSION, startedAt: Date.now(), host: opts.host, ...(opts.demo ? { demo: opts.demo } : {}) },
    latency: new LatencyBook(),
    checkConnectionSettings,
    presets: {
      list: () =>
        listPresets().map((p) => ({
          id: p.id, firm: p.firm, name: p.name, startBalance: p.startBalance, lastChecked: p.lastChecked, note: p.note,
          asOf: p.asOf, stale: p.stale, confidence: p.confidence, sources: p.sources, boughtFrom: p.boughtFrom, boughtBefore: p.boughtBefore, fees: p.rules.fees?.perSide,
        })),
      apply: (id) => applyPreset(id),
    },
    dataFolder: opts.dataDir,
    logFolder: logDir,
    signIns,
    signInAvailability: () => {
      const c = oauthClient();
      return c.client ? { available: true, detail: `OAuth client from ${c.client.source}` } : { available: false, detail: c.why };
    },
  });
  onSignIn = (r) => api.signInEnded(r);
  return {
    engine,
    api,
    log,
    catalog,
    secrets,
    signIns,
    flushLogSync: () => file.flushSync(),
    close: async () => {
      signIns.dispose();
      api.dispose();
      await engine.stop();
      await file.close();
    },
  };
}

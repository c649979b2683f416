/**
 * The engine's native modules, checked before anything is opened. better-sqlite3 talks to V8
 * directly, so its addon works only in the runtime ABI (NODE_MODULE_VERSION) it was built for:
 * npm builds it for the Node that ran `npm install`, while Electron has an ABI of its own. keytar is
 * an N-API addon (its package declares napi_versions), whose ABI is stable across runtimes.
 *
 * For a runtime other than the one npm built for, a build for that runtime's ABI is kept in a
 * per-ABI folder (`npm run native`, and `npm start` on its own); the installed app carries builds
 * that electron-builder made for its Electron. When better-sqlite3 cannot load, the engine says so
 * in one message naming the module, the ABI found and needed and the command that fixes it, and
 * stops before it has opened or written anything: no restart can fix a wrong build.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { nativeBuildDir, SQLITE_ADDON, SQLITE_MODULE } from '../api/nativeBuildLayout';

export interface Runtime {
  readonly kind: 'electron' | 'node';
  readonly version: string;
  /** NODE_MODULE_VERSION: which builds of a V8 addon this runtime can load. */
  readonly abi: string;
  readonly platform: string;
  readonly arch: string;
  readonly execPath: string;
}

export interface ProcessLike {
  readonly versions: Readonly<Record<string, string | undefined>>;
  readonly platform: string;
  readonly arch: string;
  readonly execPath: string;
}

export function runtimeOf(proc: ProcessLike = process): Runtime {
  const electron = proc.versions.electron;
  return {
    kind: electron !== undefined ? 'electron' : 'node',
    version: electron ?? proc.versions.node ?? 'unknown',
    abi: proc.versions.modules ?? 'unknown',
    platform: proc.platform,
    arch: proc.arch,
    execPath: proc.execPath,
  };
}

/** `electron-v150-linux-x64`: one folder per ABI a build can serve. */
export function runtimeName(r: Pick<Runtime, 'kind' | 'version'>): string {
  return `${r.kind === 'electron' ? 'Electron' : 'Node'} ${r.version}`;
}

/** Node's own words for a wrong build: "... using NODE_MODULE_VERSION 115. This version of Node.js requires NODE_MODULE_VERSION 127." */
export function abiMismatch(message: string): { readonly found: string; readonly needed: string } | undefined {
  const m = /NODE_MODULE_VERSION (\d+)\.[\s\S]*?requires\s+NODE_MODULE_VERSION (\d+)/.exec(message);
  return m?.[1] !== undefined && m[2] !== undefined ? { found: m[1], needed: m[2] } : undefined;
}

/**
 * The command that builds the module for this runtime. `development` is true when the app runs from
 * the repository (main passes its native folder); the installed app cannot rebuild itself.
 */
export function fixCommand(r: Pick<Runtime, 'kind' | 'execPath'>, development: boolean): string {
  if (!development) return r.kind === 'electron' ? 'reinstall Mirrorfill from its installer (its native modules do not match its Electron)' : `npm rebuild ${SQLITE_MODULE}`;
  return r.kind === 'electron' ? 'npm run native -- --electron' : `npm run native -- --node ${r.execPath}`;
}

export interface NativeFailure {
  readonly module: string;
  /** The ABI of the build that was found, when Node said so. */
  readonly found: string | undefined;
  readonly needed: string;
  readonly fix: string;
  /** One paragraph for the user: what, why, the fix, and that nothing was touched. */
  readonly message: string;
}

export function describeFailure(module: string, r: Runtime, error: string, fix: string): NativeFailure {
  const abi = abiMismatch(error);
  const found = abi?.found;
  const why = found !== undefined ? `its build is for NODE_MODULE_VERSION ${found}, but ${runtimeName(r)} needs NODE_MODULE_VERSION ${r.abi}` : `no build of it loads in ${runtimeName(r)} (NODE_MODULE_VERSION ${r.abi}): ${firstLine(error)}`;
  return {
    module,
    found,
    needed: r.abi,
    fix,
    message: `The engine cannot start: the native module ${module} does not load (${why}). Fix: ${fix}. Nothing was opened or written.`,
  };
}

function firstLine(text: string): string {
  return (text.split('\n').find((l) => l.trim() !== '') ?? text).trim();
}

export type NativeCheck =
  | { readonly ok: true; readonly sqliteBinding: string | undefined; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly failure: NativeFailure };

export interface NativeCheckOptions {
  /** The per-ABI folder of development runs; absent in the installed app. */
  readonly nativeDir: string | undefined;
  readonly runtime?: Runtime;
  /** Resolves the modules (this file's own require by default). */
  readonly require?: NodeJS.Require;
}

type SqliteCtor = new (file: string, options?: { nativeBinding?: string }) => { close(): void };

/**
 * Loads better-sqlite3's addon (the per-ABI build when the native folder has one, else the module's
 * own) by opening an in-memory database, and keytar. Writes nothing. keytar is not required: the
 * engine runs without a keychain (secrets from the environment), and its store reports why.
 */
export function checkNativeModules(opts: NativeCheckOptions): NativeCheck {
  const r = opts.runtime ?? runtimeOf();
  const req = opts.require ?? createRequire(import.meta.url);
  const fix = fixCommand(r, opts.nativeDir !== undefined);
  let binding: string | undefined;
  try {
    const version = (req(`${SQLITE_MODULE}/package.json`) as { version: string }).version;
    const candidate = opts.nativeDir === undefined ? undefined : join(nativeBuildDir(opts.nativeDir, SQLITE_MODULE, version, r), SQLITE_ADDON);
    binding = candidate !== undefined && existsSync(candidate) ? candidate : undefined;
    const Database = req(SQLITE_MODULE) as SqliteCtor;
    new Database(':memory:', binding === undefined ? {} : { nativeBinding: binding }).close();
  } catch (err) {
    return { ok: false, failure: describeFailure(SQLITE_MODULE, r, err instanceof Error ? err.message : String(err), fix) };
  }
  const warnings: string[] = [];
  try {
    req('keytar');
  } catch (err) {
    warnings.push(`keytar does not load in ${runtimeName(r)} (${firstLine(err instanceof Error ? err.message : String(err))}): secrets cannot be kept in the OS keychain`);
  }
  return { ok: true, sqliteBinding: binding, warnings };
}

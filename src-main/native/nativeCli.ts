/**
 * `npm run native -- --electron | --node PATH | --stand-in [--native-dir DIR]`: builds
 * better-sqlite3's addon for a runtime into its per-ABI folder (what the engine's start-up check
 * names as the fix).
 *   --electron   the Electron in node_modules (what `npm start` does by itself on first start)
 *   --node PATH  another Node distribution's binary (headers beside it)
 *   --stand-in   the tests' stand-in Node: fetched into the developer cache and built there
 *                (`.ci/setup` runs it; a failure is reported, not fatal: the test then skips and says why)
 */
import { join } from 'node:path';
import { REPO_ROOT } from '../build/desktopBundles';
import type { BuildTarget } from './buildPlan';
import { ensureSqliteBuild } from './nativeBuild';
import { developmentNativeDir, electronTarget, nodeTarget } from './runtimeTargets';
import { devCacheDir, ensureStandInRuntime } from './standInRuntime';

const say = (line: string): void => void process.stdout.write(`native: ${line}\n`);

function option(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

async function main(argv: readonly string[]): Promise<number> {
  const standIn = argv.includes('--stand-in');
  let target: BuildTarget;
  let nativeDir = option(argv, '--native-dir') ?? developmentNativeDir(REPO_ROOT);
  if (standIn) {
    const cache = devCacheDir();
    const rt = ensureStandInRuntime({ cacheDir: cache, download: true });
    if (!rt.ok) {
      say(`stand-in runtime not prepared (the test that needs it will skip): ${rt.reason}`);
      return 0;
    }
    target = nodeTarget(rt.node);
    nativeDir = option(argv, '--native-dir') ?? join(cache, 'native');
  } else if (argv.includes('--electron')) {
    target = electronTarget(REPO_ROOT);
  } else {
    const node = option(argv, '--node');
    if (node === undefined) {
      process.stderr.write('usage: npm run native -- --electron | --node PATH_TO_NODE | --stand-in [--native-dir DIR]\n');
      return 2;
    }
    target = nodeTarget(node);
  }
  const r = await ensureSqliteBuild({ root: REPO_ROOT, nativeDir, target, onStatus: say });
  if (r.ok) {
    say(`${r.built ? 'built' : 'already built'}: ${r.addon}`);
    return 0;
  }
  say(r.reason);
  return standIn ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`native: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);

/**
 * `npm start`: builds the renderer and the desktop bundles, then runs the app in Electron. The first
 * start fetches Electron's binary through its own installer (a status line, a time limit) and builds
 * better-sqlite3 for that Electron's ABI beside node_modules (node_modules keeps its Node build for
 * the tests). When either cannot be done it says why in one line and runs the headless demo instead
 * (`npm run demo`: the same engine and renderer, in the browser), so `npm start` always shows the app.
 *
 * Arguments after `--` go to the app (`npm start -- --demo`). Ctrl-C reaches the child directly
 * (same process group); this launcher waits for it to finish cleaning up and exits with its code.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build } from 'vite';
import { buildDesktopBundles, REPO_ROOT } from './build/desktopBundles';
import { findElectronBinary } from './electronBinary';
import { installElectron, installTimeoutMs } from './launcher/electronInstall';
import { fallbackLine, planLaunch } from './launcher/launchPlan';
import { ensureSqliteBuild } from './native/nativeBuild';
import { developmentNativeDir, electronTarget } from './native/runtimeTargets';

const say = (line: string): void => void process.stdout.write(`Mirrorfill: ${line}\n`);

async function launch(appArgs: readonly string[]): Promise<number> {
  process.chdir(REPO_ROOT);
  const nativeDir = process.env.MIRRORFILL_NATIVE_DIR ?? developmentNativeDir(REPO_ROOT);
  const plan = await planLaunch({
    findBinary: () => findElectronBinary(REPO_ROOT),
    installBinary: () => installElectron({ root: REPO_ROOT, timeoutMs: installTimeoutMs(process.env), say }),
    buildNative: (binary) => ensureSqliteBuild({ root: REPO_ROOT, nativeDir, target: electronTarget(REPO_ROOT, binary), onStatus: say }),
  });
  await build({ configFile: join(REPO_ROOT, 'vite.config.ts'), logLevel: 'warn' });
  await buildDesktopBundles(REPO_ROOT);
  if (plan.kind === 'desktop') return run(plan.binary, [REPO_ROOT, ...appArgs], { ELECTRON_RUN_AS_NODE: undefined, MIRRORFILL_NATIVE_DIR: nativeDir });
  process.stdout.write(`${fallbackLine(plan.reason)}\n`);
  const tsx = createRequire(import.meta.url).resolve('tsx/cli');
  return run(process.execPath, [tsx, join(REPO_ROOT, 'src-engine', 'cli', 'main.ts'), 'demo']);
}

function run(command: string, args: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
    // The terminal's Ctrl-C already reached the child: wait for it to stop rather than die first.
    const ignore = (): void => undefined;
    const forward = (signal: NodeJS.Signals): void => void child.kill(signal);
    process.on('SIGINT', ignore);
    process.on('SIGTERM', forward);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      process.off('SIGINT', ignore);
      process.off('SIGTERM', forward);
      resolve(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : 1));
    });
  });
}

launch(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`mirrorfill start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);

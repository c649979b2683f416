/**
 * `npm start`: builds the renderer and the desktop bundles, then runs the app in Electron. Where the
 * Electron binary is not installed (it downloads from outside the npm registry, which some machines
 * cannot reach) it says so in one line and runs the headless demo instead (`npm run demo`: the same
 * engine and renderer, in the browser), so `npm start` always shows the app.
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

async function launch(appArgs: readonly string[]): Promise<number> {
  process.chdir(REPO_ROOT);
  const binary = findElectronBinary(REPO_ROOT);
  await build({ configFile: join(REPO_ROOT, 'vite.config.ts'), logLevel: 'warn' });
  await buildDesktopBundles(REPO_ROOT);
  if (binary.found) return run(binary.path, [REPO_ROOT, ...appArgs], { ELECTRON_RUN_AS_NODE: undefined });
  process.stdout.write(`Mirrorfill: no Electron binary here (${binary.reason}), so the desktop window cannot open; running the headless demo in your browser instead.\n`);
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

/**
 * Builds the three Node-side bundles of the desktop app with vite (SSR mode: a Node target, one
 * file each, CommonJS):
 *   dist/main/main.cjs     Electron main            (src-main/main.ts)
 *   dist/main/preload.cjs  the window's preload     (src-main/preload.ts)
 *   dist/main/engine.cjs   the engine's utility process (src-engine/host/utilityProcessHost.ts)
 *
 * CommonJS because a sandboxed preload cannot be an ES module, and one format for all three keeps
 * `__dirname` and `require` of native modules plain. Each is built alone (no shared chunks): a
 * sandboxed preload cannot load a second file.
 *
 * Kept external: electron (provided by the runtime), Node's built-ins, and — for the engine — the
 * app's dependencies, which ship in node_modules (better-sqlite3 and keytar are native and must).
 */
import { builtinModules } from 'node:module';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'vite';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');

interface Bundle {
  readonly name: 'main' | 'preload' | 'engine';
  readonly source: string;
  readonly external: (id: string) => boolean;
}

const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
const isBuiltin = (id: string): boolean => builtins.has(id);
const isElectron = (id: string): boolean => id === 'electron' || id.startsWith('electron/');

function dependencies(root: string): Set<string> {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  return new Set(Object.keys(pkg.dependencies ?? {}));
}

function packageOf(id: string): string {
  const parts = id.split('/');
  return id.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? id);
}

export function desktopBundles(root: string = REPO_ROOT): Bundle[] {
  const deps = dependencies(root);
  return [
    { name: 'main', source: 'src-main/main.ts', external: (id) => isElectron(id) || isBuiltin(id) },
    // The sandboxed preload may require only 'electron' (and a few web-safe built-ins): bundle the rest.
    { name: 'preload', source: 'src-main/preload.ts', external: (id) => isElectron(id) },
    { name: 'engine', source: 'src-engine/host/utilityProcessHost.ts', external: (id) => isElectron(id) || isBuiltin(id) || deps.has(packageOf(id)) },
  ];
}

export async function buildDesktopBundles(root: string = REPO_ROOT): Promise<readonly string[]> {
  const outDir = join(root, 'dist', 'main');
  const written: string[] = [];
  for (const b of desktopBundles(root)) {
    await build({
      configFile: false,
      root,
      logLevel: 'warn',
      publicDir: false,
      build: {
        ssr: b.source,
        outDir,
        // The three builds share the folder; the renderer lives in dist/renderer, untouched.
        emptyOutDir: false,
        target: 'node22',
        sourcemap: true,
        minify: false,
        rolldownOptions: {
          external: b.external,
          output: { format: 'cjs', entryFileNames: `${b.name}.cjs`, codeSplitting: false },
        },
      },
      ssr: { noExternal: true, target: 'node' },
    });
    written.push(join(outDir, `${b.name}.cjs`));
  }
  return written;
}

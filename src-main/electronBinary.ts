/**
 * Where the Electron binary is, without `require('electron')`: that call tries to download the
 * binary when it is missing, which on a machine without access to Electron's download host means
 * a long wait and a failure with no time limit. Here we only look at what the electron package's
 * installer left behind (path.txt naming the executable under dist/), as its own index.js does;
 * `npm start` runs that installer itself, with a status line and a time limit (electronInstall.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** `installable`: the electron package is there, only its binary is missing (its installer can fetch it). */
export type ElectronBinary = { readonly found: true; readonly path: string } | { readonly found: false; readonly reason: string; readonly installable: boolean };

const REPO_ROOT = resolve(import.meta.dirname, '..');

export function findElectronBinary(root: string = REPO_ROOT, env: NodeJS.ProcessEnv = process.env): ElectronBinary {
  const pkg = join(root, 'node_modules', 'electron');
  if (!existsSync(join(pkg, 'package.json'))) return { found: false, reason: 'the electron package is not installed (npm install)', installable: false };
  let executable: string;
  try {
    executable = readFileSync(join(pkg, 'path.txt'), 'utf8').trim();
  } catch {
    return { found: false, reason: 'the electron package is installed without its binary, which comes from outside the npm registry', installable: true };
  }
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  const path = override ? join(override, executable) : join(pkg, 'dist', executable);
  return existsSync(path) ? { found: true, path } : { found: false, reason: `the Electron executable ${path} is missing`, installable: override === undefined };
}

export function electronBinaryAvailable(root?: string): boolean {
  return findElectronBinary(root).found;
}

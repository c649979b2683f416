/**
 * The runtimes the app's native modules are built for, described from what is on disk: Electron
 * from its npm package (its version, and the ABI it records in abi_version), another Node from its
 * binary (asked directly) with the headers its distribution ships beside it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { BuildTarget } from './buildPlan';

/** The development build folder: beside node_modules' own builds, gone with them on a fresh install. */
export function developmentNativeDir(root: string): string {
  return join(root, 'node_modules', '.mirrorfill-native');
}

/** `binary`: Electron's executable, when installed (it checks the build, as ELECTRON_RUN_AS_NODE). */
export function electronTarget(root: string, binary?: string, platform: string = process.platform, arch: string = process.arch): BuildTarget {
  const pkg = join(root, 'node_modules', 'electron');
  const version = (JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { version: string }).version;
  const abi = readFileSync(join(pkg, 'abi_version'), 'utf8').trim();
  return { kind: 'electron', version, abi, platform, arch, ...(binary !== undefined ? { execPath: binary } : {}) };
}

/** A Node binary from a distribution (bin/node beside include/node). */
export function nodeTarget(node: string): BuildTarget {
  const out = execFileSync(node, ['-p', 'JSON.stringify([process.version.slice(1), process.versions.modules, process.platform, process.arch])'], { encoding: 'utf8', timeout: 30_000 });
  const [version, abi, platform, arch] = JSON.parse(out) as [string, string, string, string];
  const nodedir = dirname(dirname(node));
  if (!existsSync(join(nodedir, 'include', 'node', 'node.h'))) throw new Error(`${node} has no headers beside it (${join(nodedir, 'include', 'node')})`);
  return { kind: 'node', version, abi, platform, arch, nodedir, execPath: node };
}

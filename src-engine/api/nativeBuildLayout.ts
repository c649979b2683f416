/**
 * Where builds of the engine's V8 addon live, one per runtime ABI: written by main's build step
 * (`npm run native`, `npm start`), read by the engine when it opens its database. Both sides name
 * the same folders, hence a part of the contract.
 */
import { join } from 'node:path';

export const SQLITE_MODULE = 'better-sqlite3';
export const SQLITE_ADDON = 'better_sqlite3.node';

/** The runtime a build is for: an addon built for one ABI loads in no other. */
export interface AddonTarget {
  readonly kind: 'electron' | 'node';
  /** NODE_MODULE_VERSION. */
  readonly abi: string;
  readonly platform: string;
  readonly arch: string;
}

export function runtimeKey(r: AddonTarget): string {
  return `${r.kind}-v${r.abi}-${r.platform}-${r.arch}`;
}

/**
 * Where the build of `module@version` for one runtime lives under a native folder. The module's
 * version is part of the path: after an upgrade of better-sqlite3 the old build is not picked up.
 */
export function nativeBuildDir(nativeDir: string, module: string, moduleVersion: string, r: AddonTarget): string {
  return join(nativeDir, `${module}@${moduleVersion}`, runtimeKey(r));
}

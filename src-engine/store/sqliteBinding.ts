/**
 * Which build of better-sqlite3's native addon this process opens databases with. Under plain Node
 * it is the one npm built in node_modules; under another runtime (Electron in development, a
 * stand-in Node in the tests) it is a build for that runtime's ABI kept beside node_modules, chosen
 * once at start by the engine host's native check (host/nativeModules.ts). Every open goes through
 * here so that the engine, its backups and its checkpoint worker all load the same file.
 */
import { existsSync } from 'node:fs';
import { sep } from 'node:path';

let binding: string | undefined;

/** Set once at start, before any database is opened; undefined means better-sqlite3's own build. */
export function useSqliteBinding(path: string | undefined): void {
  binding = path;
}

export function sqliteBinding(): string | undefined {
  return binding;
}

/** better-sqlite3's options with the chosen addon, when one was chosen. */
export function withSqliteBinding<T extends object>(options: T): T & { nativeBinding?: string } {
  return binding === undefined ? options : { ...options, nativeBinding: binding };
}

/**
 * A module path inside the installed app's app.asar, as its unpacked copy when there is one. The
 * packaged app keeps better-sqlite3 in app.asar.unpacked; a worker thread is given the real file
 * rather than relying on Electron's asar redirection there.
 */
export function outsideAsar(path: string): string {
  const marker = `${sep}app.asar${sep}`;
  if (!path.includes(marker)) return path;
  const unpacked = path.replace(marker, `${sep}app.asar.unpacked${sep}`);
  return existsSync(unpacked) ? unpacked : path;
}

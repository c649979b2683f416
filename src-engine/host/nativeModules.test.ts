/**
 * The native check's decisions, and the check itself under the Node the tests run on (the per-ABI
 * folder with and without a build for it). The check under a runtime of another ABI is
 * src-main/native/standInRuntime.test.ts.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { outsideAsar } from '../store/sqliteBinding';
import { nativeBuildDir, runtimeKey, SQLITE_ADDON } from '../api/nativeBuildLayout';
import { abiMismatch, checkNativeModules, describeFailure, fixCommand, runtimeOf } from './nativeModules';

const NODE_SAYS = `The module '/repo/node_modules/better-sqlite3/build/Release/better_sqlite3.node'
was compiled against a different Node.js version using
NODE_MODULE_VERSION 115. This version of Node.js requires
NODE_MODULE_VERSION 150. Please try re-compiling or re-installing
the module (for instance, using \`npm rebuild\` or \`npm install\`).`;

const electron = runtimeOf({ versions: { node: '22.20.0', electron: '45.4.1', modules: '150' }, platform: 'win32', arch: 'x64', execPath: 'C:\\Mirrorfill\\Mirrorfill.exe' });

describe('native module decisions', () => {
  it('knows the runtime and keys builds by it', () => {
    expect(electron).toMatchObject({ kind: 'electron', version: '45.4.1', abi: '150' });
    expect(runtimeKey(electron)).toBe('electron-v150-win32-x64');
    expect(nativeBuildDir('/n', 'better-sqlite3', '12.11.1', electron)).toBe(join('/n', 'better-sqlite3@12.11.1', 'electron-v150-win32-x64'));
  });

  it("reads the ABI found and needed from Node's own words", () => {
    expect(abiMismatch(NODE_SAYS)).toEqual({ found: '115', needed: '150' });
    expect(abiMismatch('libsecret-1.so.0: cannot open shared object file')).toBeUndefined();
  });

  it('names the command that fixes it, for development and for the installed app', () => {
    expect(fixCommand(electron, true)).toBe('npm run native -- --electron');
    expect(fixCommand({ kind: 'node', execPath: '/opt/node22/bin/node' }, true)).toBe('npm run native -- --node /opt/node22/bin/node');
    expect(fixCommand(electron, false)).toMatch(/^reinstall Mirrorfill/);
  });

  it('says it in one message: module, ABI found and needed, the fix, nothing touched', () => {
    expect(describeFailure('better-sqlite3', electron, NODE_SAYS, 'npm run native -- --electron')).toEqual({
      module: 'better-sqlite3',
      found: '115',
      needed: '150',
      fix: 'npm run native -- --electron',
      message:
        'The engine cannot start: the native module better-sqlite3 does not load (its build is for NODE_MODULE_VERSION 115, but Electron 45.4.1 needs NODE_MODULE_VERSION 150). Fix: npm run native -- --electron. Nothing was opened or written.',
    });
  });
});

describe('checkNativeModules under this Node', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mirrorfill-native-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("uses the module's own build when the folder has none for this runtime", () => {
    expect(checkNativeModules({ nativeDir: join(dir, 'none') })).toEqual({ ok: true, sqliteBinding: undefined, warnings: [] });
    expect(checkNativeModules({ nativeDir: undefined })).toEqual({ ok: true, sqliteBinding: undefined, warnings: [] });
  });

  it('refuses a build in the folder that does not load, rather than falling back', () => {
    const version = (createRequire(import.meta.url)('better-sqlite3/package.json') as { version: string }).version;
    const folder = nativeBuildDir(dir, 'better-sqlite3', version, runtimeOf());
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, SQLITE_ADDON), 'not an addon');
    const r = checkNativeModules({ nativeDir: dir });
    if (r.ok) throw new Error('expected a failure');
    expect(r.failure.message).toMatch(/^The engine cannot start: the native module better-sqlite3 does not load \(no build of it loads in Node .* \(NODE_MODULE_VERSION \d+\): .*\)\. Fix: npm run native -- --node .*\. Nothing was opened or written\.$/);
    expect(r.failure.found).toBeUndefined();
  });
});

describe('outsideAsar', () => {
  it('points a module inside app.asar at its unpacked copy when there is one', () => {
    const root = mkdtempSync(join(tmpdir(), 'mirrorfill-asar-'));
    try {
      const unpacked = join(root, 'app.asar.unpacked', 'node_modules', 'better-sqlite3', 'lib');
      mkdirSync(unpacked, { recursive: true });
      writeFileSync(join(unpacked, 'index.js'), '');
      expect(outsideAsar(join(root, 'app.asar', 'node_modules', 'better-sqlite3', 'lib', 'index.js'))).toBe(join(unpacked, 'index.js'));
      expect(outsideAsar(join(root, 'app.asar', 'node_modules', 'keytar', 'lib', 'keytar.js'))).toBe(join(root, 'app.asar', 'node_modules', 'keytar', 'lib', 'keytar.js'));
      expect(outsideAsar('/repo/node_modules/better-sqlite3/lib/index.js')).toBe('/repo/node_modules/better-sqlite3/lib/index.js');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

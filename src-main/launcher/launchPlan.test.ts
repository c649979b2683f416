/**
 * `npm start`'s way to the desktop window, with electron's installer stubbed (the real one fetches
 * from a host this machine cannot reach): the stub scripts run as the real installer does, as a
 * Node child with a time limit, and leave behind what it leaves (path.txt and the executable's
 * file) or fail as it fails. The executable left by the success stub is only a file: nothing runs it.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findElectronBinary } from '../electronBinary';
import type { BuildResult } from '../native/nativeBuild';
import { installElectron } from './electronInstall';
import { fallbackLine, planLaunch, type LaunchSteps } from './launchPlan';

let root: string;
let said: string[];
let built: string[];
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'mirrorfill-launch-'));
  mkdirSync(join(root, 'node_modules', 'electron'), { recursive: true });
  writeFileSync(join(root, 'node_modules', 'electron', 'package.json'), JSON.stringify({ name: 'electron', version: '45.4.1' }));
  said = [];
  built = [];
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function installer(source: string): void {
  writeFileSync(join(root, 'node_modules', 'electron', 'install.js'), source);
}

const SUCCEEDS = `
const fs = require('fs'); const path = require('path');
console.log('Downloading electron-v45.4.1-linux-x64.zip: 100%');
fs.mkdirSync(path.join(__dirname, 'dist'), { recursive: true });
fs.writeFileSync(path.join(__dirname, 'dist', 'electron'), '# left by the test installer; never run\\n', { mode: 0o755 });
fs.writeFileSync(path.join(__dirname, 'path.txt'), 'electron');
`;
const FAILS = `console.error('TypeError: fetch failed\\n    at node:internal/deps/undici/undici:14976:13'); process.exit(1);`;
const HANGS = `console.log('Downloading electron-v45.4.1-linux-x64.zip'); setInterval(() => {}, 1000);`;

function steps(over: { timeoutMs?: number; env?: NodeJS.ProcessEnv; native?: BuildResult } = {}): LaunchSteps {
  return {
    findBinary: () => findElectronBinary(root, {}),
    installBinary: () => installElectron({ root, timeoutMs: over.timeoutMs ?? 60_000, say: (l) => said.push(l), env: over.env ?? {} }),
    buildNative: (binary) => {
      built.push(binary);
      return Promise.resolve(over.native ?? { ok: true, addon: join(root, 'addon.node'), built: true });
    },
  };
}

describe('npm start: the Electron binary', () => {
  it('fetches it through the installer, then builds the native modules for it and opens the desktop', async () => {
    installer(SUCCEEDS);
    const binary = join(root, 'node_modules', 'electron', 'dist', 'electron');
    expect(await planLaunch(steps())).toEqual({ kind: 'desktop', binary });
    expect(built).toEqual([binary]);
    expect(said[0]).toBe("fetching Electron 45.4.1's binary with its installer (first start only; gives up after 60 s)");
    expect(said).toContain('electron installer: Downloading electron-v45.4.1-linux-x64.zip: 100%');
  });

  it('when the installer fails: the browser demo, with its reason in one line, and nothing built', async () => {
    installer(FAILS);
    const plan = await planLaunch(steps());
    expect(plan).toEqual({
      kind: 'browser',
      reason: "no Electron binary here and it could not be fetched: Electron's installer failed (TypeError: fetch failed; is Electron's download host reachable from here? ELECTRON_MIRROR names another)",
    });
    expect(built).toEqual([]);
    // Its stack trace is not echoed: the status line, then the one reason line.
    expect(said).toEqual(["fetching Electron 45.4.1's binary with its installer (first start only; gives up after 60 s)"]);
    const line = fallbackLine(plan.kind === 'browser' ? plan.reason : '');
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toMatch(/^Mirrorfill: the desktop window cannot open \(no Electron binary here .*\); running the headless demo in your browser instead\.$/);
  });

  it('when the installer outlasts its time limit: it is stopped, and the demo says so', async () => {
    installer(HANGS);
    expect(await planLaunch(steps({ timeoutMs: 1_000 }))).toEqual({ kind: 'browser', reason: "no Electron binary here and it could not be fetched: Electron's installer did not finish within 1 s" });
    expect(built).toEqual([]);
  });

  it('does not fetch when ELECTRON_SKIP_BINARY_DOWNLOAD is set', async () => {
    installer(SUCCEEDS);
    expect(await planLaunch(steps({ env: { ELECTRON_SKIP_BINARY_DOWNLOAD: '1' } }))).toEqual({
      kind: 'browser',
      reason: 'no Electron binary here and it could not be fetched: ELECTRON_SKIP_BINARY_DOWNLOAD is set, so it was not fetched',
    });
    expect(said).toEqual([]);
  });

  it('uses a binary already there without running the installer', async () => {
    installer(FAILS);
    const dist = join(root, 'node_modules', 'electron', 'dist');
    mkdirSync(dist);
    writeFileSync(join(dist, 'electron'), '');
    chmodSync(join(dist, 'electron'), 0o755);
    writeFileSync(join(root, 'node_modules', 'electron', 'path.txt'), 'electron');
    expect(await planLaunch(steps())).toEqual({ kind: 'desktop', binary: join(dist, 'electron') });
    expect(said).toEqual([]);
  });

  it('opens the demo, naming the fix, when better-sqlite3 cannot be built for that Electron', async () => {
    installer(SUCCEEDS);
    const reason = 'better-sqlite3 could not be built for Electron 45.4.1 (NODE_MODULE_VERSION 150): compiling: gyp: No Xcode or CLT version detected!';
    expect(await planLaunch(steps({ native: { ok: false, reason } }))).toEqual({ kind: 'browser', reason: `${reason} (run: npm run native -- --electron)` });
  });

  it('says what to do when the electron package itself is missing', async () => {
    rmSync(join(root, 'node_modules', 'electron'), { recursive: true });
    expect(await planLaunch(steps())).toEqual({ kind: 'browser', reason: 'the electron package is not installed (npm install)' });
  });
});

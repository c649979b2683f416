/**
 * What `npm run dist` is configured to produce (it cannot run here: it needs Electron's binary and
 * each platform's tools). These are the settings a working installer depends on; a change to any
 * of them should be a decision, not an accident.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from './desktopBundles';

const config = parse(readFileSync(join(REPO_ROOT, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;

// electron-builder's own check of a configuration against its schema, as `npm run dist` runs it first.
const requireFromBuilder = createRequire(createRequire(join(REPO_ROOT, 'package.json')).resolve('electron-builder'));
const { validateConfiguration } = requireFromBuilder('app-builder-lib/out/util/config/config') as { validateConfiguration: (c: unknown, logger: unknown) => Promise<void> };
const { DebugLogger } = requireFromBuilder('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

describe('electron-builder.yml', () => {
  it("passes electron-builder's own schema check (which refuses a misspelt fuse)", async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    await expect(validateConfiguration({ ...config, electronFuses: { runAsNod: false } }, new DebugLogger(false))).rejects.toThrow(/electronFuses/);
  });

  it('rebuilds the native modules for Electron and keeps them out of the asar archive', () => {
    expect(config.npmRebuild).toBe(true);
    expect(config.asar).not.toBe(false);
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['**/*.node', 'node_modules/better-sqlite3/**', 'node_modules/keytar/**']));
  });

  it('flips the fuses: no run-as-node, the app only from its checked asar, no inspector or NODE_OPTIONS', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('ships the three desktop bundles and the renderer, and the native modules keytar needs on Linux', () => {
    expect(config.files).toEqual(expect.arrayContaining(['package.json', 'dist/**', 'resources/**']));
    expect((config.deb as { depends: string[] }).depends).toContain('libsecret-1-0');
    expect((config.win as { target: { target: string }[] }).target.map((t) => t.target)).toEqual(['nsis']);
  });
});

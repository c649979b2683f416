import { describe, expect, it } from 'vitest';
import { buildEnv, buildSteps, ELECTRON_HEADERS } from './buildPlan';

const tools = { prebuildInstall: '/nm/prebuild-install/bin.js', nodeGyp: '/nm/node-gyp/bin/node-gyp.js' };

describe('build plan', () => {
  it("Electron: better-sqlite3's prebuilt binary first, then a compile against Electron's headers", () => {
    const steps = buildSteps({ kind: 'electron', version: '45.4.1', abi: '150', platform: 'win32', arch: 'x64' }, tools, 2);
    expect(steps.map((s) => [s.script, s.args])).toEqual([
      ['/nm/prebuild-install/bin.js', ['--runtime', 'electron', '--target', '45.4.1', '--arch', 'x64', '--platform', 'win32']],
      ['/nm/node-gyp/bin/node-gyp.js', ['rebuild', '--release', '--arch=x64', '-j', '2', '--target=45.4.1', `--dist-url=${ELECTRON_HEADERS}`]],
    ]);
  });

  it("another Node: a compile against the headers beside its binary (nothing downloaded)", () => {
    const steps = buildSteps({ kind: 'node', version: '22.23.5', abi: '127', platform: 'linux', arch: 'x64', nodedir: '/cache/node-22.23.5' }, tools, 2);
    expect(steps.map((s) => s.args)).toEqual([['rebuild', '--release', '--arch=x64', '-j', '2', '--nodedir=/cache/node-22.23.5']]);
    expect(() => buildSteps({ kind: 'node', version: '22.23.5', abi: '127', platform: 'linux', arch: 'x64' }, tools, 2)).toThrow(/headers/);
  });

  it("builds without npm's exported settings that would steer node-gyp to another runtime", () => {
    expect(buildEnv({ PATH: '/usr/bin', npm_config_nodedir: '/usr', npm_config_target: '20.0.0', npm_config_cache: '/root/.npm' })).toEqual({ PATH: '/usr/bin', npm_config_cache: '/root/.npm' });
  });
});

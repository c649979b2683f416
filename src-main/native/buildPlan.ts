/**
 * How better-sqlite3's addon gets built for a runtime other than the Node that ran `npm install`:
 * the commands, in order, each tried until one leaves an addon behind. Pure: the runner is
 * nativeBuild.ts.
 *
 * - Electron: first better-sqlite3's own prebuilt binary for that Electron (prebuild-install; no
 *   compiler needed, which is what most Windows machines lack), then a build from source against
 *   Electron's headers (node-gyp; needs a C++ toolchain).
 * - Node (the stand-in runtime of the tests): from source against the headers shipped beside its
 *   binary, so nothing is downloaded.
 */
export interface BuildTarget {
  readonly kind: 'electron' | 'node';
  readonly version: string;
  /** NODE_MODULE_VERSION of the target. */
  readonly abi: string;
  readonly platform: string;
  readonly arch: string;
  /** Node only: the folder holding include/node (the Node distribution's root). */
  readonly nodedir?: string;
  /** The runtime's executable, when at hand: a build is loaded by it before it is trusted. */
  readonly execPath?: string;
}

/**
 * npm exports its configuration to scripts as npm_config_* variables, and node-gyp and
 * prebuild-install read them ahead of their own flags: an `npm_config_nodedir=/usr` from a global
 * npmrc built "for Node 22" against the running Node's headers. The build runs without them.
 */
const STEERING = /^npm_config_(nodedir|target|runtime|dist_url|disturl|arch|platform|build_from_source|devdir|node_gyp)$/i;

export function buildEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !STEERING.test(k)));
}

export interface BuildStep {
  /** What the status line says while it runs. */
  readonly label: string;
  /** Run with the current Node (process.execPath). */
  readonly script: string;
  readonly args: readonly string[];
}

export interface BuildTools {
  /** prebuild-install's bin.js */
  readonly prebuildInstall: string;
  /** node-gyp's bin/node-gyp.js */
  readonly nodeGyp: string;
}

export const ELECTRON_HEADERS = 'https://electronjs.org/headers';

export function buildSteps(target: BuildTarget, tools: BuildTools, jobs: number): BuildStep[] {
  const gyp = (extra: readonly string[]): BuildStep => ({
    label: `compiling better-sqlite3 for ${describeTarget(target)} (a few minutes)`,
    script: tools.nodeGyp,
    args: ['rebuild', '--release', `--arch=${target.arch}`, `-j`, String(jobs), ...extra],
  });
  if (target.kind === 'node') {
    if (target.nodedir === undefined) throw new Error(`building for ${describeTarget(target)} needs the folder of its headers (include/node)`);
    return [gyp([`--nodedir=${target.nodedir}`])];
  }
  return [
    {
      label: `fetching better-sqlite3's prebuilt binary for ${describeTarget(target)}`,
      script: tools.prebuildInstall,
      args: ['--runtime', 'electron', '--target', target.version, '--arch', target.arch, '--platform', target.platform],
    },
    gyp([`--target=${target.version}`, `--dist-url=${ELECTRON_HEADERS}`]),
  ];
}

export function describeTarget(t: Pick<BuildTarget, 'kind' | 'version' | 'abi'>): string {
  return `${t.kind === 'electron' ? 'Electron' : 'Node'} ${t.version} (NODE_MODULE_VERSION ${t.abi})`;
}

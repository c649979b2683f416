/**
 * What `npm start` opens: the desktop app when Electron's binary is there or can be fetched and
 * better-sqlite3 is built for that Electron's ABI; otherwise the browser demo, with the one reason
 * why. The steps are injected: launch.ts gives the real ones, the tests stubs.
 */
import type { ElectronBinary } from '../electronBinary';
import type { InstallResult } from './electronInstall';
import type { BuildResult } from '../native/nativeBuild';

export type LaunchPlan = { readonly kind: 'desktop'; readonly binary: string } | { readonly kind: 'browser'; readonly reason: string };

export interface LaunchSteps {
  readonly findBinary: () => ElectronBinary;
  readonly installBinary: () => Promise<InstallResult>;
  /** Builds (or finds built) the native modules for the Electron at `binary`. */
  readonly buildNative: (binary: string) => Promise<BuildResult>;
}

export async function planLaunch(steps: LaunchSteps): Promise<LaunchPlan> {
  let binary = steps.findBinary();
  if (!binary.found) {
    if (!binary.installable) return { kind: 'browser', reason: binary.reason };
    const installed = await steps.installBinary();
    if (!installed.ok) return { kind: 'browser', reason: `no Electron binary here and it could not be fetched: ${installed.reason}` };
    binary = steps.findBinary();
    if (!binary.found) return { kind: 'browser', reason: `Electron's installer finished, but ${binary.reason}` };
  }
  const native = await steps.buildNative(binary.path);
  if (!native.ok) return { kind: 'browser', reason: `${native.reason} (run: npm run native -- --electron)` };
  return { kind: 'desktop', binary: binary.path };
}

/** The one line `npm start` prints before it opens the browser demo instead. */
export function fallbackLine(reason: string): string {
  return `Mirrorfill: the desktop window cannot open (${reason}); running the headless demo in your browser instead.`;
}

/**
 * "Start with the OS" (a setting the engine stores; main applies it). macOS and Windows use
 * Electron's login items; Linux has none in Electron, so an XDG autostart entry is written.
 * Started at login, the app opens hidden in the tray (`--hidden`).
 *
 * Only the installed app registers itself: in development the executable is the bare Electron
 * binary, which must not be started at login.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MainLog } from '../log/mainLog';
import type { AppSeam } from '../seams';

export const HIDDEN_FLAG = '--hidden';

export interface StartWithOsDeps {
  readonly app: Pick<AppSeam, 'isPackaged' | 'setLoginItemSettings'>;
  readonly platform: NodeJS.Platform;
  /** What to start: the AppImage when running from one, else the executable. */
  readonly executable: string;
  /** Linux: `$XDG_CONFIG_HOME/autostart`. */
  readonly autostartDir: string;
  readonly log: MainLog;
}

export function linuxAutostartEntry(executable: string): string {
  const quoted = `"${executable.replace(/(["`$\\])/g, '\\$1')}"`;
  return ['[Desktop Entry]', 'Type=Application', 'Name=Mirrorfill', 'Comment=Trade copier', `Exec=${quoted} ${HIDDEN_FLAG}`, 'X-GNOME-Autostart-enabled=true', ''].join('\n');
}

export function startWithOsApplier(deps: StartWithOsDeps): (enabled: boolean) => void {
  let applied: boolean | undefined;
  return (enabled) => {
    if (enabled === applied) return;
    applied = enabled;
    if (!deps.app.isPackaged) {
      deps.log.info('start with the OS is applied by the installed app only', { enabled });
      return;
    }
    try {
      if (deps.platform === 'linux') {
        const file = join(deps.autostartDir, 'mirrorfill.desktop');
        if (enabled) {
          mkdirSync(deps.autostartDir, { recursive: true });
          writeFileSync(file, linuxAutostartEntry(deps.executable));
        } else {
          rmSync(file, { force: true });
        }
      } else {
        deps.app.setLoginItemSettings({ openAtLogin: enabled, args: [HIDDEN_FLAG] });
      }
      deps.log.info('start with the OS applied', { enabled });
    } catch (err) {
      deps.log.error('start with the OS could not be applied', { enabled, error: String(err) });
    }
  };
}

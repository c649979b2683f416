/**
 * The tray icon: state icon (copying / paused / alert), tooltip and menu. Rebuilt only when what it
 * shows changes (snapshots arrive often while copying).
 */
import { join } from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import type { ElectronSeams, TraySeam } from '../seams';
import { trayMenu, type TrayActions, type TrayMenuItem } from './trayMenu';
import type { TrayIcon, TrayView } from './trayView';

export function trayIconPath(iconsDir: string, icon: TrayIcon): string {
  // Electron picks tray-<state>@2x.png beside it on high-DPI screens.
  return join(iconsDir, `tray-${icon}.png`);
}

export function toMenuTemplate(items: readonly TrayMenuItem[]): MenuItemConstructorOptions[] {
  return items.map((i) => {
    if (i.type === 'separator') return { type: 'separator' };
    const { click } = i;
    return { label: i.label, enabled: i.enabled, ...(click ? { click: () => click() } : {}) };
  });
}

export class AppTray {
  private tray: TraySeam | undefined;
  private shown = '';

  constructor(
    private readonly seams: Pick<ElectronSeams, 'createTray' | 'buildMenu'>,
    private readonly iconsDir: string,
    private readonly actions: TrayActions,
  ) {}

  show(view: TrayView): void {
    const key = JSON.stringify(view);
    if (this.tray && key === this.shown) return;
    this.shown = key;
    const icon = trayIconPath(this.iconsDir, view.icon);
    if (!this.tray) {
      this.tray = this.seams.createTray(icon);
      // Windows and most Linux trays: a click opens the window; the menu is on right-click.
      this.tray.on('click', () => this.actions.open());
    } else {
      this.tray.setImage(icon);
    }
    this.tray.setToolTip(`Mirrorfill — ${view.status}`);
    this.tray.setContextMenu(this.seams.buildMenu(toMenuTemplate(trayMenu(view, this.actions))));
  }

  destroy(): void {
    this.tray?.destroy();
    this.tray = undefined;
  }
}

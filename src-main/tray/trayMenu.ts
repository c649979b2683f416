/**
 * The tray menu (app.md): Pause all / Resume all, Emergency stop, open window, quit — plus, when
 * the engine is down, Restart engine, and in the demo, Leave demo. Plain data, so it is tested
 * without Electron; `AppTray` turns it into an Electron Menu.
 */
import type { TrayView } from './trayView';

export interface TrayActions {
  pauseAll(): void;
  resumeAll(): void;
  /** Asks for confirmation first. */
  emergencyStop(): void;
  open(): void;
  restartEngine(): void;
  leaveDemo(): void;
  /** Asks for confirmation when positions are open. */
  quit(): void;
}

export type TrayMenuItem = { readonly type: 'separator' } | { readonly type: 'normal'; readonly label: string; readonly enabled: boolean; readonly click?: () => void };

const separator: TrayMenuItem = { type: 'separator' };

export function trayMenu(view: TrayView, actions: TrayActions): TrayMenuItem[] {
  const item = (label: string, click: () => void, enabled = true): TrayMenuItem => ({ type: 'normal', label, enabled, click });
  const engineItems: TrayMenuItem[] = [
    ...(view.canRestartEngine ? [item('Restart engine', () => actions.restartEngine())] : []),
    ...(view.demo ? [item('Leave demo…', () => actions.leaveDemo())] : []),
  ];
  return [
    { type: 'normal', label: `Mirrorfill — ${view.status}`, enabled: false },
    separator,
    item('Pause all', () => actions.pauseAll(), view.engineRunning),
    item('Resume all', () => actions.resumeAll(), view.engineRunning),
    item('Emergency stop…', () => actions.emergencyStop(), view.engineRunning),
    separator,
    item('Open Mirrorfill', () => actions.open()),
    ...engineItems,
    separator,
    item('Quit Mirrorfill', () => actions.quit()),
  ];
}

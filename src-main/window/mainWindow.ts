/**
 * The one window: secure options (architecture practice 3), the renderer from app://, and
 * close-to-tray — closing the window only hides it; copying goes on in the tray until Quit.
 */
import type { BrowserWindowConstructorOptions } from 'electron';
import type { MainLog } from '../log/mainLog';
import type { ElectronSeams, WebContentsSeam, WindowSeam } from '../seams';
import { APP_URL } from './appProtocol';

export function secureWindowOptions(preload: string, icon: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 820,
    minWidth: 960,
    minHeight: 600,
    title: 'Mirrorfill',
    icon,
    // Shown on ready-to-show: no white flash, and not at all when started hidden at login.
    show: false,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
    },
  };
}

export interface MainWindowDeps {
  readonly createWindow: ElectronSeams['createWindow'];
  readonly preload: string;
  readonly icon: string;
  readonly log: MainLog;
  /** Show once ready (false when started hidden at login). */
  readonly show: boolean;
  /** While quitting, closing really closes. */
  readonly isQuitting: () => boolean;
  /** The page finished loading (first load or reload): it needs a fresh engine port. */
  readonly onLoaded: (contents: WebContentsSeam) => void;
  readonly onClosed: () => void;
  readonly now?: () => number;
}

const RELOAD_AT_MOST_EVERY_MS = 10_000;

export function openMainWindow(deps: MainWindowDeps): WindowSeam {
  const win = deps.createWindow(secureWindowOptions(deps.preload, deps.icon));
  const now = deps.now ?? Date.now;
  win.on('close', (event) => {
    if (deps.isQuitting()) return;
    event.preventDefault();
    win.hide();
  });
  win.on('closed', deps.onClosed);
  win.once('ready-to-show', () => {
    if (deps.show) win.show();
  });
  const contents = win.webContents;
  contents.on('did-finish-load', () => deps.onLoaded(contents));
  let lastReload = -Infinity;
  contents.on('render-process-gone', (_event, details) => {
    deps.log.error('renderer process gone', { reason: details.reason });
    // A crashed page is reloaded (and gets a new port on load), but not in a tight loop.
    if (details.reason === 'clean-exit' || contents.isDestroyed() || now() - lastReload < RELOAD_AT_MOST_EVERY_MS) return;
    lastReload = now();
    contents.reload();
  });
  win.loadURL(APP_URL).catch((err: unknown) => deps.log.error('the renderer did not load', { error: String(err) }));
  return win;
}

/** Brings the window to the front (tray "Open", a second launch, a notification click). */
export function revealWindow(win: WindowSeam): void {
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}

/**
 * Electron's main entry (bundled to dist/main/main.cjs): fills the seams from Electron's real
 * modules — which typechecks every seam against Electron's own type definitions — and starts the
 * desktop app.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { app, BrowserWindow, dialog, Menu, MessageChannelMain, Notification, protocol, session, shell, Tray, utilityProcess } from 'electron';
import { runDesktopApp } from './desktopApp';
import { developmentNativeDir } from './native/runtimeTargets';
import type { ElectronSeams } from './seams';
import { E2E_ENV, probeTray } from './tray/trayProbe';

// Playwright's _electron tests click the tray through this probe (see trayProbe.ts).
const e2e = process.env[E2E_ENV] === '1';

const seams: ElectronSeams = {
  app,
  protocol,
  dialog,
  defaultSession: () => session.defaultSession,
  createWindow: (options) => new BrowserWindow(options),
  createTray: (image) => (e2e ? probeTray(new Tray(image)) : new Tray(image)),
  buildMenu: (template) => Menu.buildFromTemplate(template),
  createNotification: (options) => new Notification(options),
  notificationsSupported: () => Notification.isSupported(),
  createChannel: () => new MessageChannelMain(),
  forkEngine: (modulePath, args, options) => utilityProcess.fork(modulePath, args, options),
  openExternal: (url) => shell.openExternal(url),
};

// This file runs as dist/main/main.cjs; the app's root is two folders up (the repository in
// development, app.asar when installed).
const root = join(__dirname, '..', '..');

const desktop = runDesktopApp(seams, {
  paths: {
    preload: join(__dirname, 'preload.cjs'),
    engineEntry: join(__dirname, 'engine.cjs'),
    rendererDir: join(root, 'dist', 'renderer'),
    iconsDir: join(root, 'resources', 'icons'),
  },
  argv: process.argv,
  platform: process.platform,
  executable: process.env.APPIMAGE ?? process.execPath,
  autostartDir: join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'autostart'),
  // From the repository, native modules for this Electron are built beside node_modules (npm start
  // does it); the installed app's were rebuilt for it by electron-builder.
  ...(app.isPackaged ? {} : { nativeDir: process.env.MIRRORFILL_NATIVE_DIR ?? developmentNativeDir(root) }),
});

// Ctrl-C in the terminal that ran `npm start`, or a service stop: shut the engine down cleanly.
if (desktop) for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void desktop.quitWithoutAsking());

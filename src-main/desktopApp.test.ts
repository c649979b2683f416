/**
 * Main's wiring through its Electron seams: the engine process is a scripted stand-in that speaks
 * the host protocol, and the MessageChannelMain ports are real worker_threads ports, so the window's
 * and main's requests really reach it. (desktopApp.engine.test.ts runs the real engine behind it.)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ForkOptions } from 'electron';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineProcessState } from '../src-engine/api/contract';
import type { AccountView, GroupView, SnapshotView } from '../src-engine/api/views';
import { runDesktopApp, type DesktopApp, type DesktopOptions } from './desktopApp';
import { createMainLog, type MainLogLine } from './log/mainLog';
import { PreloadEngineClient } from './preload/engineClient';
import { eventually, fakeElectron, ScriptedEngine, settle, type CommandHandler, type FakeElectron } from './testing/fakeElectron';
import { ManualScheduler } from './testing/manualScheduler';

let userData: string;
const made: FakeElectron[] = [];
beforeEach(() => {
  userData = mkdtempSync(join(tmpdir(), 'mirrorfill-main-'));
});
afterEach(() => {
  for (const e of made.splice(0)) e.dispose();
  rmSync(userData, { recursive: true, force: true });
});

const paths = { preload: '/app/dist/main/preload.cjs', engineEntry: '/app/dist/main/engine.cjs', rendererDir: '/app/dist/renderer', iconsDir: '/app/resources/icons' };

function snapshot(over: { groups?: Partial<GroupView>[]; accounts?: Partial<AccountView>[] } = {}): SnapshotView {
  return {
    info: { version: '0.1.0', startedAt: 0, host: 'desktop', keychain: { available: true, detail: '' }, recoveredFrom: undefined },
    connections: [],
    accounts: (over.accounts ?? []).map((a) => ({ positions: [], locked: false, quarantined: [], outOfSync: [], ...a }) as AccountView),
    groups: (over.groups ?? [{ status: { status: 'Active' } }]).map((g) => ({ name: 'G', ...g }) as GroupView),
    locks: [],
    risk: [],
    settings: { startWithOs: false, startPaused: false, soundOnLock: true, notifyOnLock: true, notifyOnRejection: true, dataFolder: '', logFolder: '' },
  };
}

interface Harness {
  readonly electron: FakeElectron;
  readonly desktop: DesktopApp;
  readonly scheduler: ManualScheduler;
  readonly log: MainLogLine[];
  engine(): ScriptedEngine;
  /** Starts the app and brings the first engine to `ready`. */
  boot(mode?: 'live' | 'demo'): Promise<void>;
}

function harness(options: Partial<DesktopOptions> & { handler?: CommandHandler; gotLock?: boolean; isPackaged?: boolean } = {}): Harness {
  const handler: CommandHandler = options.handler ?? ((cmd) => (cmd === 'state.get' ? snapshot() : {}));
  const electron = fakeElectron(userData, (modulePath: string, args: string[], o: ForkOptions) => new ScriptedEngine(modulePath, args, o, (c, a) => handler(c, a)));
  made.push(electron);
  electron.app.gotLock = options.gotLock ?? true;
  electron.app.isPackaged = options.isPackaged ?? false;
  const scheduler = new ManualScheduler();
  const log: MainLogLine[] = [];
  const desktop = runDesktopApp(electron, {
    paths,
    argv: ['/usr/bin/mirrorfill'],
    platform: 'linux',
    executable: '/usr/bin/mirrorfill',
    autostartDir: join(userData, 'autostart'),
    scheduler,
    openLog: () => createMainLog((l) => log.push(l)),
    ...options,
  });
  if (!desktop) throw new Error('no desktop app');
  const engine = (): ScriptedEngine => {
    const e = electron.engines.at(-1);
    if (!(e instanceof ScriptedEngine)) throw new Error('no scripted engine forked');
    return e;
  };
  return {
    electron,
    desktop,
    scheduler,
    log,
    engine,
    boot: async (mode = 'live') => {
      electron.app.becomeReady();
      await desktop.started;
      engine().ready(mode);
      await settle();
    },
  };
}

function engineStates(electron: FakeElectron): EngineProcessState[] {
  return electron.window().webContents.sent.filter((s) => s.channel === 'engine-state').map((s) => s.args[0] as EngineProcessState);
}

describe('single instance', () => {
  it('a second launch quits at once and starts nothing', () => {
    const electron = fakeElectron(userData, () => {
      throw new Error('must not fork');
    });
    electron.app.gotLock = false;
    const desktop = runDesktopApp(electron, { paths, argv: [], platform: 'linux', executable: 'x', autostartDir: userData, openLog: () => createMainLog(() => undefined) });
    expect(desktop).toBeUndefined();
    expect(electron.app.quitCalls).toBe(1);
    expect(electron.windows).toEqual([]);
    expect(electron.protocol.privileged).toEqual([]);
  });

  it('the first instance brings its window to the front when a second one starts', async () => {
    const h = harness();
    await h.boot();
    const win = h.electron.window();
    win.userCloses();
    win.minimized = true;
    h.electron.app.emit('second-instance');
    expect(win.visible).toBe(true);
    expect(win.minimized).toBe(false);
    expect(win.focused).toBe(1);
  });
});

describe('startup', () => {
  it('registers app:// before ready, locks the session down, opens the window and forks the engine', async () => {
    const h = harness();
    // Before ready: only the privileged scheme (Electron requires it then).
    expect(h.electron.protocol.privileged.map((s) => s.scheme)).toEqual(['app']);
    expect(h.electron.windows).toEqual([]);
    h.electron.app.becomeReady();
    await h.desktop.started;
    expect(h.electron.protocol.handlers.has('app')).toBe(true);
    const grant: boolean[] = [];
    h.electron.session.requestHandler?.(undefined, 'media', (g) => grant.push(g));
    expect(grant).toEqual([false]);
    expect(h.electron.session.checkHandler?.(undefined, 'notifications')).toBe(false);
    const win = h.electron.window();
    expect(win.loadedUrl).toBe('app://mirrorfill/index.html');
    expect(win.options.webPreferences).toMatchObject({ preload: paths.preload, contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    expect(h.engine().modulePath).toBe(paths.engineEntry);
    expect(h.engine().args).toEqual(['--data-dir', userData, '--demo', 'auto']);
    expect(h.engine().options).toEqual({ serviceName: 'Mirrorfill Engine', stdio: 'pipe' });
    win.emit('ready-to-show');
    expect(win.visible).toBe(true);
  });

  it('starts hidden in the tray when launched at login', async () => {
    const h = harness({ argv: ['/usr/bin/mirrorfill', '--hidden'] });
    await h.boot();
    h.electron.window().emit('ready-to-show');
    expect(h.electron.window().visible).toBe(false);
    expect(h.electron.tray().menu?.labels()).toContain('Open Mirrorfill');
  });

  it('passes --demo on or off from the command line, and off once the user left the demo', async () => {
    const on = harness({ argv: ['x', '--demo'] });
    on.electron.app.becomeReady();
    await on.desktop.started;
    expect(on.engine().args.slice(2)).toEqual(['--demo', 'on']);
    const off = harness({ argv: ['x', '--no-demo'] });
    off.electron.app.becomeReady();
    await off.desktop.started;
    expect(off.engine().args.slice(2)).toEqual(['--demo', 'off']);
  });
});

describe('ports between the window, main and the engine', () => {
  it('gives the engine one port for main and one for the window, and the window talks to the engine directly', async () => {
    const h = harness();
    await h.boot();
    const win = h.electron.window();
    win.webContents.finishLoad();
    await settle();
    expect(h.engine().ports.map((p) => p.role)).toEqual(['main', 'window']);
    const [windowPort] = win.webContents.enginePorts();
    if (!windowPort) throw new Error('no port');
    const preload = new PreloadEngineClient();
    preload.usePort(windowPort.web);
    const state = await preload.api.invoke('state.get', {});
    expect(state.groups).toHaveLength(1);
    expect(h.engine().requests.filter((r) => r.role === 'window').map((r) => r.cmd)).toEqual(['state.get']);
    windowPort.node.close();
  });

  it('sends the window a new port when the page reloads', async () => {
    const h = harness();
    await h.boot();
    const wc = h.electron.window().webContents;
    wc.finishLoad();
    wc.finishLoad();
    await settle();
    expect(wc.enginePorts()).toHaveLength(2);
    expect(h.engine().ports.map((p) => p.role)).toEqual(['main', 'window', 'window']);
    // The state is sent as it changes, and again to each load (a message sent before the page's
    // preload listens is lost).
    expect(engineStates(h.electron).map((s) => s.state)).toEqual(['starting', 'running', 'running', 'running']);
  });

  it('recreates every port when the engine restarts, and tells the window what happens meanwhile', async () => {
    const h = harness();
    await h.boot();
    const wc = h.electron.window().webContents;
    wc.finishLoad();
    await settle();
    const first = h.engine();
    first.exit(1);
    await settle();
    expect(h.desktop.link.connected).toBe(false);
    const restarting = engineStates(h.electron).at(-1);
    expect(restarting).toMatchObject({ state: 'restarting', attempt: 1 });
    await h.scheduler.advance(1_000);
    expect(h.electron.engines).toHaveLength(2);
    h.engine().ready();
    await settle();
    expect(h.engine().ports.map((p) => p.role)).toEqual(['main', 'window']);
    expect(wc.enginePorts()).toHaveLength(2);
    expect(h.desktop.link.connected).toBe(true);
    expect(engineStates(h.electron).map((s) => s.state)).toEqual(['starting', 'running', 'running', 'restarting', 'starting', 'running']);
    // Main's own port works with the new engine.
    await h.desktop.link.invoke('controls.pauseAll', {});
    expect(h.engine().requests.map((r) => [r.role, r.cmd])).toContainEqual(['main', 'controls.pauseAll']);
  });
});

describe('tray', () => {
  it('shows the copying state and sends the commands over main’s own port', async () => {
    const h = harness();
    await h.boot();
    await eventually(() => expect(h.electron.tray().image).toBe('/app/resources/icons/tray-copying.png'));
    const menu = () => {
      const m = h.electron.tray().menu;
      if (!m) throw new Error('no menu');
      return m;
    };
    expect(menu().labels()).toEqual(['Mirrorfill — Copying — 1 group active', 'Pause all', 'Resume all', 'Emergency stop…', 'Open Mirrorfill', 'Quit Mirrorfill']);
    menu().click('Pause all');
    menu().click('Resume all');
    await eventually(() => expect(h.engine().requests.filter((r) => r.cmd.startsWith('controls.')).map((r) => [r.role, r.cmd])).toEqual([
      ['main', 'controls.pauseAll'],
      ['main', 'controls.resumeAll'],
    ]));
  });

  it('asks before an emergency stop, and sends nothing when cancelled', async () => {
    const h = harness();
    await h.boot();
    h.electron.dialog.answer = 1; // Cancel
    h.electron.tray().menu?.click('Emergency stop…');
    await settle();
    expect(h.electron.dialog.asked).toHaveLength(1);
    expect(h.engine().requests.map((r) => r.cmd)).not.toContain('controls.emergencyStop');
    h.electron.dialog.answer = 0;
    h.electron.tray().menu?.click('Emergency stop…');
    await eventually(() => expect(h.engine().requests.map((r) => r.cmd)).toContain('controls.emergencyStop'));
  });

  it('reports a refused command in an error box', async () => {
    const h = harness({
      handler: (cmd) => {
        if (cmd === 'controls.resumeAll') throw new Error('nothing to resume');
        return cmd === 'state.get' ? snapshot() : {};
      },
    });
    await h.boot();
    h.electron.tray().menu?.click('Resume all');
    await eventually(() => expect(h.electron.dialog.errors[0]?.content).toMatch(/^Resume all did not go through: Error: nothing to resume/));
  });

  it('shows paused and alert icons, and Restart engine once it has given up', async () => {
    const h = harness({ timing: { maxRestarts: 0 }, handler: (cmd) => (cmd === 'state.get' ? snapshot({ groups: [{ status: { status: 'Paused', reason: 'user' } }] }) : {}) });
    await h.boot();
    await eventually(() => expect(h.electron.tray().image).toMatch(/tray-paused\.png$/));
    expect(h.electron.tray().toolTip).toBe('Mirrorfill — Paused');
    h.engine().exit(3);
    await settle();
    expect(h.electron.tray().image).toMatch(/tray-alert\.png$/);
    expect(h.electron.tray().menu?.item('Pause all').enabled).toBe(false);
    h.electron.tray().menu?.click('Restart engine');
    expect(h.electron.engines).toHaveLength(2);
  });

  it('opens the window from the tray', async () => {
    const h = harness();
    await h.boot();
    h.electron.window().userCloses();
    h.electron.tray().menu?.click('Open Mirrorfill');
    expect(h.electron.window().visible).toBe(true);
    h.electron.window().userCloses();
    h.electron.tray().emit('click');
    expect(h.electron.window().visible).toBe(true);
  });

  it('offers Leave demo in the demo; leaving restarts the engine with the demo off, remembered', async () => {
    const h = harness();
    await h.boot('demo');
    h.electron.tray().menu?.click('Leave demo…');
    await eventually(() => expect(h.electron.engines).toHaveLength(2));
    const first = h.electron.engines[0];
    expect(first instanceof ScriptedEngine && first.received).toEqual([{ type: 'port', role: 'main' }, { type: 'shutdown' }]);
    expect(h.engine().args).toEqual(['--data-dir', userData, '--demo', 'off']);
    expect(JSON.parse(readFileSync(join(userData, 'desktop.json'), 'utf8'))).toEqual({ demo: 'off' });
  });
});

describe('closing and quitting', () => {
  it('closing the window hides it to the tray; the engine keeps running', async () => {
    const h = harness();
    await h.boot();
    const win = h.electron.window();
    win.visible = true;
    expect(win.userCloses()).toBe(true);
    expect(win.visible).toBe(false);
    expect(win.destroyed).toBe(false);
    expect(h.engine().received.map((m) => m.type)).not.toContain('shutdown');
  });

  it('quits without a question when no position is open: shutdown, then the app exits', async () => {
    const h = harness();
    await h.boot();
    h.electron.tray().menu?.click('Quit Mirrorfill');
    await eventually(() => expect(h.electron.app.quitCalls).toBe(2));
    expect(h.electron.dialog.asked).toEqual([]);
    expect(h.engine().received.at(-1)).toEqual({ type: 'shutdown' });
    expect(h.electron.tray().destroyed).toBe(true);
    // While quitting, closing the window really closes it.
    expect(h.electron.window().userCloses()).toBe(false);
  });

  it('asks when positions are open; Cancel keeps everything running', async () => {
    const open = snapshot({ accounts: [{ id: 'a', positions: [{ contract: 'MNQZ5', root: 'MNQ', netPos: 2 }] }, { id: 'b', positions: [{ contract: 'NQZ5', root: 'NQ', netPos: -1 }] }] });
    const h = harness({ handler: (cmd) => (cmd === 'state.get' ? open : {}) });
    await h.boot();
    h.electron.dialog.answer = 1;
    h.electron.app.quit();
    await eventually(() => expect(h.electron.dialog.asked).toHaveLength(1));
    await settle();
    expect(h.electron.dialog.asked[0]?.message).toBe('2 positions are open in 2 accounts. Quit Mirrorfill?');
    expect(h.engine().received.map((m) => m.type)).not.toContain('shutdown');
    expect(h.electron.app.quitCalls).toBe(1);
    h.electron.dialog.answer = 0;
    h.electron.app.quit();
    await eventually(() => expect(h.electron.app.quitCalls).toBe(3));
    expect(h.engine().received.at(-1)).toEqual({ type: 'shutdown' });
  });

  it('does not ask when the engine is down (nothing is being copied)', async () => {
    const open = snapshot({ accounts: [{ id: 'a', positions: [{ contract: 'MNQZ5', root: 'MNQ', netPos: 2 }] }] });
    const h = harness({ handler: (cmd) => (cmd === 'state.get' ? open : {}) });
    await h.boot();
    h.engine().exit(1);
    await settle();
    h.electron.app.quit();
    await eventually(() => expect(h.electron.app.quitCalls).toBe(2));
    expect(h.electron.dialog.asked).toEqual([]);
  });

  it('a signal quits without asking but still shuts the engine down', async () => {
    const open = snapshot({ accounts: [{ id: 'a', positions: [{ contract: 'MNQZ5', root: 'MNQ', netPos: 2 }] }] });
    const h = harness({ handler: (cmd) => (cmd === 'state.get' ? open : {}) });
    await h.boot();
    await h.desktop.quitWithoutAsking();
    expect(h.electron.dialog.asked).toEqual([]);
    expect(h.engine().received.at(-1)).toEqual({ type: 'shutdown' });
    expect(h.electron.app.quitCalls).toBe(1);
  });
});

describe('notifications', () => {
  it('shows engine alerts as the settings say', async () => {
    const h = harness();
    await h.boot();
    const e = h.engine();
    e.broadcast({ type: 'alert', level: 'warning', topic: 'quarantine', title: 'tv1: MNQ quarantined', body: 'rejected twice' });
    e.broadcast({ type: 'alert', level: 'critical', topic: 'lock', title: 'px1 locked', body: 'dailyLoss breached' });
    await eventually(() => expect(h.electron.notifications.map((n) => n.options.title)).toEqual(['tv1: MNQ quarantined', 'px1 locked']));
    // The user turns lock notifications off (in the window); the engine reports the new settings.
    e.report({ type: 'settings', settings: { startWithOs: false, startPaused: false, soundOnLock: true, notifyOnLock: false, notifyOnRejection: true, dataFolder: '', logFolder: '' } });
    await settle();
    e.broadcast({ type: 'alert', level: 'critical', topic: 'lock', title: 'px2 locked', body: 'dailyLoss breached' });
    e.broadcast({ type: 'alert', level: 'warning', topic: 'connection', title: 'Connection lost: demo-projectx', body: 'socket closed' });
    await eventually(() => expect(h.electron.notifications.map((n) => n.options.title)).toEqual(['tv1: MNQ quarantined', 'px1 locked', 'Connection lost: demo-projectx']));
    h.electron.window().userCloses();
    h.electron.notifications[0]?.emit('click');
    expect(h.electron.window().visible).toBe(true);
  });

  it('tells the user when the engine stops unexpectedly', async () => {
    const h = harness();
    await h.boot();
    h.engine().exit(1);
    await settle();
    expect(h.electron.notifications.map((n) => [n.options.title, n.options.body])).toEqual([['Mirrorfill engine stopped', 'Copying is interrupted; restarting in 1 s. (exited with code 1)']]);
  });
});

describe('an engine that cannot start', () => {
  const message = 'The engine cannot start: the native module better-sqlite3 does not load (its build is for NODE_MODULE_VERSION 115, but Electron 45.4.1 needs NODE_MODULE_VERSION 150). Fix: npm run native -- --electron. Nothing was opened or written.';

  it('hands the engine the development native folder', async () => {
    const h = harness({ nativeDir: '/repo/node_modules/.mirrorfill-native' });
    h.electron.app.becomeReady();
    await h.desktop.started;
    expect(h.engine().args).toEqual(['--data-dir', userData, '--demo', 'auto', '--native-dir', '/repo/node_modules/.mirrorfill-native']);
  });

  it('shows one dialog with the reason, notifies nothing more, and does not restart it', async () => {
    const h = harness();
    h.electron.app.becomeReady();
    await h.desktop.started;
    h.engine().report({ type: 'fatal', message, permanent: true });
    await settle();
    h.engine().exit(78);
    await settle();
    expect(h.electron.dialog.errors).toEqual([{ title: 'Mirrorfill cannot start its engine', content: message }]);
    expect(h.electron.notifications).toEqual([]);
    await h.scheduler.advance(10 * 60_000);
    expect(h.electron.engines).toHaveLength(1);
    expect(h.desktop.supervisor.engineState).toEqual({ state: 'crashed', reason: message });
  });
});

describe('start with the OS', () => {
  it('applies the engine’s setting to the login items of the installed app', async () => {
    const h = harness({ platform: 'win32', isPackaged: true });
    h.electron.app.becomeReady();
    await h.desktop.started;
    expect(h.electron.app.userModelIds).toEqual(['app.mirrorfill']);
    h.engine().ready('live', { startWithOs: true });
    await settle();
    expect(h.electron.app.loginItems).toEqual([{ openAtLogin: true, args: ['--hidden'] }]);
    h.engine().report({ type: 'settings', settings: { startWithOs: false, startPaused: false, soundOnLock: true, notifyOnLock: true, notifyOnRejection: true, dataFolder: '', logFolder: '' } });
    await settle();
    expect(h.electron.app.loginItems.at(-1)).toEqual({ openAtLogin: false, args: ['--hidden'] });
  });

  it('leaves the login items alone in development', async () => {
    const h = harness({ platform: 'darwin', isPackaged: false });
    h.electron.app.becomeReady();
    await h.desktop.started;
    h.engine().ready('live', { startWithOs: true });
    await settle();
    expect(h.electron.app.loginItems).toEqual([]);
  });
});

/**
 * The desktop app's main process, assembled from Electron seams: single instance, the window, the
 * tray, the supervised engine process and the ports between them, notifications, start with the
 * OS, and the quit flow. Main owns windows, the tray and the engine's lifetime and nothing else
 * (architecture.md): every trading decision and all data stay in the engine.
 */
import { join } from 'node:path';
import type { EngineProcessState, CommandName, CommandRequest } from '../src-engine/api/contract';
import type { SettingsView, SnapshotView } from '../src-engine/api/views';
import { confirmEmergencyStop, confirmLeaveDemo, confirmQuit } from './actions/confirmations';
import { EngineLink } from './engine/engineLink';
import { EnginePorts } from './engine/enginePorts';
import { SnapshotWatch } from './engine/snapshotWatch';
import { DEFAULT_TIMING, EngineSupervisor, type SupervisorTiming } from './engine/supervisor';
import { ENGINE_STATE } from './ipcChannels';
import { openMainLog, type MainLog } from './log/mainLog';
import { AlertNotifier } from './notify/alertNotifier';
import { realScheduler, type Scheduler } from './scheduler';
import type { ElectronSeams, PreventableEvent, WebContentsSeam, WindowSeam } from './seams';
import { demoFromArgv, DesktopPrefs, type DemoChoice } from './settings/demoChoice';
import { HIDDEN_FLAG, startWithOsApplier } from './settings/startWithOs';
import { AppTray } from './tray/appTray';
import { trayViewOf } from './tray/trayView';
import { denyAllPermissions, hardenWebContents } from './window/hardening';
import { registerAppScheme, serveRenderer } from './window/appProtocol';
import { openMainWindow, revealWindow } from './window/mainWindow';

export const APP_ID = 'app.mirrorfill';
export const ENGINE_SERVICE_NAME = 'Mirrorfill Engine';

export interface DesktopPaths {
  /** dist/main/preload.cjs */
  readonly preload: string;
  /** dist/main/engine.cjs (src-engine/host/utilityProcessHost.ts, bundled) */
  readonly engineEntry: string;
  /** dist/renderer */
  readonly rendererDir: string;
  /** resources/icons */
  readonly iconsDir: string;
}

export interface DesktopOptions {
  readonly paths: DesktopPaths;
  readonly argv: readonly string[];
  readonly platform: NodeJS.Platform;
  /** What "start with the OS" starts (the AppImage when running from one). */
  readonly executable: string;
  /** Linux autostart folder ($XDG_CONFIG_HOME/autostart). */
  readonly autostartDir: string;
  /**
   * Development runs: the folder of native-module builds per runtime ABI, handed to the engine
   * (`--native-dir`). The installed app has none: electron-builder rebuilt its modules for Electron.
   */
  readonly nativeDir?: string;
  readonly scheduler?: Scheduler;
  readonly timing?: Partial<SupervisorTiming>;
  readonly openLog?: (file: string) => MainLog;
}

export interface DesktopApp {
  /** Settles once the app is set up after Electron's `ready`. */
  readonly started: Promise<void>;
  readonly supervisor: EngineSupervisor;
  readonly link: EngineLink;
  showWindow(): void;
  /** Ctrl-C / SIGTERM: no question asked, but the engine still shuts down cleanly. */
  quitWithoutAsking(): Promise<void>;
}

type QuitState = 'no' | 'asking' | 'stopping' | 'done';

/** Returns undefined when another instance holds the lock (it gets focused instead). */
export function runDesktopApp(seams: ElectronSeams, options: DesktopOptions): DesktopApp | undefined {
  const { app } = seams;
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return undefined;
  }
  // Privileged schemes must be registered before `ready`.
  registerAppScheme(seams.protocol);
  return new Desktop(seams, options);
}

class Desktop implements DesktopApp {
  readonly started: Promise<void>;
  readonly supervisor: EngineSupervisor;
  readonly link: EngineLink;
  private readonly log: MainLog;
  private readonly scheduler: Scheduler;
  private readonly userData: string;
  private readonly prefs: DesktopPrefs;
  private readonly ports: EnginePorts;
  private readonly watch: SnapshotWatch;
  private readonly tray: AppTray;
  private readonly notifier: AlertNotifier;
  private readonly applyStartWithOs: (enabled: boolean) => void;
  private window: WindowSeam | undefined;
  private ready = false;
  private showWhenReady: boolean;
  private quit: QuitState = 'no';
  private engineState: EngineProcessState = { state: 'starting', attempt: 1 };
  /** The message of an engine that cannot start at all: shown once in a dialog, not notified again. */
  private cannotStart: string | undefined;
  private snapshot: SnapshotView | undefined;
  private settings: SettingsView | undefined;

  constructor(
    private readonly seams: ElectronSeams,
    private readonly options: DesktopOptions,
  ) {
    const { app } = seams;
    this.scheduler = options.scheduler ?? realScheduler;
    this.userData = app.getPath('userData');
    this.log = (options.openLog ?? openMainLog)(join(this.userData, 'logs', 'main.log'));
    this.prefs = DesktopPrefs.in(this.userData);
    this.showWhenReady = !options.argv.includes(HIDDEN_FLAG);
    this.link = new EngineLink(this.scheduler);
    this.ports = new EnginePorts({ createChannel: () => seams.createChannel(), link: this.link, log: this.log });
    this.watch = new SnapshotWatch(this.link, this.scheduler, (s) => {
      this.snapshot = s;
      this.showTray();
    });
    this.applyStartWithOs = startWithOsApplier({ app, platform: options.platform, executable: options.executable, autostartDir: options.autostartDir, log: this.log });
    this.notifier = new AlertNotifier({
      create: (o) => seams.createNotification(o),
      supported: () => seams.notificationsSupported(),
      settings: () => this.settings,
      onClick: () => this.showWindow(),
      scheduler: this.scheduler,
    });
    this.tray = new AppTray(seams, options.paths.iconsDir, {
      pauseAll: () => this.command('controls.pauseAll', {}, 'Pause all'),
      resumeAll: () => this.command('controls.resumeAll', {}, 'Resume all'),
      emergencyStop: () => void this.emergencyStop(),
      open: () => this.showWindow(),
      restartEngine: () => this.supervisor.start(),
      leaveDemo: () => void this.leaveDemo(),
      quit: () => app.quit(),
    });
    this.supervisor = new EngineSupervisor({
      spawn: () =>
        seams.forkEngine(options.paths.engineEntry, ['--data-dir', this.userData, '--demo', this.demoChoice(), ...(options.nativeDir !== undefined ? ['--native-dir', options.nativeDir] : [])], {
          serviceName: ENGINE_SERVICE_NAME,
          stdio: 'pipe',
        }),
      scheduler: this.scheduler,
      timing: { ...DEFAULT_TIMING, ...options.timing },
      log: this.log,
      onState: (s) => this.onEngineState(s),
      onReady: (child, report) => {
        this.settings = report.settings;
        this.applyStartWithOs(report.settings.startWithOs);
        this.ports.engineReady(child);
        this.watch.refresh();
      },
      onReport: (r) => {
        if (r.type !== 'settings') return;
        this.settings = r.settings;
        this.applyStartWithOs(r.settings.startWithOs);
      },
      onGone: () => this.ports.engineGone(),
      onPermanentFailure: (message) => {
        this.cannotStart = message;
        seams.dialog.showErrorBox('Mirrorfill cannot start its engine', message);
      },
    });
    this.link.onEvent((e) => {
      if (e.type === 'alert') this.notifier.notify(e);
      else if (e.type === 'changed') this.watch.refresh();
    });

    app.on('second-instance', () => this.showWindow());
    app.on('activate', () => this.showWindow());
    const openExternal = (url: string): void => {
      this.seams.openExternal(url).catch((err: unknown) => this.log.warn('the system browser could not be opened', { error: String(err) }));
    };
    app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, this.log, openExternal));
    // Closing the window keeps copying in the tray; only Quit ends the app.
    app.on('window-all-closed', () => undefined);
    app.on('before-quit', (event) => this.beforeQuit(event));
    this.started = app.whenReady().then(() => this.start());
  }

  private start(): void {
    const { seams, options } = this;
    this.log.info('Mirrorfill starting', { platform: options.platform, packaged: seams.app.isPackaged });
    // Windows shows notifications only for an app with a user model id.
    if (options.platform === 'win32') seams.app.setAppUserModelId(APP_ID);
    denyAllPermissions(seams.defaultSession());
    serveRenderer(seams.protocol, options.paths.rendererDir);
    this.ready = true;
    this.showTray();
    this.window = this.openWindow(this.showWhenReady);
    this.supervisor.start();
  }

  showWindow(): void {
    if (!this.ready) {
      this.showWhenReady = true;
      return;
    }
    const win = this.window;
    if (!win || win.isDestroyed()) this.window = this.openWindow(true);
    else revealWindow(win);
  }

  private openWindow(show: boolean): WindowSeam {
    const { paths } = this.options;
    const win = openMainWindow({
      createWindow: (o) => this.seams.createWindow(o),
      preload: paths.preload,
      icon: join(paths.iconsDir, 'icon.png'),
      log: this.log,
      show,
      isQuitting: () => this.quit === 'stopping' || this.quit === 'done',
      onLoaded: (contents) => this.windowLoaded(contents),
      onClosed: () => {
        if (this.window === win) this.window = undefined;
        this.ports.windowGone();
      },
    });
    return win;
  }

  private windowLoaded(contents: WebContentsSeam): void {
    // The page learns the engine's state first, then gets its port (if the engine is up).
    contents.send(ENGINE_STATE, this.engineState);
    this.ports.windowLoaded(contents);
  }

  private demoChoice(): DemoChoice {
    return demoFromArgv(this.options.argv) ?? this.prefs.demo();
  }

  // ---- engine state ------------------------------------------------------------------------------

  private onEngineState(s: EngineProcessState): void {
    this.engineState = s;
    if (s.state !== 'running') {
      this.snapshot = undefined;
      this.watch.stop();
    }
    const contents = this.window?.webContents;
    if (contents && !contents.isDestroyed()) contents.send(ENGINE_STATE, s);
    this.showTray();
    if (s.state === 'restarting' && s.attempt === 1) {
      const seconds = Math.max(1, Math.round((s.retryAt - this.scheduler.now()) / 1000));
      this.notifier.notify({ type: 'alert', topic: 'engine', level: 'critical', title: 'Mirrorfill engine stopped', body: `Copying is interrupted; restarting in ${seconds} s. (${s.reason})` });
    } else if (s.state === 'crashed' && s.reason !== this.cannotStart) {
      this.notifier.notify({ type: 'alert', topic: 'engine', level: 'critical', title: 'Mirrorfill engine stopped', body: `Copying has stopped: ${s.reason}. Restart it from the tray.` });
    }
  }

  private showTray(): void {
    if (!this.ready || this.quit === 'done') return;
    this.tray.show(trayViewOf(this.engineState, this.snapshot));
  }

  // ---- tray actions ------------------------------------------------------------------------------

  private command<N extends CommandName>(cmd: N, args: CommandRequest<N>, label: string): void {
    this.link.invoke(cmd, args).then(
      () => this.watch.refresh(),
      (err: unknown) => {
        this.log.warn('tray command failed', { cmd, error: String(err) });
        this.seams.dialog.showErrorBox('Mirrorfill', `${label} did not go through: ${err instanceof Error ? err.message : String(err)}`);
      },
    );
  }

  private async emergencyStop(): Promise<void> {
    if (!(await confirmEmergencyStop(this.seams.dialog))) return;
    this.command('controls.emergencyStop', {}, 'Emergency stop');
  }

  private async leaveDemo(): Promise<void> {
    if (!(await confirmLeaveDemo(this.seams.dialog))) return;
    this.prefs.leaveDemo();
    this.log.info('leaving the demo: restarting the engine with the user’s data');
    await this.supervisor.restart();
  }

  // ---- quitting ----------------------------------------------------------------------------------

  private beforeQuit(event: PreventableEvent): void {
    if (this.quit === 'done') return;
    // Hold the quit until the engine has shut down (and, with open positions, the user agreed).
    event.preventDefault();
    if (this.quit === 'no') void this.askThenQuit();
  }

  private async askThenQuit(): Promise<void> {
    this.quit = 'asking';
    const go = await this.confirmQuit();
    if (this.quitState() !== 'asking') return; // a signal forced the quit while the question was open
    if (!go) {
      this.quit = 'no';
      return;
    }
    await this.finishQuit();
  }

  private async confirmQuit(): Promise<boolean> {
    if (this.engineState.state !== 'running' || !this.link.connected) return true; // nothing is being copied now
    const snapshot = await this.link.invoke('state.get', {}, 3_000).catch(() => undefined);
    return confirmQuit(this.seams.dialog, snapshot);
  }

  /** Read through a call: the state can change while a dialog is awaited. */
  private quitState(): QuitState {
    return this.quit;
  }

  async quitWithoutAsking(): Promise<void> {
    if (this.quit === 'stopping' || this.quit === 'done') return;
    await this.finishQuit();
  }

  private async finishQuit(): Promise<void> {
    this.quit = 'stopping';
    this.log.info('quitting: stopping the engine');
    this.watch.stop();
    await this.supervisor.stop();
    this.tray.destroy();
    this.quit = 'done';
    this.log.info('quit');
    this.seams.app.quit();
  }
}

/**
 * Test doubles for the Electron seams (src-main/seams.ts). The real Electron cannot run where these
 * tests run (its binary cannot be downloaded), so main is tested through its seams: these record
 * what main asked Electron to do and let a test play Electron's part (emit `ready-to-show`, a
 * window close, a second launch…). MessageChannelMain is the exception: it is backed by real
 * worker_threads ports, so messages really travel.
 */
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type {
  BrowserWindowConstructorOptions,
  CustomScheme,
  ForkOptions,
  HandlerDetails,
  MenuItemConstructorOptions,
  MessageBoxOptions,
  MessageBoxReturnValue,
  NotificationConstructorOptions,
  Settings,
  WindowOpenHandlerResponse,
} from 'electron';
import type { HostCommand, HostReport } from '../../src-engine/api/contract';
import type {
  AppSeam,
  DialogSeam,
  ElectronSeams,
  EngineChild,
  MenuSeam,
  NotificationSeam,
  PortMain,
  PortPair,
  PreventableEvent,
  ProtocolSeam,
  SessionSeam,
  TraySeam,
  WebContentsSeam,
  WindowSeam,
} from '../seams';
import { ENGINE_PORT, ENGINE_STATE } from '../ipcChannels';
import { isEngineProcessState, PreloadEngineClient, type EngineClientOptions, type WebPortLike } from '../preload/engineClient';

export class Preventable implements PreventableEvent {
  prevented = false;
  preventDefault(): void {
    this.prevented = true;
  }
}

// ---- ports: real MessagePorts with Electron's MessagePortMain event shape ----------------------

/** A MessagePortMain over a real worker_threads port: `message` listeners get `{data}`. */
export class NodeBackedPort extends EventEmitter implements PortMain {
  constructor(readonly node: MessagePort) {
    super();
    node.on('message', (data: unknown) => this.emit('message', { data }));
    node.on('close', () => this.emit('close'));
  }
  postMessage(message: unknown): void {
    this.node.postMessage(message);
  }
  start(): void {
    this.node.start();
  }
  close(): void {
    this.node.close();
  }
  /** The same port as the sandboxed page's preload sees it (the DOM MessagePort surface). */
  get web(): WebPortLike {
    const node = this.node;
    return {
      postMessage: (message) => node.postMessage(message),
      addEventListener: (_type, listener) => node.on('message', (data: unknown) => listener({ data })),
      start: () => node.start(),
      close: () => node.close(),
    };
  }
}

export function realChannel(): PortPair & { readonly port1: NodeBackedPort; readonly port2: NodeBackedPort } {
  const { port1, port2 } = new MessageChannel();
  return { port1: new NodeBackedPort(port1), port2: new NodeBackedPort(port2) };
}

// ---- app, session, protocol, dialog ---------------------------------------------------------------

export class FakeApp extends EventEmitter implements AppSeam {
  isPackaged = false;
  gotLock = true;
  quitCalls = 0;
  readonly userModelIds: string[] = [];
  readonly loginItems: Settings[] = [];
  private markReady: () => void = () => undefined;
  private readonly ready = new Promise<void>((resolve) => (this.markReady = resolve));

  constructor(readonly userData: string) {
    super();
  }
  requestSingleInstanceLock(): boolean {
    return this.gotLock;
  }
  whenReady(): Promise<void> {
    return this.ready;
  }
  /** Electron's `ready`. */
  becomeReady(): void {
    this.markReady();
  }
  quit(): void {
    this.quitCalls++;
    // Electron emits before-quit on quit(); a listener may prevent it.
    const e = new Preventable();
    this.emit('before-quit', e);
    if (!e.prevented) this.emit('did-quit');
  }
  getPath(_name: 'userData'): string {
    return this.userData;
  }
  setAppUserModelId(id: string): void {
    this.userModelIds.push(id);
  }
  setLoginItemSettings(settings: Settings): void {
    this.loginItems.push(settings);
  }
}

export class FakeSession implements SessionSeam {
  requestHandler: ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void) | undefined;
  checkHandler: ((contents: unknown, permission: string) => boolean) | undefined;
  setPermissionRequestHandler(handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void): void {
    this.requestHandler = handler;
  }
  setPermissionCheckHandler(handler: (contents: unknown, permission: string) => boolean): void {
    this.checkHandler = handler;
  }
}

export class FakeProtocol implements ProtocolSeam {
  readonly privileged: CustomScheme[] = [];
  readonly handlers = new Map<string, (request: Request) => Response | Promise<Response>>();
  registerSchemesAsPrivileged(schemes: CustomScheme[]): void {
    this.privileged.push(...schemes);
  }
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void {
    this.handlers.set(scheme, handler);
  }
}

export class FakeDialog implements DialogSeam {
  readonly asked: MessageBoxOptions[] = [];
  readonly errors: { title: string; content: string }[] = [];
  /** The button index the user will press next (0 = go ahead, 1 = Cancel in our dialogs). */
  answer = 0;
  showMessageBox(options: MessageBoxOptions): Promise<MessageBoxReturnValue> {
    this.asked.push(options);
    return Promise.resolve({ response: this.answer, checkboxChecked: false });
  }
  showErrorBox(title: string, content: string): void {
    this.errors.push({ title, content });
  }
}

// ---- window -------------------------------------------------------------------------------------

export class FakeWebContents extends EventEmitter implements WebContentsSeam {
  readonly session = new FakeSession();
  openHandler: ((details: HandlerDetails) => WindowOpenHandlerResponse) | undefined;
  readonly posted: { channel: string; message: unknown; ports: PortMain[] }[] = [];
  readonly sent: { channel: string; args: unknown[] }[] = [];
  destroyed = false;
  reloads = 0;
  private preload: PreloadEngineClient | undefined;
  setWindowOpenHandler(handler: (details: HandlerDetails) => WindowOpenHandlerResponse): void {
    this.openHandler = handler;
  }
  postMessage(channel: string, message: unknown, transfer: PortMain[] = []): void {
    this.posted.push({ channel, message, ports: transfer });
    const port = transfer[0];
    if (channel === ENGINE_PORT && port instanceof NodeBackedPort) this.toPreload((p) => p.usePort(port.web));
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
    const state = args[0];
    if (channel === ENGINE_STATE && isEngineProcessState(state)) this.toPreload((p) => p.setEngineState(state));
  }
  /**
   * The page's preload as src-main/preload.ts runs it in this window, listening from now on: it
   * hears main's engine-state sends and engine-port posts asynchronously and in order, as IPC
   * delivers them. A later call stands for the next page load (the old preload hears no more).
   */
  loadPreload(options?: EngineClientOptions): PreloadEngineClient {
    const client = new PreloadEngineClient(options);
    this.preload = client;
    return client;
  }
  private toPreload(deliver: (preload: PreloadEngineClient) => void): void {
    const preload = this.preload;
    if (preload) setImmediate(() => this.preload === preload && deliver(preload));
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  reload(): void {
    this.reloads++;
  }
  /** The page asks to go to `url`; returns whether main stopped it. */
  navigate(url: string, event: 'will-navigate' | 'will-redirect' = 'will-navigate'): boolean {
    const e = new Preventable();
    this.emit(event, e, url);
    return e.prevented;
  }
  /** The page finished loading (first load or reload). */
  finishLoad(): void {
    this.emit('did-finish-load');
  }
  /** The engine ports handed to this page, newest last. */
  enginePorts(): NodeBackedPort[] {
    return this.posted.filter((p) => p.channel === 'engine-port').map((p) => p.ports[0] as NodeBackedPort);
  }
}

export class FakeWindow extends EventEmitter implements WindowSeam {
  readonly webContents = new FakeWebContents();
  loadedUrl: string | undefined;
  visible = false;
  minimized = false;
  destroyed = false;
  focused = 0;
  constructor(readonly options: BrowserWindowConstructorOptions) {
    super();
  }
  loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
    return Promise.resolve();
  }
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  focus(): void {
    this.focused++;
  }
  restore(): void {
    this.minimized = false;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** The user clicks the close button; returns whether main kept the window (close-to-tray). */
  userCloses(): boolean {
    const e = new Preventable();
    this.emit('close', e);
    if (e.prevented) return true;
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
    return false;
  }
}

// ---- tray, menu, notifications -------------------------------------------------------------------

export class FakeMenu implements MenuSeam {
  constructor(readonly items: readonly MenuItemConstructorOptions[]) {}
  labels(): string[] {
    return this.items.filter((i) => i.type !== 'separator').map((i) => i.label ?? '');
  }
  item(label: string): MenuItemConstructorOptions {
    const found = this.items.find((i) => i.label === label);
    if (!found) throw new Error(`no menu item "${label}" in ${JSON.stringify(this.labels())}`);
    return found;
  }
  /** Clicks an item as Electron would (the handler ignores Electron's arguments). */
  click(label: string): void {
    const item = this.item(label);
    if (item.enabled === false) throw new Error(`menu item "${label}" is disabled`);
    (item.click as (() => void) | undefined)?.();
  }
}

export class FakeTray extends EventEmitter implements TraySeam {
  menu: FakeMenu | undefined;
  toolTip = '';
  destroyed = false;
  readonly images: string[] = [];
  constructor(image: string) {
    super();
    this.images.push(image);
  }
  get image(): string {
    return this.images.at(-1) ?? '';
  }
  setImage(image: string): void {
    this.images.push(image);
  }
  setToolTip(toolTip: string): void {
    this.toolTip = toolTip;
  }
  setContextMenu(menu: MenuSeam | null): void {
    this.menu = (menu as FakeMenu | null) ?? undefined;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

export class FakeNotification extends EventEmitter implements NotificationSeam {
  shown = false;
  constructor(readonly options: NotificationConstructorOptions) {
    super();
  }
  show(): void {
    this.shown = true;
  }
}

// ---- the engine's utility process ------------------------------------------------------------------

export type CommandHandler = (cmd: string, args: unknown) => unknown;

/**
 * A utility process that plays the engine's part of the protocol: reports, serves the ports it is
 * given with `handler`, and exits when told. Its stdout/stderr are real streams.
 */
export class ScriptedEngine extends EventEmitter implements EngineChild {
  static nextPid = 1000;
  readonly pid = ScriptedEngine.nextPid++;
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly received: HostCommand[] = [];
  /** Every request that reached it over any port, in order. */
  readonly requests: { cmd: string; args: unknown; role: string }[] = [];
  readonly ports: { role: string; port: PortMain }[] = [];
  kills = 0;
  exited = false;
  /** How it answers `shutdown`: exit cleanly, or ignore it (a hung engine). */
  onShutdown: 'exit' | 'hang' = 'exit';

  constructor(
    readonly modulePath: string,
    readonly args: string[],
    readonly options: ForkOptions,
    public handler: CommandHandler = () => ({}),
  ) {
    super();
  }

  postMessage(message: HostCommand, transfer: PortMain[] = []): void {
    this.received.push(message);
    if (message.type === 'shutdown') {
      if (this.onShutdown === 'exit') {
        this.report({ type: 'stopped' });
        this.exit(0);
      }
      return;
    }
    for (const port of transfer) this.serve(message.role, port);
  }

  kill(): boolean {
    this.kills++;
    this.exit(-1);
    return true;
  }

  /** Posts a report to main as the real engine does over parentPort. */
  report(r: HostReport): void {
    setImmediate(() => this.emit('message', r));
  }

  ready(mode: 'live' | 'demo' = 'live', settings: Partial<Extract<HostReport, { type: 'ready' }>['settings']> = {}): void {
    this.report({ type: 'ready', mode, settings: { ...DEFAULT_SETTINGS, ...settings } });
  }

  /** The process dies (crash, or the end of a shutdown). */
  exit(code: number): void {
    if (this.exited) return;
    this.exited = true;
    for (const { port } of this.ports) port.close();
    this.stdout.end();
    this.stderr.end();
    setImmediate(() => this.emit('exit', code));
  }

  /** Pushes an event to every served port (an engine alert, a change). */
  broadcast(event: unknown): void {
    for (const { port } of this.ports) port.postMessage({ event });
  }

  private serve(role: string, port: PortMain): void {
    this.ports.push({ role, port });
    port.on('message', (e) => {
      const { id, cmd, args } = e.data as { id: number; cmd: string; args: unknown };
      this.requests.push({ cmd, args, role });
      try {
        port.postMessage({ id, ok: true, result: this.handler(cmd, args) });
      } catch (err) {
        port.postMessage({ id, ok: false, error: { kind: 'refused', message: String(err), issues: [] } });
      }
    });
    port.start();
  }
}

export const DEFAULT_SETTINGS: Extract<HostReport, { type: 'ready' }>['settings'] = {
  startWithOs: false,
  startPaused: false,
  soundOnLock: true,
  notifyOnLock: true,
  notifyOnRejection: true,
  dataFolder: '/data',
  logFolder: '/data/logs',
};

// ---- all seams together --------------------------------------------------------------------------

export interface FakeElectron extends ElectronSeams {
  readonly app: FakeApp;
  readonly protocol: FakeProtocol;
  readonly dialog: FakeDialog;
  readonly session: FakeSession;
  readonly windows: FakeWindow[];
  readonly trays: FakeTray[];
  readonly notifications: FakeNotification[];
  readonly engines: EngineChild[];
  /** The newest window / tray / engine. */
  window(): FakeWindow;
  tray(): FakeTray;
  notificationsSupportedValue: boolean;
  /** Addresses opened in the system browser. */
  readonly opened: string[];
  /** Closes every port created (no MessagePort outlives a test). */
  dispose(): void;
}

export function fakeElectron(userData: string, fork: (modulePath: string, args: string[], options: ForkOptions) => EngineChild): FakeElectron {
  const windows: FakeWindow[] = [];
  const trays: FakeTray[] = [];
  const notifications: FakeNotification[] = [];
  const engines: EngineChild[] = [];
  const session = new FakeSession();
  const ports: NodeBackedPort[] = [];
  const opened: string[] = [];
  const e: FakeElectron = {
    app: new FakeApp(userData),
    protocol: new FakeProtocol(),
    dialog: new FakeDialog(),
    session,
    windows,
    trays,
    notifications,
    engines,
    notificationsSupportedValue: true,
    opened,
    openExternal: (url) => {
      opened.push(url);
      return Promise.resolve();
    },
    defaultSession: () => session,
    createWindow: (options) => {
      const w = new FakeWindow(options);
      windows.push(w);
      return w;
    },
    createTray: (image) => {
      const t = new FakeTray(image);
      trays.push(t);
      return t;
    },
    buildMenu: (template) => new FakeMenu(template),
    createNotification: (options) => {
      const n = new FakeNotification(options);
      notifications.push(n);
      return n;
    },
    notificationsSupported: () => e.notificationsSupportedValue,
    createChannel: () => {
      const pair = realChannel();
      ports.push(pair.port1, pair.port2);
      return pair;
    },
    forkEngine: (modulePath, args, options) => {
      const child = fork(modulePath, args, options);
      engines.push(child);
      return child;
    },
    window: () => {
      const w = windows.at(-1);
      if (!w) throw new Error('no window');
      return w;
    },
    tray: () => {
      const t = trays.at(-1);
      if (!t) throw new Error('no tray');
      return t;
    },
    dispose: () => {
      for (const p of ports.splice(0)) p.close();
    },
  };
  return e;
}

/** Lets queued messages, immediates and promise callbacks run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

/** Polls until `check` passes (real ports deliver asynchronously). */
export async function eventually(check: () => void | Promise<void>, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

/**
 * The parts of Electron that main uses, as small interfaces. Everything in src-main receives these
 * instead of importing Electron, so it can be unit-tested where no Electron binary exists (see
 * architecture.md, "Testing on machines without network access"). `main.ts` builds the real seams
 * from Electron's objects, which typechecks them against Electron's own type definitions.
 *
 * Each method is declared with only the events and arguments main uses; Electron's richer
 * signatures are assignable to these.
 */
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
  WebPreferences,
  WindowOpenHandlerResponse,
} from 'electron';
import type { HostCommand } from '../src-engine/api/contract';

/* eslint-disable @typescript-eslint/unified-signatures --
   One overload per event on purpose: Electron declares one per event, and those are assignable to
   separate overloads but not to a single signature taking a union of event names. */

export interface PreventableEvent {
  preventDefault(): void;
}

/** Electron's MessagePortMain (main-process end of a MessageChannelMain). */
export interface PortMain {
  on(event: 'message', listener: (e: { readonly data: unknown }) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  postMessage(message: unknown): void;
  start(): void;
  close(): void;
}

export interface PortPair {
  readonly port1: PortMain;
  readonly port2: PortMain;
}

export interface AppSeam {
  readonly isPackaged: boolean;
  requestSingleInstanceLock(): boolean;
  whenReady(): Promise<void>;
  quit(): void;
  getPath(name: 'userData'): string;
  setAppUserModelId(id: string): void;
  setLoginItemSettings(settings: Settings): void;
  on(event: 'second-instance', listener: () => void): unknown;
  on(event: 'activate', listener: () => void): unknown;
  on(event: 'window-all-closed', listener: () => void): unknown;
  on(event: 'before-quit', listener: (event: PreventableEvent) => void): unknown;
  on(event: 'web-contents-created', listener: (event: unknown, contents: WebContentsSeam) => void): unknown;
}

export interface SessionSeam {
  setPermissionRequestHandler(handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (contents: unknown, permission: string) => boolean): void;
}

export interface WebContentsSeam {
  readonly session: SessionSeam;
  on(event: 'will-navigate', listener: (event: PreventableEvent, url: string) => void): unknown;
  on(event: 'will-redirect', listener: (event: PreventableEvent, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent, webPreferences: WebPreferences) => void): unknown;
  on(event: 'did-finish-load', listener: () => void): unknown;
  on(event: 'render-process-gone', listener: (event: unknown, details: { readonly reason: string }) => void): unknown;
  setWindowOpenHandler(handler: (details: HandlerDetails) => WindowOpenHandlerResponse): void;
  /** Transfers MessagePorts to the renderer (the preload receives them on `channel`). */
  postMessage(channel: string, message: unknown, transfer?: PortMain[]): void;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
  reload(): void;
}

export interface WindowSeam {
  readonly webContents: WebContentsSeam;
  loadURL(url: string): Promise<void>;
  show(): void;
  hide(): void;
  focus(): void;
  restore(): void;
  isMinimized(): boolean;
  isDestroyed(): boolean;
  on(event: 'close', listener: (event: PreventableEvent) => void): unknown;
  on(event: 'closed', listener: () => void): unknown;
  once(event: 'ready-to-show', listener: () => void): unknown;
}

/** Opaque: whatever Menu.buildFromTemplate returns, handed back to the tray. */
export interface MenuSeam {
  readonly items: readonly unknown[];
}

export interface TraySeam {
  setImage(image: string): void;
  setToolTip(toolTip: string): void;
  setContextMenu(menu: MenuSeam | null): void;
  on(event: 'click', listener: () => void): unknown;
  destroy(): void;
}

export interface NotificationSeam {
  show(): void;
  on(event: 'click', listener: () => void): unknown;
}

/** Electron's UtilityProcess as main's supervisor uses it. */
export interface EngineChild {
  readonly pid: number | undefined;
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
  postMessage(message: HostCommand, transfer?: PortMain[]): void;
  kill(): boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
}

export interface ProtocolSeam {
  registerSchemesAsPrivileged(schemes: CustomScheme[]): void;
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
}

export interface DialogSeam {
  showMessageBox(options: MessageBoxOptions): Promise<MessageBoxReturnValue>;
  showErrorBox(title: string, content: string): void;
}

/** Everything main needs from Electron; `main.ts` fills it from the real modules. */
export interface ElectronSeams {
  readonly app: AppSeam;
  readonly protocol: ProtocolSeam;
  readonly dialog: DialogSeam;
  defaultSession(): SessionSeam;
  createWindow(options: BrowserWindowConstructorOptions): WindowSeam;
  createTray(image: string): TraySeam;
  buildMenu(template: MenuItemConstructorOptions[]): MenuSeam;
  createNotification(options: NotificationConstructorOptions): NotificationSeam;
  notificationsSupported(): boolean;
  createChannel(): PortPair;
  forkEngine(modulePath: string, args: string[], options: ForkOptions): EngineChild;
  /** The system browser (Sign in with Tradovate). */
  openExternal(url: string): Promise<void>;
}

/**
 * THE renderer's way to the engine. One typed `invoke` and one event stream, over whichever
 * channel the host offers:
 *  - Electron: the preload exposes `window.mirrorfill` (verbs typed as `MirrorfillApi`), or hands
 *    the page a MessagePort that speaks the raw envelope;
 *  - headless serve/demo: a WebSocket to `/api` on the same origin, offering the token the page
 *    was opened with as a subprotocol (src-engine/api/socketAuth.ts, ./pageToken.ts).
 *
 * The socket channel numbers requests, keeps a pending map, rejects every pending request when the
 * socket closes, and reconnects with capped backoff and jitter. Status changes are published so the
 * UI can show "engine disconnected — reconnecting" and the stores can re-read after a reconnect.
 */
import {
  Commands,
  type ApiEvent,
  type CommandName,
  type EngineProcessState,
  type CommandRequest,
  type CommandResult,
  type MirrorfillApi,
  type ResponseEnvelope,
  type ServerMessage,
} from '../../src-engine/api/contract';
import { socketProtocols } from '../../src-engine/api/socketAuth';
import { ApiError, toApiError } from './errors';

export { ApiError };

export type ClientStatus =
  | { readonly state: 'connecting' }
  | { readonly state: 'open'; readonly since: number }
  | { readonly state: 'reconnecting'; readonly attempt: number; readonly nextTryAt: number; readonly reason: string }
  /** `reason`: why, and what the user can do (the desktop host says when its engine gave up). */
  | { readonly state: 'closed'; readonly reason?: string };

/** What the app and the stores use, whatever the channel. */
export interface EngineClient extends MirrorfillApi {
  readonly invoke: <N extends CommandName>(cmd: N, args: CommandRequest<N>) => Promise<CommandResult<N>>;
  status(): ClientStatus;
  onStatus(listener: (s: ClientStatus) => void): () => void;
  /** Which channel this is, for the engine state shown in the top bar. */
  readonly channel: 'websocket' | 'messageport' | 'preload';
  start(): void;
  stop(): void;
}

/** Checks a request against the contract's schema before it leaves (the engine checks again). */
export function checkRequest<N extends CommandName>(cmd: N, args: CommandRequest<N>): void {
  const schema = Commands[cmd] as { safeParse(x: unknown): { success: true } | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } } };
  const r = schema.safeParse(args);
  if (!r.success) throw ApiError.refused(r.error.issues.map((i) => ({ field: i.path.map(String).join('.'), message: i.message })));
}

// ---- a duplex text channel: WebSocket or MessagePort --------------------------------------------

/** The subset of WebSocket the client needs; a MessagePort is adapted to it. */
export interface SocketLike {
  send(data: string): void;
  close(): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code?: number; reason?: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

export interface SocketClientOptions {
  readonly connect: () => SocketLike;
  readonly channel?: 'websocket' | 'messageport';
  /** Whether a closed channel is re-opened (a WebSocket is; a MessagePort is handed over once). */
  readonly reconnect?: boolean;
  readonly backoffBaseMs?: number;
  readonly backoffCapMs?: number;
  readonly requestTimeoutMs?: number;
  readonly timers?: Timers;
  readonly random?: () => number;
}

interface Pending {
  readonly cmd: string;
  readonly resolve: (v: unknown) => void;
  readonly reject: (e: ApiError) => void;
  readonly timer: unknown;
}

export class SocketClient implements EngineClient {
  readonly channel: 'websocket' | 'messageport';
  private socket: SocketLike | undefined;
  private current: ClientStatus = { state: 'connecting' };
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly eventListeners = new Set<(e: ApiEvent) => void>();
  private readonly statusListeners = new Set<(s: ClientStatus) => void>();
  private attempt = 0;
  private retryTimer: unknown;
  private stopped = true;
  private readonly timers: Timers;
  private readonly random: () => number;

  constructor(private readonly opts: SocketClientOptions) {
    this.channel = opts.channel ?? 'websocket';
    this.timers = opts.timers ?? realTimers;
    this.random = opts.random ?? Math.random;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer !== undefined) this.timers.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const s = this.socket;
    this.socket = undefined;
    if (s) {
      detach(s);
      s.close();
    }
    this.failPending('the client was stopped');
    this.setStatus({ state: 'closed' });
  }

  status(): ClientStatus {
    return this.current;
  }

  onStatus(listener: (s: ClientStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  onEvent(listener: (e: ApiEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  readonly invoke = <N extends CommandName>(cmd: N, args: CommandRequest<N>): Promise<CommandResult<N>> => {
    try {
      checkRequest(cmd, args);
    } catch (err) {
      return Promise.reject(toApiError(err));
    }
    const socket = this.socket;
    if (!socket || this.current.state !== 'open') return Promise.reject(ApiError.failed('The engine is disconnected; try again when it is back.'));
    const id = this.nextId++;
    return new Promise<CommandResult<N>>((resolve, reject) => {
      const timer = this.timers.setTimeout(() => {
        if (this.pending.delete(id)) reject(ApiError.failed(`The engine did not answer ${cmd} in time.`));
      }, this.opts.requestTimeoutMs ?? 30_000);
      this.pending.set(id, { cmd, resolve: resolve as (v: unknown) => void, reject, timer });
      try {
        socket.send(JSON.stringify({ id, cmd, args }));
      } catch (err) {
        this.pending.delete(id);
        this.timers.clearTimeout(timer);
        reject(ApiError.failed(`Could not send ${cmd}: ${err instanceof Error ? err.message : String(err)}`));
      }
    });
  };

  private open(): void {
    let s: SocketLike;
    try {
      s = this.opts.connect();
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      if (this.opts.reconnect === false) this.setStatus({ state: 'closed', reason });
      else this.scheduleRetry(reason);
      return;
    }
    this.socket = s;
    s.onopen = () => {
      if (this.socket !== s) return;
      this.attempt = 0;
      this.setStatus({ state: 'open', since: this.timers.now() });
    };
    s.onmessage = (ev) => {
      if (this.socket === s) this.receive(ev.data);
    };
    s.onerror = () => undefined; // a close follows; that is where we act
    s.onclose = (ev) => {
      if (this.socket !== s) return;
      this.socket = undefined;
      detach(s);
      this.failPending('The engine connection closed before it answered.');
      if (this.stopped) return;
      const reason = ev.reason ? ev.reason : ev.code !== undefined ? `closed (${ev.code})` : 'closed';
      if (this.opts.reconnect === false) {
        this.setStatus({ state: 'closed' });
        return;
      }
      this.scheduleRetry(reason);
    };
  }

  private scheduleRetry(reason: string): void {
    if (this.stopped) return;
    this.attempt++;
    const base = this.opts.backoffBaseMs ?? 500;
    const cap = this.opts.backoffCapMs ?? 8_000;
    const exp = Math.min(cap, base * 2 ** (this.attempt - 1));
    // Full jitter on the upper half: many windows do not reconnect in lockstep.
    const delay = Math.round(exp / 2 + (exp / 2) * this.random());
    const nextTryAt = this.timers.now() + delay;
    this.setStatus({ state: 'reconnecting', attempt: this.attempt, nextTryAt, reason });
    this.retryTimer = this.timers.setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.stopped) this.open();
    }, delay);
  }

  private receive(data: unknown): void {
    let msg: ServerMessage;
    try {
      msg = (typeof data === 'string' ? JSON.parse(data) : data) as ServerMessage;
    } catch {
      return;
    }
    if (typeof msg !== 'object' || (msg as unknown) === null) return;
    if ('event' in msg) {
      for (const l of [...this.eventListeners]) {
        try {
          l(msg.event);
        } catch (err) {
          console.error('event listener failed', err);
        }
      }
      return;
    }
    const r: ResponseEnvelope = msg;
    const p = this.pending.get(r.id);
    if (!p) return;
    this.pending.delete(r.id);
    this.timers.clearTimeout(p.timer);
    if (r.ok) p.resolve(r.result);
    else p.reject(new ApiError(r.error));
  }

  private failPending(message: string): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) {
      this.timers.clearTimeout(p.timer);
      p.reject(ApiError.failed(message));
    }
  }

  private setStatus(s: ClientStatus): void {
    this.current = s;
    for (const l of [...this.statusListeners]) l(s);
  }
}

function detach(s: SocketLike): void {
  s.onopen = null;
  s.onmessage = null;
  s.onclose = null;
  s.onerror = null;
}

// ---- the preload's verbs (Electron) ----------------------------------------------------------------

/** Wraps `window.mirrorfill`: errors become ApiError; an `engine` alert means "re-read everything". */
export class PreloadClient implements EngineClient {
  readonly channel = 'preload' as const;
  private current: ClientStatus = { state: 'connecting' };
  private readonly statusListeners = new Set<(s: ClientStatus) => void>();
  private detachEvents: (() => void) | undefined;

  constructor(
    private readonly api: MirrorfillApi,
    private readonly now: () => number = () => Date.now(),
  ) {}

  start(): void {
    if (this.detachEvents) return;
    this.detachEvents = this.api.onEvent((e) => {
      // The host restarts a crashed engine and says so: the stores re-read as after a reconnect.
      if (e.type === 'alert' && e.topic === 'engine') this.setStatus({ state: 'open', since: this.now() });
      else if (e.type === 'engine') this.engineState(e.engine);
    });
    this.setStatus({ state: 'open', since: this.now() });
  }

  /** The desktop host's engine process, shown as the connection it amounts to (banner, top bar). */
  private engineState(engine: EngineProcessState): void {
    switch (engine.state) {
      case 'running':
        if (this.current.state !== 'open') this.setStatus({ state: 'open', since: this.now() });
        return;
      case 'starting':
        if (engine.attempt > 1 || this.current.state === 'reconnecting') this.setStatus({ state: 'reconnecting', attempt: engine.attempt, nextTryAt: this.now(), reason: 'the engine is starting again' });
        else this.setStatus({ state: 'connecting' });
        return;
      case 'restarting':
        this.setStatus({ state: 'reconnecting', attempt: engine.attempt, nextTryAt: engine.retryAt, reason: `the engine stopped: ${engine.reason}` });
        return;
      case 'crashed':
        this.setStatus({ state: 'closed', reason: `The engine stopped and was not restarted (${engine.reason}): nothing is being copied. Use Restart engine in the tray menu.` });
        return;
      case 'stopping':
        this.setStatus({ state: 'closed', reason: 'The engine is stopping: nothing is being copied until it runs again.' });
        return;
    }
  }

  stop(): void {
    this.detachEvents?.();
    this.detachEvents = undefined;
    this.setStatus({ state: 'closed' });
  }

  status(): ClientStatus {
    return this.current;
  }

  onStatus(listener: (s: ClientStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  onEvent(listener: (e: ApiEvent) => void): () => void {
    return this.api.onEvent(listener);
  }

  readonly invoke = async <N extends CommandName>(cmd: N, args: CommandRequest<N>): Promise<CommandResult<N>> => {
    checkRequest(cmd, args);
    try {
      return await this.api.invoke(cmd, args);
    } catch (err) {
      throw toApiError(err);
    }
  };

  private setStatus(s: ClientStatus): void {
    this.current = s;
    for (const l of [...this.statusListeners]) l(s);
  }
}

// ---- choosing the channel ----------------------------------------------------------------------

/** Adapts a MessagePort to SocketLike (messages are JSON text or structured-cloned objects). */
export function portSocket(port: MessagePort): SocketLike {
  const s: SocketLike = {
    send: (data) => port.postMessage(data),
    close: () => port.close(),
    onopen: null,
    onmessage: null,
    onclose: null,
    onerror: null,
  };
  port.onmessage = (ev: MessageEvent) => s.onmessage?.({ data: ev.data as unknown });
  port.start();
  queueMicrotask(() => s.onopen?.(undefined));
  return s;
}

function isMirrorfillApi(x: unknown): x is MirrorfillApi {
  return typeof x === 'object' && x !== null && typeof (x as MirrorfillApi).invoke === 'function' && typeof (x as MirrorfillApi).onEvent === 'function';
}

/** The client for the page this runs in; `token` is the headless server's, when the page has it. */
export function clientForPage(token: string | undefined, win: Window & typeof globalThis = window): EngineClient {
  const exposed = (win as unknown as { mirrorfill?: unknown }).mirrorfill;
  if (isMirrorfillApi(exposed)) return new PreloadClient(exposed);
  const port = (win as unknown as { mirrorfillPort?: unknown }).mirrorfillPort;
  if (typeof MessagePort !== 'undefined' && port instanceof MessagePort) {
    return new SocketClient({ connect: () => portSocket(port), channel: 'messageport', reconnect: false });
  }
  const scheme = win.location.protocol === 'https:' ? 'wss:' : 'ws:';
  const url = `${scheme}//${win.location.host}/api`;
  if (token === undefined) {
    return new SocketClient({
      connect: () => {
        throw new Error('This address needs the token printed when the server started (open the whole address, …/#token=…).');
      },
      channel: 'websocket',
      reconnect: false,
    });
  }
  return new SocketClient({ connect: () => new WebSocket(url, socketProtocols(token)) as unknown as SocketLike, channel: 'websocket' });
}

/**
 * The preload's side of the engine port: `MirrorfillApi` (invoke / onEvent) over the MessagePort
 * main hands to the page. Kept free of Electron so it is tested under Node with real
 * worker_threads ports (they offer the same addEventListener/postMessage surface as a web port).
 *
 * - Requests made before the first port arrives (page still starting) wait for it.
 * - When the engine stops, requests it was answering are failed — never re-sent, since a command
 *   may already have run; requests made while it restarts wait for the new port; while it is
 *   stopping (quit, leaving the demo) or once it has crashed for good they fail at once.
 * - Main's engine state becomes the `engine` ApiEvent; a new listener hears the current state.
 * - A port that replaces an earlier one means the engine restarted: an `engine` alert tells the
 *   renderer to re-read everything.
 * - Failures reject with a plain ApiError-shaped object: contextBridge keeps a plain object whole,
 *   whereas an Error loses its extra fields (the refusal's `issues`).
 */
import type { ApiError, ApiEvent, CommandName, CommandRequest, CommandResult, EngineProcessState, MirrorfillApi, ServerMessage } from '../../src-engine/api/contract';

/** The web MessagePort surface used here. */
export interface WebPortLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (e: { readonly data: unknown }) => void): void;
  start(): void;
  close(): void;
}

export interface EngineClientOptions {
  /** A request the engine has not answered by then fails (the engine is wedged). */
  readonly timeoutMs?: number;
  readonly setTimeout?: (fn: () => void, ms: number) => unknown;
  readonly clearTimeout?: (handle: unknown) => void;
}

interface Request {
  readonly id: number;
  readonly cmd: string;
  readonly args: unknown;
  readonly resolve: (v: unknown) => void;
  readonly reject: (e: ApiError) => void;
  readonly timer: unknown;
}

const failed = (message: string): ApiError => ({ kind: 'failed', message, issues: [] });

export function isEngineProcessState(x: unknown): x is EngineProcessState {
  if (typeof x !== 'object' || x === null) return false;
  const s = x as Record<string, unknown>;
  switch (s.state) {
    case 'starting':
      return typeof s.attempt === 'number';
    case 'running':
      return typeof s.since === 'number' && (s.mode === 'live' || s.mode === 'demo');
    case 'restarting':
      return typeof s.attempt === 'number' && typeof s.retryAt === 'number' && typeof s.reason === 'string';
    case 'crashed':
      return typeof s.reason === 'string';
    case 'stopping':
      return true;
    default:
      return false;
  }
}

export class PreloadEngineClient {
  private port: WebPortLike | undefined;
  private portsSeen = 0;
  private nextId = 1;
  private engine: EngineProcessState | undefined;
  /** Sent on the current port, waiting for the answer. */
  private readonly inFlight = new Map<number, Request>();
  /** Not sent yet: no port at the moment. */
  private queued: Request[] = [];
  private readonly listeners = new Set<(e: ApiEvent) => void>();
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(private readonly options: EngineClientOptions = {}) {
    this.setTimer = options.setTimeout ?? ((fn, ms) => globalThis.setTimeout(fn, ms));
    this.clearTimer = options.clearTimeout ?? ((h) => globalThis.clearTimeout(h as ReturnType<typeof globalThis.setTimeout>));
  }

  /** The verbs exposed to the page. */
  readonly api = {
    invoke: <N extends CommandName>(cmd: N, args: CommandRequest<N>): Promise<CommandResult<N>> => this.invoke(cmd, args) as Promise<CommandResult<N>>,
    onEvent: (listener: (e: ApiEvent) => void): (() => void) => this.onEvent(listener),
  } satisfies MirrorfillApi;

  usePort(port: WebPortLike): void {
    const old = this.port;
    this.port = port;
    if (old) {
      old.close();
      this.failInFlight('The engine restarted before it answered; try again.');
    }
    port.addEventListener('message', (e) => {
      if (this.port === port) this.receive(e.data);
    });
    port.start();
    this.portsSeen++;
    for (const r of this.queued.splice(0)) this.send(r);
    if (this.portsSeen > 1) this.emit({ type: 'alert', level: 'info', topic: 'engine', title: 'Engine restarted', body: 'The engine is back; showing its current state.' });
  }

  setEngineState(state: EngineProcessState): void {
    this.engine = state;
    if (state.state !== 'running' && state.state !== 'starting') {
      // The process that held the current port is gone (or going): it will not answer.
      this.port?.close();
      this.port = undefined;
      this.failInFlight('The engine stopped before it answered; try again when it is back.');
    }
    const refusal = this.refusal();
    if (refusal) this.failQueued(refusal);
    this.emit({ type: 'engine', engine: state });
  }

  onEvent(listener: (e: ApiEvent) => void): () => void {
    this.listeners.add(listener);
    const current = this.engine;
    if (current) queueMicrotask(() => this.listeners.has(listener) && listener({ type: 'engine', engine: current }));
    return () => this.listeners.delete(listener);
  }

  invoke(cmd: string, args: unknown): Promise<unknown> {
    const refusal = this.refusal();
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a plain ApiError crosses contextBridge whole (see the header)
    if (refusal) return Promise.reject(failed(refusal));
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      const timer = this.setTimer(() => this.expire(id, cmd), this.options.timeoutMs ?? 120_000);
      const r: Request = { id, cmd, args, resolve, reject, timer };
      if (this.port) this.send(r);
      else this.queued.push(r);
    });
  }

  /** Why a request cannot be answered now, when no engine is coming to answer it. */
  private refusal(): string | undefined {
    if (this.engine?.state === 'crashed') return `The engine is not running: ${this.engine.reason}`;
    if (this.engine?.state === 'stopping') return 'The engine is stopping.';
    return undefined;
  }

  private send(r: Request): void {
    const port = this.port;
    if (!port) {
      this.queued.push(r);
      return;
    }
    this.inFlight.set(r.id, r);
    try {
      port.postMessage({ id: r.id, cmd: r.cmd, args: r.args });
    } catch (err) {
      this.inFlight.delete(r.id);
      this.settle(r, undefined, failed(`Could not send ${r.cmd}: ${err instanceof Error ? err.message : String(err)}`));
    }
  }

  private receive(data: unknown): void {
    if (typeof data !== 'object' || data === null) return;
    const msg = data as ServerMessage;
    if ('event' in msg) {
      this.emit(msg.event);
      return;
    }
    const r = this.inFlight.get(msg.id);
    if (!r) return;
    this.inFlight.delete(msg.id);
    if (msg.ok) this.settle(r, msg.result, undefined);
    else this.settle(r, undefined, msg.error);
  }

  private expire(id: number, cmd: string): void {
    const r = this.inFlight.get(id) ?? this.queued.find((q) => q.id === id);
    if (!r) return;
    this.inFlight.delete(id);
    this.queued = this.queued.filter((q) => q.id !== id);
    this.settle(r, undefined, failed(`The engine did not answer ${cmd} in time.`));
  }

  private failInFlight(message: string): void {
    const all = [...this.inFlight.values()];
    this.inFlight.clear();
    for (const r of all) this.settle(r, undefined, failed(message));
  }

  private failQueued(message: string): void {
    for (const r of this.queued.splice(0)) this.settle(r, undefined, failed(message));
  }

  private settle(r: Request, result: unknown, error: ApiError | undefined): void {
    this.clearTimer(r.timer);
    if (error) r.reject(error);
    else r.resolve(result);
  }

  private emit(e: ApiEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch (err) {
        console.error('mirrorfill: an event listener failed', err);
      }
    }
  }
}

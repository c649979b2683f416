/**
 * Main's own line to the engine: a MessagePort of its own (not the window's), speaking the same
 * envelope as the renderer. The tray's commands, the quit check and the notifications go over it.
 * When the engine restarts, main gets a fresh port and every request still waiting is failed:
 * a command is never re-sent blindly (it may already have run).
 */
import type { ApiError, ApiEvent, CommandName, CommandRequest, CommandResult, ServerMessage } from '../../src-engine/api/contract';
import type { Scheduler } from '../scheduler';
import type { PortMain } from '../seams';

/** A refused or failed command; `apiError` keeps the engine's words and fields. */
export class EngineCallError extends Error {
  constructor(readonly apiError: ApiError) {
    super(apiError.message);
    this.name = 'EngineCallError';
  }
}

interface Pending {
  readonly resolve: (v: unknown) => void;
  readonly reject: (e: Error) => void;
  readonly cancelTimer: () => void;
}

export class EngineLink {
  private port: PortMain | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<(e: ApiEvent) => void>();

  constructor(
    private readonly scheduler: Scheduler,
    private readonly timeoutMs = 10_000,
  ) {}

  get connected(): boolean {
    return this.port !== undefined;
  }

  connect(port: PortMain): void {
    this.disconnect('the engine was given a new port');
    this.port = port;
    port.on('message', (e) => {
      if (this.port === port) this.receive(e.data);
    });
    port.on('close', () => {
      if (this.port === port) this.disconnect('the engine closed its port');
    });
    port.start();
  }

  disconnect(reason: string): void {
    const port = this.port;
    this.port = undefined;
    if (port) {
      try {
        port.close();
      } catch {
        // Already closed by the other side.
      }
    }
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const p of waiting) {
      p.cancelTimer();
      p.reject(new EngineCallError({ kind: 'failed', message: `No answer: ${reason}.`, issues: [] }));
    }
  }

  onEvent(listener: (e: ApiEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  invoke<N extends CommandName>(cmd: N, args: CommandRequest<N>, timeoutMs = this.timeoutMs): Promise<CommandResult<N>> {
    const port = this.port;
    if (!port) return Promise.reject(new EngineCallError({ kind: 'failed', message: 'The engine is not running.', issues: [] }));
    const id = this.nextId++;
    return new Promise<CommandResult<N>>((resolve, reject) => {
      const cancelTimer = this.scheduler.setTimeout(() => {
        if (this.pending.delete(id)) reject(new EngineCallError({ kind: 'failed', message: `The engine did not answer ${cmd} in time.`, issues: [] }));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, cancelTimer });
      port.postMessage({ id, cmd, args });
    });
  }

  private receive(data: unknown): void {
    if (typeof data !== 'object' || data === null) return;
    const msg = data as ServerMessage;
    if ('event' in msg) {
      for (const l of [...this.listeners]) l(msg.event);
      return;
    }
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    p.cancelTimer();
    if (msg.ok) p.resolve(msg.result);
    else p.reject(new EngineCallError(msg.error));
  }
}

/**
 * One SignalR hub connection (user or market) on the official @microsoft/signalr client, as the
 * ProjectX sample builds it: WebSockets only, negotiation skipped, the token from a factory so
 * every (re)connect carries the current one. On top of it: a retry policy with capped backoff and
 * jitter, every Subscribe* remembered and re-issued after a reconnect (subscriptions die with the
 * socket), our own restart loop when the client gives up, and a guard so nothing fires after
 * abandon().
 */
import {
  HubConnectionBuilder,
  HubConnectionState,
  HttpTransportType,
  LogLevel,
  type HubConnection,
  type IHttpConnectionOptions,
  type ILogger,
  type IRetryPolicy,
  type RetryContext,
} from '@microsoft/signalr';
import type { Clock } from '../../domain/clock';
import type { Logger } from '../../domain/log';
import { backoffDelay } from './backoff';
import { scrubSecrets } from './secretText';
import { TolerantJsonHubProtocol } from './tolerantHubProtocol';
import { tokenWebSocketClass } from './tokenWebSocket';

export interface HubChannelOptions {
  readonly label: 'user hub' | 'market hub';
  readonly url: string;
  /** The token for the next connect; waits for a refresh in flight. */
  readonly token: () => Promise<string>;
  /** The upgrade was refused with 401 while using `token`. */
  readonly unauthorized: (token: string | undefined) => void;
  readonly malformed: (detail: string) => void;
  readonly random: () => number;
  readonly clock: Clock;
  readonly log: Logger;
  /** The socket is down; `attempt` will be tried at `nextTryAt`. */
  readonly reconnecting: (attempt: number, nextTryAt: number, reason: string) => void;
  /** Back up, with every subscription re-issued. */
  readonly reconnected: () => void;
  /** performance.now() as a frame arrives; its events are dispatched right after (latency measurement). */
  readonly frameReceived?: (atMs: number) => void;
  /** How long a background connect may take before it is given up and tried on a new client (tests shorten it). */
  readonly startTimeoutMs?: number;
}

const HANDSHAKE_TIMEOUT_MS = 10_000;
/** Longer than the client's own handshake timeout: only a start that will never settle gets here. */
const START_TIMEOUT_MS = 15_000;
const ROUND_TRIP_TIMEOUT_MS = 30_000;

interface Subscription {
  readonly method: string;
  readonly args: readonly unknown[];
}

export class HubChannel {
  private connection: HubConnection;
  /** Bumped when the client is replaced: callbacks of an older one are ignored. */
  private clientGeneration = 0;
  private readonly handlers: [string, (args: unknown[]) => void][] = [];
  private readonly subscriptions = new Map<string, Subscription>();
  private dead = false;
  private stopping = false;
  private attempt = 0;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly o: HubChannelOptions) {
    this.connection = this.build();
  }

  /** A new SignalR client with this channel's handlers; the previous one's callbacks go quiet. */
  private build(): HubConnection {
    const generation = ++this.clientGeneration;
    const current = (fn: () => void): void => {
      if (generation === this.clientGeneration) this.guard(fn);
    };
    const o = this.o;
    const policy: IRetryPolicy = { nextRetryDelayInMilliseconds: (ctx) => this.nextDelay(ctx) };
    const http: IHttpConnectionOptions & { WebSocket: unknown } = {
      skipNegotiation: true,
      transport: HttpTransportType.WebSockets,
      accessTokenFactory: () => o.token(),
      timeout: HANDSHAKE_TIMEOUT_MS,
      logger: signalrLogger(o.log),
      // Documented only in the client's JS, not its typings: the WebSocket class to use under Node.
      WebSocket: tokenWebSocketClass(
        (t) => this.guard(() => o.unauthorized(t)),
        (err) => o.log.warn('the hub client failed on a frame; the socket is dropped and connected again', { error: err instanceof Error ? err.message : String(err) }),
      ),
    };
    const connection = new HubConnectionBuilder()
      .withUrl(o.url, http)
      .withHubProtocol(new TolerantJsonHubProtocol((d) => current(() => o.malformed(d)), o.frameReceived))
      .withAutomaticReconnect(policy)
      .configureLogging(signalrLogger(o.log))
      .build();
    connection.onreconnected(() => current(() => void this.afterReconnect()));
    connection.onclose((err) => current(() => this.onClosed(err)));
    for (const [target, handler] of this.handlers) connection.on(target, (...args: unknown[]) => current(() => handler(args)));
    return connection;
  }

  /** Registers a server→client event handler; it never runs after abandon(). */
  on(target: string, handler: (args: unknown[]) => void): void {
    this.handlers.push([target, handler]);
    const generation = this.clientGeneration;
    this.connection.on(target, (...args: unknown[]) => {
      if (generation === this.clientGeneration) this.guard(() => handler(args));
    });
  }

  isConnected(): boolean {
    return this.connection.state === HubConnectionState.Connected;
  }

  /** Connects once; the caller sees a failure (the first connect of a session must not be silent). */
  async start(): Promise<void> {
    this.stopping = false;
    await this.connection.start();
  }

  /** Connects in the background, retrying with backoff, and subscribes whatever was asked meanwhile. */
  connect(): void {
    this.stopping = false;
    this.startInBackground();
  }

  /**
   * One connect attempt, with a deadline: the client can wait for ever on a socket it already lost
   * (a frame ahead of the handshake answer, while it is still connecting: chaos seed 982296898, the
   * market hub never came back). Past the deadline that client is dropped and a new one tries again.
   */
  private startInBackground(): void {
    const client = this.connection;
    let settled = false;
    const ms = this.o.startTimeoutMs ?? START_TIMEOUT_MS;
    const deadline = setTimeout(() => {
      if (settled || this.dead || this.stopping || client !== this.connection) return;
      settled = true;
      this.o.log.warn(`${this.o.label}: connect did not finish within ${ms} ms; trying again on a new client`);
      client.stop().catch(() => undefined);
      this.connection = this.build();
      this.scheduleRestart(`connect did not finish within ${ms} ms`);
    }, ms);
    client.start().then(
      () => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        this.guard(() => void this.afterReconnect());
      },
      (e: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        this.guard(() => this.scheduleRestart(e instanceof Error ? e.message : String(e)));
      },
    );
  }

  /** Invokes a Subscribe* and remembers it for every later reconnect. Idempotent per (method, args). */
  async subscribe(method: string, ...args: unknown[]): Promise<void> {
    this.subscriptions.set(subKey(method, args), { method, args });
    if (this.isConnected()) await this.connection.invoke(method, ...args);
  }

  async unsubscribe(subscribeMethod: string, unsubscribeMethod: string, ...args: unknown[]): Promise<void> {
    this.subscriptions.delete(subKey(subscribeMethod, args));
    if (this.isConnected()) await this.connection.invoke(unsubscribeMethod, ...args);
  }

  hasSubscriptions(): boolean {
    return this.subscriptions.size > 0;
  }

  /**
   * A round trip on this socket: the completion comes after every record the server sent before
   * it, so when this resolves those events have been handled. Re-invokes a Subscribe (idempotent).
   */
  async roundTrip(): Promise<void> {
    const first = this.subscriptions.values().next();
    if (first.done === true || !this.isConnected()) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ROUND_TRIP_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.connection.invoke(first.value.method, ...first.value.args).then(() => undefined), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.clearRestart();
    await this.connection.stop();
  }

  /** Synchronous teardown: no callback of this channel runs afterwards. */
  abandon(): void {
    this.dead = true;
    this.stopping = true;
    this.clearRestart();
    this.connection.stop().catch(() => undefined);
  }

  // ---- internals --------------------------------------------------------------------------------

  private guard(fn: () => void): void {
    if (this.dead) return;
    try {
      fn();
    } catch (e) {
      this.o.log.error(`${this.o.label}: handler failed`, { error: e instanceof Error ? e.message : String(e) });
    }
  }

  private nextDelay(ctx: RetryContext): number | null {
    if (this.dead || this.stopping) return null;
    this.attempt = ctx.previousRetryCount + 1;
    const delay = backoffDelay(this.attempt, this.o.random);
    this.o.reconnecting(this.attempt, this.o.clock.now() + delay, ctx.retryReason.message);
    return delay;
  }

  private async afterReconnect(): Promise<void> {
    try {
      for (const s of this.subscriptions.values()) await this.connection.invoke(s.method, ...s.args);
    } catch (e) {
      // A socket that cannot resubscribe is no use: drop it and let the retry loop try again.
      this.o.log.warn(`${this.o.label}: resubscribe failed`, { error: e instanceof Error ? e.message : String(e) });
      if (!this.dead) await this.connection.stop();
      return;
    }
    if (this.dead) return;
    this.attempt = 0;
    this.o.reconnected();
  }

  /** The client stopped for good (it gave up, or the server closed without allowing a reconnect): restart it ourselves. */
  private onClosed(err: Error | undefined): void {
    if (this.stopping) return;
    this.scheduleRestart(err?.message ?? 'connection closed');
  }

  private scheduleRestart(reason: string): void {
    if (this.dead || this.stopping || this.restartTimer !== undefined) return;
    this.attempt++;
    const delay = backoffDelay(this.attempt, this.o.random);
    this.o.reconnecting(this.attempt, this.o.clock.now() + delay, reason);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.dead || this.stopping) return;
      this.startInBackground();
    }, delay);
  }

  private clearRestart(): void {
    if (this.restartTimer !== undefined) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
  }
}

function subKey(method: string, args: readonly unknown[]): string {
  return `${method}(${JSON.stringify(args)})`;
}

/** SignalR's own log lines, scrubbed of tokens and demoted: reconnect noise is not an error of ours. */
function signalrLogger(log: Logger): ILogger {
  return {
    log(level: LogLevel, message: string): void {
      const text = `signalr: ${scrubSecrets(message)}`;
      if (level >= LogLevel.Critical) log.error(text);
      else if (level >= LogLevel.Error) log.warn(text);
      else if (level >= LogLevel.Warning) log.info(text);
      else if (level >= LogLevel.Information) log.debug(text);
    },
  };
}

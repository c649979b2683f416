/**
 * One SignalR client socket on the simulator's hubs (§12.2): handshake, records split on 0x1E,
 * invocations answered with completions, server pings on outbound silence, close messages. The
 * records written in one tick leave as one WebSocket frame, as a real server coalesces them, so
 * clients must split frames. Outbound records pass a gate first (the delay fault holds them).
 */
import type { WebSocket } from 'ws';
import { encodeRecord, MessageKind, parseHandshake, parseHubRecord, RecordSplitter } from '../signalrFraming';

export type HubName = 'user' | 'market';

export type InvocationAnswer = { readonly ok: true; readonly result?: unknown } | { readonly ok: false; readonly error: string };

export interface HubSocketOwner {
  invoke(socket: SimHubSocket, target: string, args: readonly unknown[]): InvocationAnswer;
  /** Every record to this socket goes through here (the delay fault may hold it). */
  gate(socket: SimHubSocket, record: string): void;
  closed(socket: SimHubSocket): void;
  /** Every record as it joins a frame (test tap). */
  delivered(socket: SimHubSocket, text: string): void;
}

let nextSocketId = 1;

export class SimHubSocket {
  readonly id = nextSocketId++;
  /** Subscriptions of this socket only: a new socket starts with none (§12.2). */
  readonly subscriptions = new Set<string>();
  /** What this socket last got per entity, for sparse payloads (only changes after the first). */
  readonly sentState = new Map<string, Record<string, unknown>>();
  private readonly splitter = new RecordSplitter();
  private handshaken = false;
  private frame: string[] = [];
  private flushQueued = false;
  private lastSentAt = performance.now();
  private readonly pingTimer: ReturnType<typeof setInterval>;
  private open = true;

  constructor(
    private readonly ws: WebSocket,
    readonly login: string,
    readonly hub: HubName,
    private readonly owner: HubSocketOwner,
    pingIntervalMs: number,
  ) {
    ws.on('message', (data, isBinary) => this.receive(isBinary ? '' : rawText(data)));
    ws.on('close', () => this.onClose());
    ws.on('error', () => this.onClose());
    this.pingTimer = setInterval(() => {
      if (performance.now() - this.lastSentAt >= pingIntervalMs) this.writeNow(encodeRecord({ type: MessageKind.Ping }));
    }, pingIntervalMs);
    this.pingTimer.unref();
  }

  isOpen(): boolean {
    return this.open;
  }

  /** Queues a record through the owner's gate. */
  send(message: unknown): void {
    this.sendRaw(encodeRecord(message));
  }

  /** Raw text as given (test hook for malformed records). */
  sendRaw(text: string): void {
    if (this.open) this.owner.gate(this, text);
  }

  /** Past the gate: joins the current frame. */
  deliver(text: string): void {
    if (!this.open) return;
    this.owner.delivered(this, text);
    this.frame.push(text);
    if (this.flushQueued) return;
    this.flushQueued = true;
    setImmediate(() => {
      this.flushQueued = false;
      const out = this.frame.join('');
      this.frame = [];
      if (out.length > 0) this.writeNow(out);
    });
  }

  /** The server ends the connection the polite way: a close message, then a clean close. */
  closeWithMessage(error: string, allowReconnect = true): void {
    if (!this.open) return;
    this.writeNow(this.frame.join('') + encodeRecord({ type: MessageKind.Close, error, allowReconnect }));
    this.frame = [];
    this.ws.close(1000);
    this.onClose();
  }

  /** The network way: the TCP connection just goes. */
  terminate(): void {
    this.ws.terminate();
    this.onClose();
  }

  private writeNow(text: string): void {
    if (!this.open || this.ws.readyState !== this.ws.OPEN) return;
    this.lastSentAt = performance.now();
    this.ws.send(text);
  }

  private receive(text: string): void {
    for (const record of this.splitter.push(text)) {
      if (!this.open) return;
      if (!this.handshaken) {
        const hs = parseHandshake(record);
        if (!hs.ok || hs.value.protocol !== 'json' || hs.value.version !== 1) {
          const why = hs.ok ? `protocol ${hs.value.protocol} v${hs.value.version} is not supported` : hs.error;
          this.writeNow(encodeRecord({ error: why }));
          this.ws.close(1000);
          this.onClose();
          return;
        }
        this.handshaken = true;
        this.send({});
        continue;
      }
      this.handle(record);
    }
  }

  private handle(record: string): void {
    const msg = parseHubRecord(record);
    if (!msg.ok) {
      this.closeWithMessage(`Connection closed with an error. ${msg.error}`, false);
      return;
    }
    const m = msg.value;
    if (m.type === MessageKind.Invocation) {
      const answer = this.owner.invoke(this, m.target, m.arguments);
      if (m.invocationId === undefined) return;
      const base = { type: MessageKind.Completion, invocationId: m.invocationId };
      if (!answer.ok) this.send({ ...base, error: answer.error });
      else this.send(answer.result === undefined ? base : { ...base, result: answer.result });
    } else if (m.type === MessageKind.Close) {
      this.ws.close(1000);
      this.onClose();
    }
    // Pings only prove liveness; completions and other kinds are not expected from a client.
  }

  private onClose(): void {
    if (!this.open) return;
    this.open = false;
    clearInterval(this.pingTimer);
    this.frame = [];
    this.owner.closed(this);
  }
}

function rawText(data: Buffer | ArrayBuffer | Buffer[]): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

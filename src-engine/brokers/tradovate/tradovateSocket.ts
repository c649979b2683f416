/**
 * One Tradovate WebSocket (trading or market data) with the hygiene of architecture practice 7:
 * connect timeout (open + `o` + authorize), the client heartbeat `[]` on a timer (the server
 * closes a silent client after a few seconds, §3.6, and a reply-to-`h` scheme starves while data
 * streams), a budget for server silence, per-request timeouts, and every pending request failed
 * when the socket goes, saying whether it had been written.
 *
 * Frames are handled synchronously and in order; a response's `onAnswer` runs at its place in
 * the stream, so a sync snapshot is applied exactly between the events before and after it.
 */
import WebSocket from 'ws';
import { BrokerError } from './brokerError';
import { CLIENT_HEARTBEAT, formatAuthorize, formatJsonRequest, parseServerFrame, preview, type EventMessage, type ResponseMessage } from './codec';

export interface SocketTimings {
  readonly connectTimeoutMs: number;
  readonly requestTimeoutMs: number;
  /** Client heartbeat period; the server wants one at least every 2.5 s. */
  readonly heartbeatMs: number;
  /** No frame at all (not even `h`) for this long means the connection is dead. */
  readonly silenceBudgetMs: number;
}

export interface SocketHandlers {
  /** One call per `a[...]` frame with its events, in order (responses already dispatched in place). */
  readonly onEvents: (events: readonly EventMessage[], receivedAt: number) => void;
  readonly onProtocolError: (detail: string) => void;
  /** Called once, when the socket closes for any reason other than terminate(). */
  readonly onClose: (reason: string) => void;
}

/** A request's failure: `written` = it may have reached the server. */
export class SocketRequestError extends BrokerError {
  constructor(
    message: string,
    readonly written: boolean,
    status?: number,
  ) {
    super(written ? 'unknown' : 'transient', message, undefined, status);
  }
}

interface Pending {
  readonly endpoint: string;
  readonly written: boolean;
  readonly timer: ReturnType<typeof setTimeout>;
  readonly settle: (answer: ResponseMessage | SocketRequestError) => void;
}

export class TradovateSocket {
  private readonly ws: WebSocket;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private lastRx = performance.now();
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private closed = false;
  /** Authorised: from here on a close is reported through onClose (before, open() rejects). */
  private established = false;

  private constructor(
    readonly label: string,
    url: string,
    private readonly timings: SocketTimings,
    private readonly handlers: SocketHandlers,
  ) {
    // maxPayload bounds what a broken or hostile peer can make us buffer.
    this.ws = new WebSocket(url, { maxPayload: 64 * 1024 * 1024, handshakeTimeout: timings.connectTimeoutMs });
  }

  /**
   * Connects, waits for `o`, authorises with `token`. Rejects with a BrokerError (permanent when
   * the server refused the token with 401, so the caller can refresh it; transient otherwise).
   */
  static open(label: string, url: string, token: string, timings: SocketTimings, handlers: SocketHandlers): Promise<TradovateSocket> {
    const s = new TradovateSocket(label, url, timings, handlers);
    return s.handshake(token).then(
      () => s,
      (err: unknown) => {
        s.terminate();
        throw err;
      },
    );
  }

  isClosed(): boolean {
    return this.closed;
  }

  get isOpen(): boolean {
    return !this.closed && this.ws.readyState === WebSocket.OPEN;
  }

  /** Resolves with the 2xx payload; rejects with BrokerError (status set) or SocketRequestError. */
  request(endpoint: string, query?: Readonly<Record<string, string | number>>, body?: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.send(endpoint, query, body, (answer) => {
        if (answer instanceof SocketRequestError) reject(answer);
        else if (answer.ok) resolve(answer.data);
        else reject(new BrokerError(answer.status >= 500 || answer.status === 429 ? 'transient' : 'permanent', answer.error, undefined, answer.status));
      });
    });
  }

  /** Like request() but `onAnswer` runs synchronously at the answer's place among the frames. */
  send(endpoint: string, query: Readonly<Record<string, string | number>> | undefined, body: unknown, onAnswer: (answer: ResponseMessage | SocketRequestError) => void): void {
    if (!this.isOpen) {
      onAnswer(new SocketRequestError(`${this.label} socket is not open`, false));
      return;
    }
    const id = this.nextId++;
    let text: string;
    try {
      text = formatJsonRequest(endpoint, id, query, body);
    } catch (err) {
      onAnswer(new SocketRequestError(err instanceof Error ? err.message : String(err), false));
      return;
    }
    this.write(id, endpoint, text, onAnswer);
  }

  /** Closes and reports it through onClose (once). */
  close(reason: string): void {
    if (this.closed) return;
    this.shutDown(reason);
    if (this.established) this.handlers.onClose(reason);
  }

  /** Closes without any callback (stop/abandon); pending requests still fail. */
  terminate(): void {
    if (this.closed) return;
    this.shutDown('connection stopped');
  }

  // ---- internals ---------------------------------------------------------------------------

  private handshake(token: string): Promise<void> {
    return new Promise((resolve, reject) => {
      let done = false;
      const finish = (err?: BrokerError): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (err) reject(err);
        else resolve();
      };
      const timer = setTimeout(() => finish(new BrokerError('transient', `${this.label} socket: no authorised connection within ${this.timings.connectTimeoutMs} ms`)), this.timings.connectTimeoutMs);
      let opened = false;
      this.ws.on('message', (data, isBinary) => {
        const rxAt = performance.now();
        this.lastRx = rxAt;
        const text = isBinary ? null : rawText(data);
        if (!opened) {
          if (text === 'o') {
            opened = true;
            this.startHeartbeat();
            this.write(0, 'authorize', formatAuthorize(0, token), (answer) => {
              if (answer instanceof SocketRequestError) finish(answer);
              else if (answer.ok) {
                this.established = true;
                finish();
              }
              else finish(new BrokerError(answer.status === 401 ? 'permanent' : 'transient', `${this.label} socket refused authorisation: ${answer.error}`, undefined, answer.status));
            });
          } else {
            finish(new BrokerError('transient', `${this.label} socket: expected "o", got ${preview(String(text))}`));
          }
          return;
        }
        this.onFrame(text, rxAt);
      });
      this.ws.on('error', (err) => {
        finish(new BrokerError('transient', `${this.label} socket: ${err.message}`));
        this.close(err.message);
      });
      this.ws.on('unexpected-response', (_req, res) => {
        finish(new BrokerError('transient', `${this.label} socket refused: HTTP ${res.statusCode ?? '?'}`));
        this.close(`HTTP ${res.statusCode ?? '?'} on upgrade`);
      });
      this.ws.on('close', (code, reason) => {
        const why = `closed by the server (${code}${reason.length > 0 ? ` ${reason.toString()}` : ''})`;
        finish(new BrokerError('transient', `${this.label} socket ${why}`));
        this.close(why);
      });
    });
  }

  private write(id: number, endpoint: string, text: string, settle: (answer: ResponseMessage | SocketRequestError) => void): void {
    const timer = setTimeout(() => {
      if (this.pending.delete(id)) settle(new SocketRequestError(`${endpoint}: no answer within ${this.timings.requestTimeoutMs} ms`, true));
    }, this.timings.requestTimeoutMs);
    this.pending.set(id, { endpoint, written: true, timer, settle });
    this.ws.send(text);
  }

  /** `rxAt`: performance.now() when the frame arrived. */
  private onFrame(text: string | null, rxAt: number): void {
    if (this.closed) return;
    const f = parseServerFrame(text);
    if (!f.ok) {
      this.handlers.onProtocolError(`${this.label} socket: ${f.error}`);
      return;
    }
    const frame = f.value;
    switch (frame.type) {
      case 'open':
        this.handlers.onProtocolError(`${this.label} socket: unexpected second "o" frame`);
        return;
      case 'heartbeat':
        return;
      case 'close':
        this.close(`server closed the session (${frame.code} ${frame.reason})`);
        return;
      case 'messages': {
        let events: EventMessage[] = [];
        for (const m of frame.messages) {
          if (m.kind === 'response') {
            // Events before a response are delivered before its answer runs.
            if (events.length > 0) this.handlers.onEvents(events, rxAt);
            events = [];
            const p = this.pending.get(m.id);
            if (!p) {
              this.handlers.onProtocolError(`${this.label} socket: answer to unknown request ${m.id}`);
              continue;
            }
            this.pending.delete(m.id);
            clearTimeout(p.timer);
            p.settle(m);
          } else {
            events.push(m);
          }
          // An answer's handler may have closed the socket.
          if (this.isClosed()) return;
        }
        if (events.length > 0) this.handlers.onEvents(events, rxAt);
        for (const why of frame.invalid) this.handlers.onProtocolError(`${this.label} socket: ${why}`);
        return;
      }
    }
  }

  private startHeartbeat(): void {
    this.heartbeat = setInterval(() => {
      if (this.closed) return;
      const silentFor = performance.now() - this.lastRx;
      if (silentFor > this.timings.silenceBudgetMs) {
        this.close(`no frame from the server for ${Math.round(silentFor)} ms`);
        return;
      }
      if (this.ws.readyState === WebSocket.OPEN) this.ws.send(CLIENT_HEARTBEAT);
    }, this.timings.heartbeatMs);
  }

  private shutDown(reason: string): void {
    this.closed = true;
    if (this.heartbeat !== undefined) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    this.ws.removeAllListeners('message');
    this.ws.terminate();
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) {
      clearTimeout(p.timer);
      p.settle(new SocketRequestError(`${p.endpoint}: ${this.label} socket closed before the answer (${reason})`, p.written));
    }
  }
}

function rawText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

/**
 * One HTTP/1.1 exchange with a broker's REST API over a pool of kept-alive connections (one pool
 * per origin), reduced to what the adapters classify: an answer (status, body text, Retry-After),
 * or a failure with the socket error's code.
 *
 * Why not fetch() or node:http: orders are the hot path. fetch() builds web streams, abort signals
 * and a Request per call and writes the bytes some ticks later; node:http costs ~40 µs and a tick
 * per request. Here a request is one pre-serialised string written on an idle connection at once
 * (~7 µs), and the caller learns when its bytes were handed to the socket (`onWritten`, the end of
 * the copier-added latency). One request per connection at a time (no pipelining); a new
 * connection is opened when none is idle, so requests never queue behind each other.
 *
 * Answers are read per RFC 9112: Content-Length, chunked, or until close; 1xx skipped.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

export interface JsonHttpRequest {
  readonly method: 'GET' | 'POST';
  /** Path and query, starting with `/`. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Already serialised JSON. */
  readonly body?: string;
  readonly timeoutMs: number;
  /** Aborted by stop()/abandon(). */
  readonly signal?: AbortSignal;
  /** performance.now() when the whole request has been handed to the socket. */
  readonly onWritten?: (atMs: number) => void;
}

export type JsonHttpResult =
  | { readonly kind: 'answer'; readonly status: number; readonly text: string; readonly retryAfter: string | undefined }
  | {
      readonly kind: 'failure';
      /** The socket error's code (ECONNREFUSED...), when there is one. */
      readonly code: string | undefined;
      readonly timedOut: boolean;
      readonly aborted: boolean;
      readonly message: string;
    };

/** How long an idle connection is kept (closed by us before a server's usual 5 s keep-alive). */
const IDLE_MS = 4_000;
const MAX_HEAD_BYTES = 64 * 1024;
const MAX_BODY_BYTES = 64 * 1024 * 1024;

interface Exchange {
  onResponse(status: number, headers: ReadonlyMap<string, string>, text: string): void;
  onError(err: Error & { code?: string }): void;
}

/**
 * A Content-Length header's value, which may arrive repeated or as a list (RFC 9110 8.6): identical
 * values are one length; anything else cannot frame the body and is an error, not a wait for close.
 */
function contentLength(joined: string): number | Error {
  const values = new Set(joined.split(',').map((v) => v.trim()));
  for (const v of values) if (!/^\d{1,15}$/.test(v)) return new Error(`invalid Content-Length header "${joined.slice(0, 40)}" in the response`);
  if (values.size > 1) return new Error(`conflicting Content-Length headers in the response: ${[...values].join(', ')}`);
  return Number([...values][0]);
}

/** Incremental reader of one HTTP/1.1 response after another on one connection. */
class ResponseReader {
  private buf: Buffer = Buffer.alloc(0);
  private status = 0;
  private headers: Map<string, string> | undefined;
  /** Body framing once the head is read: bytes left, 'chunked', or 'close'. */
  private mode: { kind: 'length'; left: number } | { kind: 'chunked' } | { kind: 'close' } | undefined;
  private body: Buffer[] = [];
  private bodyBytes = 0;
  closeAfter = false;

  /** Feeds bytes; returns a complete response when there is one (at most one per call; call again with nothing). */
  feed(chunk: Buffer | undefined): { status: number; headers: Map<string, string>; text: string } | 'more' | Error {
    if (chunk && chunk.length > 0) this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    for (;;) {
      if (!this.headers) {
        const end = this.buf.indexOf('\r\n\r\n');
        if (end < 0) return this.buf.length > MAX_HEAD_BYTES ? new Error('response head too large') : 'more';
        const lines = this.buf.toString('latin1', 0, end).split('\r\n');
        this.buf = this.buf.subarray(end + 4);
        const m = /^HTTP\/1\.([01]) (\d{3})/.exec(lines[0] ?? '');
        if (!m) return new Error(`not an HTTP/1.x response: ${(lines[0] ?? '').slice(0, 60)}`);
        const status = Number(m[2]);
        const headers = new Map<string, string>();
        for (let i = 1; i < lines.length; i++) {
          const line = lines[i] ?? '';
          const colon = line.indexOf(':');
          if (colon <= 0) continue;
          const name = line.slice(0, colon).trim().toLowerCase();
          const value = line.slice(colon + 1).trim();
          const prev = headers.get(name);
          headers.set(name, prev === undefined ? value : `${prev}, ${value}`);
        }
        if (status >= 100 && status < 200) continue; // 100 Continue and friends: the real answer follows
        this.status = status;
        this.headers = headers;
        const conn = (headers.get('connection') ?? '').toLowerCase();
        this.closeAfter = conn.includes('close') || (m[1] === '0' && !conn.includes('keep-alive'));
        const te = headers.get('transfer-encoding');
        const cl = headers.get('content-length');
        if (status === 204 || status === 304) this.mode = { kind: 'length', left: 0 };
        else if (te !== undefined && /(^|,)\s*chunked\s*$/i.test(te)) {
          this.mode = { kind: 'chunked' };
          // Framed both ways (RFC 9112 6.3): chunked wins, but the connection is not trusted again.
          if (cl !== undefined) this.closeAfter = true;
        } else if (te === undefined && cl !== undefined) {
          const length = contentLength(cl);
          if (length instanceof Error) return length;
          this.mode = { kind: 'length', left: length };
        } else {
          this.mode = { kind: 'close' };
          this.closeAfter = true;
        }
        if (this.mode.kind === 'length' && this.mode.left > MAX_BODY_BYTES) return new Error('response body too large');
      }
      const mode = this.mode;
      if (!mode) return 'more';
      if (mode.kind === 'length') {
        const take = Math.min(mode.left, this.buf.length);
        if (take > 0) this.pushBody(this.buf.subarray(0, take));
        this.buf = this.buf.subarray(take);
        mode.left -= take;
        if (mode.left > 0) return 'more';
        return this.complete();
      }
      if (mode.kind === 'close') {
        if (this.buf.length > 0) this.pushBody(this.buf);
        this.buf = Buffer.alloc(0);
        return this.bodyBytes > MAX_BODY_BYTES ? new Error('response body too large') : 'more';
      }
      // chunked: size line, data, CRLF ... 0-size chunk, trailers, empty line
      const eol = this.buf.indexOf('\r\n');
      if (eol < 0) return 'more';
      const sizeText = (this.buf.toString('latin1', 0, eol).split(';')[0] ?? '').trim();
      if (!/^[0-9a-fA-F]{1,8}$/.test(sizeText)) return new Error(`invalid chunk size "${sizeText.slice(0, 20)}" in a chunked response`);
      const size = parseInt(sizeText, 16);
      if (size === 0) {
        const end = this.buf.indexOf('\r\n\r\n', eol);
        if (end === eol) {
          this.buf = this.buf.subarray(eol + 4);
          return this.complete();
        }
        const trailerEnd = this.buf.indexOf('\r\n\r\n');
        if (trailerEnd < 0) return 'more';
        this.buf = this.buf.subarray(trailerEnd + 4);
        return this.complete();
      }
      if (this.buf.length < eol + 2 + size + 2) return 'more';
      if (this.buf[eol + 2 + size] !== 0x0d || this.buf[eol + 3 + size] !== 0x0a) return new Error('chunk data not followed by CRLF in a chunked response (wrong chunk size)');
      this.pushBody(this.buf.subarray(eol + 2, eol + 2 + size));
      this.buf = this.buf.subarray(eol + 2 + size + 2);
      if (this.bodyBytes > MAX_BODY_BYTES) return new Error('response body too large');
    }
  }

  /** The connection closed: a read-until-close body is complete now. */
  end(): { status: number; headers: Map<string, string>; text: string } | undefined {
    if (this.headers && this.mode?.kind === 'close') return this.complete();
    return undefined;
  }

  /** Where a response stopped when the connection closed before it was complete, if it had begun. */
  cutShort(): string | undefined {
    if (!this.headers) return this.buf.length > 0 ? 'in the response head' : undefined;
    const mode = this.mode;
    if (mode?.kind === 'length') return `after ${this.bodyBytes} of ${this.bodyBytes + mode.left} body bytes`;
    if (mode?.kind === 'chunked') return `in a chunked body after ${this.bodyBytes} bytes`;
    return undefined;
  }

  /** Bytes that arrived beyond the response just completed. */
  hasLeftover(): boolean {
    return this.buf.length > 0;
  }

  private pushBody(b: Buffer): void {
    this.body.push(b);
    this.bodyBytes += b.length;
  }

  private complete(): { status: number; headers: Map<string, string>; text: string } {
    const text = this.body.length === 1 ? (this.body[0] ?? Buffer.alloc(0)).toString('utf8') : Buffer.concat(this.body).toString('utf8');
    const out = { status: this.status, headers: this.headers ?? new Map<string, string>(), text };
    this.headers = undefined;
    this.mode = undefined;
    this.body = [];
    this.bodyBytes = 0;
    return out;
  }
}

/** One kept-alive connection. */
class Connection {
  readonly socket: Socket;
  private readonly reader = new ResponseReader();
  private current: Exchange | undefined;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  dead = false;

  constructor(
    host: string,
    port: number,
    secure: boolean,
    private readonly onIdle: (c: Connection, idleMs: number) => void,
    private readonly onGone: (c: Connection) => void,
  ) {
    this.socket = secure ? tlsConnect({ host, port, servername: host, ALPNProtocols: ['http/1.1'] }) : netConnect({ host, port });
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (err: Error & { code?: string }) => this.fail(err));
    this.socket.on('close', () => {
      const whole = this.current ? this.reader.end() : undefined;
      if (whole) this.deliver(whole);
      const where = this.current ? this.reader.cutShort() : undefined;
      const message = where !== undefined ? `connection closed mid-response (${where})` : 'socket hang up';
      this.fail(Object.assign(new Error(message), { code: 'ECONNRESET' }));
    });
  }

  /** Starts an exchange; the connection must be free. */
  start(text: string, exchange: Exchange, onWritten: ((atMs: number) => void) | undefined): void {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    this.current = exchange;
    this.socket.ref();
    if (onWritten) this.socket.write(text, 'utf8', () => onWritten(performance.now()));
    else this.socket.write(text, 'utf8');
  }

  /** Ends the exchange in progress without a result (timeout, abort): the connection is closed. */
  cancel(): void {
    this.current = undefined;
    this.destroy();
  }

  destroy(): void {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (!this.dead) {
      this.dead = true;
      this.onGone(this);
    }
    this.socket.destroy();
  }

  /** Idle: kept for `ms`, not holding the process open. */
  park(ms: number): void {
    this.socket.unref();
    this.idleTimer = setTimeout(() => this.destroy(), ms);
    this.idleTimer.unref();
  }

  private onData(chunk: Buffer): void {
    if (!this.current) {
      // Bytes nobody asked for: the connection is unusable.
      this.destroy();
      return;
    }
    const r = this.reader.feed(chunk);
    if (r === 'more') return;
    if (r instanceof Error) {
      this.fail(r);
      return;
    }
    this.deliver(r);
  }

  private deliver(r: { status: number; headers: Map<string, string>; text: string }): void {
    const ex = this.current;
    this.current = undefined;
    if (!ex) return;
    const reusable = !this.dead && !this.reader.closeAfter && !this.reader.hasLeftover() && !this.socket.destroyed;
    if (reusable) {
      const hint = /timeout=(\d+)/.exec(r.headers.get('keep-alive') ?? '')?.[1];
      const idle = hint !== undefined ? Math.min(IDLE_MS, Number(hint) * 1000 - 1000) : IDLE_MS;
      if (idle > 0) this.onIdle(this, idle);
      else this.destroy();
    } else {
      this.destroy();
    }
    ex.onResponse(r.status, r.headers, r.text);
  }

  private fail(err: Error & { code?: string }): void {
    const ex = this.current;
    this.current = undefined;
    this.destroy();
    ex?.onError(err);
  }
}

/** A pool of kept-alive connections to one origin. */
export class JsonHttpClient {
  private readonly host: string;
  private readonly port: number;
  private readonly hostHeader: string;
  private readonly basePath: string;
  private readonly secure: boolean;
  /** Idle connections, most recently used last. */
  private readonly idle: Connection[] = [];
  private readonly all = new Set<Connection>();

  /** `baseUrl` is the origin plus an optional path prefix (trailing slashes ignored). */
  constructor(baseUrl: string) {
    const u = new URL(baseUrl);
    this.secure = u.protocol === 'https:';
    if (!this.secure && u.protocol !== 'http:') throw new Error(`not an http(s) URL: ${baseUrl}`);
    this.host = u.hostname.replace(/^\[|\]$/g, '');
    this.port = u.port !== '' ? Number(u.port) : this.secure ? 443 : 80;
    this.hostHeader = u.host;
    this.basePath = u.pathname.replace(/\/+$/, '');
  }

  /** Never rejects. */
  send(req: JsonHttpRequest): Promise<JsonHttpResult> {
    return new Promise((resolve) => {
      const signal = req.signal;
      if (signal?.aborted) {
        resolve({ kind: 'failure', code: undefined, timedOut: false, aborted: true, message: 'aborted' });
        return;
      }
      let head = `${req.method} ${this.basePath}${req.path} HTTP/1.1\r\nHost: ${this.hostHeader}\r\nConnection: keep-alive\r\n`;
      for (const name in req.headers) {
        const value = req.headers[name] ?? '';
        if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) {
          resolve({ kind: 'failure', code: 'ERR_INVALID_CHAR', timedOut: false, aborted: false, message: `invalid character in header ${name}` });
          return;
        }
        head += `${name}: ${value}\r\n`;
      }
      const text = req.body !== undefined ? `${head}Content-Length: ${Buffer.byteLength(req.body)}\r\n\r\n${req.body}` : `${head}\r\n`;

      let settled = false;
      const conn = this.take();
      const finish = (r: JsonHttpResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(r);
      };
      const onAbort = (): void => {
        conn.cancel();
        finish({ kind: 'failure', code: undefined, timedOut: false, aborted: true, message: 'aborted' });
      };
      const timer = setTimeout(() => {
        conn.cancel();
        finish({ kind: 'failure', code: undefined, timedOut: true, aborted: false, message: `no answer within ${req.timeoutMs} ms` });
      }, req.timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      conn.start(
        text,
        {
          onResponse: (status, headers, body) => finish({ kind: 'answer', status, text: body, retryAfter: headers.get('retry-after') }),
          onError: (err) => finish({ kind: 'failure', code: err.code, timedOut: false, aborted: signal?.aborted === true, message: err.message }),
        },
        req.onWritten,
      );
    });
  }

  /** Closes every connection (requests on them fail). */
  close(): void {
    for (const c of [...this.all]) c.destroy();
    this.idle.length = 0;
  }

  private take(): Connection {
    for (;;) {
      const c = this.idle.pop();
      if (!c) break;
      if (!c.dead && !c.socket.destroyed && c.socket.writable) return c;
      c.destroy();
    }
    const c = new Connection(
      this.host,
      this.port,
      this.secure,
      (conn, ms) => {
        conn.park(ms);
        this.idle.push(conn);
      },
      (conn) => {
        this.all.delete(conn);
        const i = this.idle.indexOf(conn);
        if (i >= 0) this.idle.splice(i, 1);
      },
    );
    this.all.add(c);
    return c;
  }
}

const pools = new WeakMap<AbortSignal, Map<string, JsonHttpClient>>();

/**
 * The pool of the connection that owns `owner` for a URL's origin, and the URL's path and query to
 * send on it. The pool's sockets are closed when `owner` aborts (the connection stopped), so no
 * socket outlives its connection; idle ones never keep the process alive.
 */
export function poolFor(url: string, owner: AbortSignal): { readonly client: JsonHttpClient; readonly path: string } {
  const u = new URL(url);
  let byOrigin = pools.get(owner);
  if (!byOrigin) {
    const created = new Map<string, JsonHttpClient>();
    byOrigin = created;
    pools.set(owner, created);
    owner.addEventListener(
      'abort',
      () => {
        for (const c of created.values()) c.close();
        created.clear();
      },
      { once: true },
    );
  }
  let client = byOrigin.get(u.origin);
  if (!client) {
    client = new JsonHttpClient(u.origin);
    if (!owner.aborted) byOrigin.set(u.origin, client);
  }
  return { client, path: `${u.pathname}${u.search}` };
}

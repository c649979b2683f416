/**
 * The headless host (`serve`, `demo`): the renderer's files and the engine API over one HTTP
 * server on 127.0.0.1. The API socket is refused without the token printed at start.
 *
 * The token is never a cookie (a cookie for 127.0.0.1 goes to every server on 127.0.0.1, whatever
 * its port). The printed address carries it in the fragment, which the browser never sends; the
 * page keeps it in memory and offers it as a WebSocket subprotocol (../api/socketAuth.ts). The
 * renderer's files are served without it: they are the public build, and the engine's state and
 * every command are only reachable through the socket.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ApiEvent, ResponseEnvelope } from '../api/contract';
import { SOCKET_PROTOCOL, tokenFromProtocols } from '../api/socketAuth';
import type { Logger } from '../domain/log';
import { CALLBACK_PATH, writeCallbackPage, type CallbackPage } from './signInCallbackPage';

export interface ApiHandler {
  /** One raw message from a client → its response (never throws; bad input is an error response). */
  handle(raw: string): Promise<ResponseEnvelope | undefined>;
  onEvent(listener: (e: ApiEvent) => void): () => void;
}

export interface HeadlessServerOptions {
  readonly handler: ApiHandler;
  /** Built renderer (index.html and assets). */
  readonly staticDir: string;
  readonly port?: number;
  /** Loopback unless told otherwise. */
  readonly host?: string;
  /** At least 128 bits (the CLI checks a user's); a random one otherwise. */
  readonly token?: string;
  readonly log: Logger;
  /**
   * Sign in with Tradovate's redirect address (CALLBACK_PATH): the browser's answer, without the
   * token (it comes from Tradovate's page); its `state` is what admits it.
   */
  readonly signInAnswer?: (query: URLSearchParams) => Promise<CallbackPage>;
}

export interface HeadlessServer {
  readonly url: string;
  readonly token: string;
  /** The address to open, token included (in the fragment: never sent to the server). */
  readonly openUrl: string;
  close(): Promise<void>;
}

/** The cookie older versions set; cleared when a browser still sends it. */
const OLD_COOKIE = 'mirrorfill_token';
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

export async function startHeadlessServer(opts: HeadlessServerOptions): Promise<HeadlessServer> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const host = opts.host ?? '127.0.0.1';
  const sockets = new Set<WebSocket>();

  const authorised = (req: IncomingMessage): boolean => {
    const offered = tokenFromProtocols(req.headers['sec-websocket-protocol']);
    return offered !== undefined && same(offered, token);
  };

  const server = createServer((req, res) => {
    void serveHttp(req, res).catch((err: unknown) => {
      opts.log.error('http handler failed', { error: String(err) });
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });

  async function serveHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostAllowed(req, host)) {
      res.writeHead(421, { 'content-type': 'text/plain' }).end('misdirected request');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const headers: Record<string, string> = {
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    };
    if (parseCookies(req.headers.cookie ?? '')[OLD_COOKIE] !== undefined) headers['set-cookie'] = `${OLD_COOKIE}=; Max-Age=0; Path=/`;
    const pathname = requestPath(req.url);
    if (pathname === undefined) {
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end(`Mirrorfill: malformed path ${JSON.stringify((req.url ?? '').slice(0, 200))}\n`);
      return;
    }
    if (pathname === CALLBACK_PATH && opts.signInAnswer) {
      writeCallbackPage(res, await opts.signInAnswer(new URL(req.url ?? '/', 'http://localhost').searchParams));
      return;
    }
    const file = await resolveStatic(opts.staticDir, pathname);
    if (!file) {
      res.writeHead(404, headers).end();
      return;
    }
    headers['content-type'] = TYPES[extname(file.path)] ?? 'application/octet-stream';
    res.writeHead(200, headers).end(req.method === 'HEAD' ? undefined : file.body);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20, handleProtocols: (offered) => (offered.has(SOCKET_PROTOCOL) ? SOCKET_PROTOCOL : false) });
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    if (requestPath(req.url) !== '/api' || !hostAllowed(req, host) || !authorised(req) || !originAllowed(req)) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      const detach = opts.handler.onEvent((event) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event }));
      });
      ws.on('message', (data, isBinary) => {
        if (isBinary) return;
        const text = (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer)).toString('utf8');
        opts.handler.handle(text).then(
          (response) => {
            if (response && ws.readyState === ws.OPEN) ws.send(JSON.stringify(response));
          },
          // handle() is documented never to reject; if it does, the request goes unanswered (the
          // page times it out) and the server stays up.
          (err: unknown) => opts.log.error('api handler failed', { error: err instanceof Error ? err.message : String(err) }),
        );
      });
      ws.on('close', () => {
        detach();
        sockets.delete(ws);
      });
      ws.on('error', () => ws.terminate());
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${port}`;
  return {
    url,
    token,
    openUrl: `${url}/#token=${encodeURIComponent(token)}`,
    close: async () => {
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function parseCookies(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}

/** DNS rebinding: a page on another name that resolves to 127.0.0.1 must not reach us. */
function hostAllowed(req: IncomingMessage, boundHost: string): boolean {
  const h = (req.headers.host ?? '').replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  if (boundHost === '127.0.0.1' || boundHost === 'localhost' || boundHost === '::1') return h === '127.0.0.1' || h === 'localhost' || h === '::1';
  return true;
}

/** A browser sends Origin on WebSocket upgrades: it must be this server. Tools without Origin need the token anyway. */
function originAllowed(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/** The request's decoded path, or undefined when it cannot be decoded (a bad `%` escape, a NUL). */
function requestPath(raw: string | undefined): string | undefined {
  try {
    const decoded = decodeURIComponent(new URL(raw ?? '/', 'http://localhost').pathname);
    return decoded.includes('\0') ? undefined : decoded;
  } catch {
    return undefined;
  }
}

async function resolveStatic(root: string, pathname: string): Promise<{ path: string; body: Buffer } | undefined> {
  const rel = pathname === '/' ? '/index.html' : pathname;
  const full = normalize(join(root, rel));
  if (!full.startsWith(normalize(root + sep))) return undefined;
  try {
    return { path: full, body: await readFile(full) };
  } catch {
    // Client-side routes fall back to the app shell.
    if (!extname(rel)) {
      const index = join(root, 'index.html');
      return { path: index, body: await readFile(index) };
    }
    return undefined;
  }
}

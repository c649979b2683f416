/**
 * The headless server: the API socket needs the token as a subprotocol (never a cookie), the
 * renderer's files are served without it, malformed paths are a 400, and a failing handler does
 * not escape as an unhandled rejection.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SOCKET_PROTOCOL, socketProtocols, tokenFromProtocols } from '../api/socketAuth';
import { createLogger, type LogSink } from '../domain/log';
import { startHeadlessServer, type ApiHandler, type HeadlessServer } from './headlessServer';

const TOKEN = 'AbCdEfGhIjKlMnOpQrStUv=='; // 24 base64 characters

interface Started {
  readonly server: HeadlessServer;
  readonly logged: Parameters<LogSink>[0][];
}

let running: HeadlessServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function start(handler: Partial<ApiHandler> = {}): Promise<Started> {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorfill-static-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>app</title>');
  const logged: Parameters<LogSink>[0][] = [];
  const server = await startHeadlessServer({
    handler: { handle: () => Promise.resolve(undefined), onEvent: () => () => undefined, ...handler },
    staticDir: dir,
    token: TOKEN,
    log: createLogger((l) => logged.push(l), 'http', 'debug'),
  });
  running = server;
  return { server, logged };
}

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    // A raw path: URL would re-encode a bad escape.
    const req = request({ host: u.hostname, port: u.port, path: url.slice(u.origin.length), headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** 101 when the socket opens, else the refusal's status. */
function socketStatus(url: string, protocols: string[] | undefined, headers: Record<string, string> = {}): Promise<{ status: number; ws?: WebSocket }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, { headers });
    ws.on('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      ws.terminate();
    });
    ws.on('open', () => resolve({ status: 101, ws }));
    ws.on('error', (e) => {
      if (!/Unexpected server response/.test(e.message)) reject(e);
    });
  });
}

describe('socketAuth', () => {
  it('round-trips any token through a subprotocol name', () => {
    for (const t of [TOKEN, 'abc=def==/+é']) {
      const [name, carrier] = socketProtocols(t);
      expect(name).toBe(SOCKET_PROTOCOL);
      expect(carrier).toMatch(/^[\w.-]+$/);
      expect(tokenFromProtocols(`${name}, ${carrier ?? ''}`)).toBe(t);
    }
    expect(tokenFromProtocols('mirrorfill.token.a')).toBeUndefined();
    expect(tokenFromProtocols(undefined)).toBeUndefined();
  });
});

describe('headless server', () => {
  it('prints an address with the token in the fragment, which browsers never send', async () => {
    const { server } = await start();
    expect(server.openUrl).toBe(`${server.url}/#token=${encodeURIComponent(TOKEN)}`);
  });

  it('accepts the API socket only with the token as a subprotocol, never from a cookie', async () => {
    const { server } = await start();
    const api = `${server.url.replace('http:', 'ws:')}/api`;
    expect((await socketStatus(api, undefined)).status).toBe(401);
    expect((await socketStatus(api, undefined, { cookie: `mirrorfill_token=${TOKEN}` })).status).toBe(401);
    expect((await socketStatus(api, socketProtocols('wrong-token-wrong-token-wrong'))).status).toBe(401);
    expect((await socketStatus(api, socketProtocols(TOKEN), { origin: 'http://evil.example' })).status).toBe(401);
    const ok = await socketStatus(api, socketProtocols(TOKEN));
    expect(ok.status).toBe(101);
    expect(ok.ws?.protocol).toBe(SOCKET_PROTOCOL);
    ok.ws?.close();
  });

  it('serves the app without setting any cookie, and clears the cookie older versions set', async () => {
    const { server } = await start();
    const plain = await get(`${server.url}/`);
    expect(plain.status).toBe(200);
    expect(plain.headers['set-cookie']).toBeUndefined();
    const old = await get(`${server.url}/?token=${TOKEN}`, { cookie: `mirrorfill_token=${TOKEN}` });
    expect(old.headers['set-cookie']).toEqual(['mirrorfill_token=; Max-Age=0; Path=/']);
  });

  it('answers 400 to a malformed path and logs no error', async () => {
    const { server, logged } = await start();
    for (const path of ['/%E0%A4%A', '/%zz', '/a%00b']) {
      const r = await get(`${server.url}${path}`);
      expect(r.status).toBe(400);
      expect(r.body).toContain('malformed path');
    }
    expect(logged.filter((l) => l.level === 'error')).toEqual([]);
    expect((await socketStatus(`${server.url.replace('http:', 'ws:')}/%zz`, socketProtocols(TOKEN))).status).toBe(401);
  });

  it('logs a handler that rejects and keeps serving the socket', async () => {
    let calls = 0;
    const { server, logged } = await start({
      handle: (raw) => {
        calls++;
        return raw === 'boom' ? Promise.reject(new Error('handler broke')) : Promise.resolve({ id: 1, ok: true, result: raw } as never);
      },
    });
    const { ws } = await socketStatus(`${server.url.replace('http:', 'ws:')}/api`, socketProtocols(TOKEN));
    if (!ws) throw new Error('socket refused');
    const answer = new Promise<string>((resolve) => ws.once('message', (d: Buffer) => resolve(d.toString('utf8'))));
    ws.send('boom');
    ws.send('after');
    expect(JSON.parse(await answer)).toMatchObject({ result: 'after' });
    expect(calls).toBe(2);
    expect(logged.find((l) => l.msg === 'api handler failed')?.fields).toEqual({ error: 'handler broke' });
    ws.close();
  });
});

/**
 * The HTTP/1.1 client against a real local server that writes raw bytes, so every framing case an
 * intermediary or a broker might produce is exercised exactly, not as node:http would send it.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { JsonHttpClient, type JsonHttpResult } from './jsonHttp';

interface RawServer {
  readonly url: string;
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

/** Answers each complete request head (and its body, by Content-Length) with `answer`. */
async function rawServer(answer: (socket: Socket, request: string, n: number) => void): Promise<RawServer> {
  let accepted = 0;
  let requests = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buf = '';
    socket.on('data', (chunk: Buffer) => {
      buf += chunk.toString('latin1');
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const length = Number(/content-length: (\d+)/i.exec(buf.slice(0, end))?.[1] ?? '0');
        if (buf.length < end + 4 + length) return;
        const request = buf.slice(0, end + 4 + length);
        buf = buf.slice(end + 4 + length);
        answer(socket, request, ++requests);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const open: { client: JsonHttpClient; server: RawServer }[] = [];

async function setup(answer: (socket: Socket, request: string, n: number) => void): Promise<{ client: JsonHttpClient; server: RawServer }> {
  const server = await rawServer(answer);
  const client = new JsonHttpClient(server.url);
  open.push({ client, server });
  return { client, server };
}

afterEach(async () => {
  for (const { client, server } of open.splice(0)) {
    client.close();
    await server.close();
  }
});

// Long enough that a hang shows up as a timeout failure, not as a passing test.
const get = (client: JsonHttpClient, path = '/x'): Promise<JsonHttpResult> => client.send({ method: 'GET', path, headers: {}, timeoutMs: 5_000 });

function answerOf(r: JsonHttpResult): { status: number; text: string } {
  if (r.kind !== 'answer') throw new Error(`expected an answer, got a failure: ${r.message}`);
  return { status: r.status, text: r.text };
}

describe('JsonHttpClient reading raw responses', () => {
  it('reads a Content-Length body', async () => {
    const { client } = await setup((s) => s.write('HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n{"a":1}'));
    expect(answerOf(await get(client))).toEqual({ status: 200, text: '{"a":1}' });
  });

  it('reads a chunked body split across writes, with chunk extensions', async () => {
    const { client } = await setup((s) => {
      s.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\n{"a');
      s.write('"\r\n4\r\n:12}\r\n0\r\n\r\n');
    });
    expect(answerOf(await get(client))).toEqual({ status: 200, text: '{"a":12}' });
  });

  it('skips 100 Continue (and other 1xx) before the response', async () => {
    const { client } = await setup((s) => s.write('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}'));
    expect(answerOf(await get(client))).toEqual({ status: 201, text: '{}' });
  });

  it('reads a response whose 1xx, head and CRLFs are split across packets', async () => {
    const { client } = await setup((s) => {
      const parts = ['HTTP/1.1 100 Continue\r\n', '\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r', '\n2\r', '\n{}\r', '\n0\r\n', '\r\n'];
      // Each part is its own packet (no Nagle), the next written once the previous has been flushed.
      s.setNoDelay(true);
      const next = (i: number): void => {
        if (i < parts.length) s.write(parts[i] ?? '', () => setImmediate(() => next(i + 1)));
      };
      next(0);
    });
    expect(answerOf(await get(client))).toEqual({ status: 200, text: '{}' });
  });

  it('reads a chunked body with trailers and keeps the connection for the next request', async () => {
    const { client, server } = await setup((s, _req, n) => s.write(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n${n}\r\n0\r\nX-Checksum: abc\r\nX-Other: d\r\n\r\n`));
    expect(answerOf(await get(client))).toEqual({ status: 200, text: '1' });
    expect(answerOf(await get(client))).toEqual({ status: 200, text: '2' });
    expect(server.connections()).toBe(1);
  });

  it('accepts duplicate identical Content-Length headers (no hang)', async () => {
    const { client } = await setup((s) => s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}'));
    expect(answerOf(await get(client))).toEqual({ status: 200, text: '{}' });
  });

  it('accepts a Content-Length given as an identical list (no hang)', async () => {
    const { client } = await setup((s) => s.write('HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\n{}'));
    expect(answerOf(await get(client))).toEqual({ status: 200, text: '{}' });
  });

  it('fails clearly on conflicting Content-Length headers', async () => {
    const { client } = await setup((s) => s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}x'));
    const r = await get(client);
    expect(r.kind).toBe('failure');
    if (r.kind === 'failure') {
      expect(r.timedOut).toBe(false);
      expect(r.message).toMatch(/conflicting Content-Length/);
    }
  });

  it('fails clearly on a malformed Content-Length', async () => {
    const { client } = await setup((s) => s.write('HTTP/1.1 200 OK\r\nContent-Length: 2x\r\n\r\n{}'));
    const r = await get(client);
    expect(r.kind === 'failure' && !r.timedOut && /invalid Content-Length/.test(r.message)).toBe(true);
  });

  it('fails clearly on a malformed chunk size', async () => {
    const { client } = await setup((s) => s.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5zz\r\nhello\r\n0\r\n\r\n'));
    const r = await get(client);
    expect(r.kind === 'failure' && !r.timedOut && /chunk size/.test(r.message)).toBe(true);
  });

  it('fails clearly when chunk data is not followed by CRLF (a wrong chunk size)', async () => {
    const { client } = await setup((s) => s.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{"a"\r\n4\r\n:12}\r\n0\r\n\r\n'));
    const r = await get(client);
    expect(r.kind === 'failure' && !r.timedOut && /chunk data not followed by CRLF/.test(r.message)).toBe(true);
  });

  it('fails clearly, without waiting for the timeout, when the peer closes mid-body', async () => {
    const { client } = await setup((s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{"a"'));
    const r = await get(client);
    expect(r.kind).toBe('failure');
    if (r.kind === 'failure') {
      expect(r.timedOut).toBe(false);
      expect(r.message).toMatch(/closed mid-response/);
    }
  });

  it('fails clearly when the peer closes mid-chunked-body and mid-head', async () => {
    const { client } = await setup((s, _req, n) =>
      s.end(n === 1 ? 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhe' : 'HTTP/1.1 200 OK\r\nContent-Le'),
    );
    for (let i = 0; i < 2; i++) {
      const r = await get(client);
      expect(r.kind === 'failure' && !r.timedOut && /closed mid-response/.test(r.message)).toBe(true);
    }
  });

  it('reads a body delimited by the close of the connection', async () => {
    const { client } = await setup((s) => s.end('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n[1,2]'));
    expect(answerOf(await get(client))).toEqual({ status: 200, text: '[1,2]' });
  });

  it('reuses a kept-alive connection and opens a new one after Connection: close', async () => {
    const { client, server } = await setup((s, _req, n) => {
      if (n === 2) s.end('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\n2');
      else s.write(`HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n${n}`);
    });
    expect(answerOf(await get(client)).text).toBe('1');
    expect(answerOf(await get(client)).text).toBe('2');
    expect(server.connections()).toBe(1);
    expect(answerOf(await get(client)).text).toBe('3');
    expect(server.connections()).toBe(2);
  });

  it('lets Transfer-Encoding: chunked win over a Content-Length, then closes the connection', async () => {
    const { client, server } = await setup((s, _req, n) => s.write(`HTTP/1.1 200 OK\r\nContent-Length: 99\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n${n}\r\n0\r\n\r\n`));
    expect(answerOf(await get(client)).text).toBe('1');
    expect(answerOf(await get(client)).text).toBe('2');
    // A response framed both ways may have been smuggled: the connection is not trusted again.
    expect(server.connections()).toBe(2);
  });

  it('sends the body with its Content-Length', async () => {
    let seen = '';
    const { client } = await setup((s, req) => {
      seen = req;
      s.write('HTTP/1.1 204 No Content\r\n\r\n');
    });
    const r = await client.send({ method: 'POST', path: '/o', headers: { 'Content-Type': 'application/json' }, body: '{"é":1}', timeoutMs: 5_000 });
    expect(answerOf(r)).toEqual({ status: 204, text: '' });
    expect(seen).toMatch(/^POST \/o HTTP\/1\.1\r\n/);
    expect(seen).toContain('Content-Length: 8\r\n');
    expect(seen.endsWith('\r\n\r\n{"\xc3\xa9":1}')).toBe(true);
  });
});

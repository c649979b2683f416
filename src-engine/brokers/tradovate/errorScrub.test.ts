/**
 * Tradovate error text reaches logs and the screen: whatever the broker echoes back (the request's
 * password or API secret, a token) is scrubbed first. Against a real local server answering raw.
 */
import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SystemClock } from '../../domain/clock';
import { forgetSecrets, rememberSecret } from '../../domain/redact';
import { BrokerError } from './brokerError';
import { DEFAULT_PENALTY_POLICY } from './penalty';
import { tradovateBudget } from './requestBudget';
import { RestClient } from './restClient';
import type { TokenManager } from './tokenManager';

let server: Server | undefined;
let abort = new AbortController();
afterEach(async () => {
  forgetSecrets();
  abort.abort();
  abort = new AbortController();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A server answering every request with `status` and `body`. */
async function answering(status: number, body: string): Promise<string> {
  server = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.once('data', () => socket.end(`HTTP/1.1 ${status} X\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`));
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

function client(restUrl: string): RestClient {
  const clock = new SystemClock();
  const session = { accessToken: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXRv', mdAccessToken: 'md', expiresAt: Date.now() + 3_600_000, lifetimeMs: 3_600_000 };
  const tokens = { valid: () => Promise.resolve(session), refresh: () => Promise.resolve(session) } as unknown as TokenManager;
  return new RestClient({ restUrl, tokens, penalty: { budget: tradovateBudget(clock), clock, policy: DEFAULT_PENALTY_POLICY, sleep: () => Promise.resolve() }, signal: abort.signal, timeoutMs: 5_000, onRequest: () => undefined });
}

describe('Tradovate error text', () => {
  it('is scrubbed of the secrets an error answer echoes', async () => {
    rememberSecret('the-api-secret-123');
    const url = await answering(400, JSON.stringify({ errorText: 'bad request {"name":"bob","password":"hunter2","sec":"the-api-secret-123","p-ticket":"tkt-9"} Bearer abc.def' }));
    const err = await client(url).call({ endpoint: 'auth/accesstokenrequest', body: { name: 'bob' }, mutates: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BrokerError);
    const message = (err as BrokerError).message;
    expect(message).toContain('bad request');
    for (const secret of ['hunter2', 'the-api-secret-123', 'tkt-9', 'abc.def']) expect(message).not.toContain(secret);
  });

  it('is scrubbed in a body that is not JSON', async () => {
    const url = await answering(500, '<html>upstream said password=hunter2&user=bob</html>');
    const err = await client(url).call({ endpoint: 'order/list', mutates: false }).catch((e: unknown) => e);
    expect((err as BrokerError).message).toBe('<html>upstream said password=[redacted]&user=bob</html>');
  });
});

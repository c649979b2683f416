/**
 * A listener that throws on a frame (the SignalR client does, on a frame it cannot take during its
 * handshake) does not end the process: the socket is dropped and the error reported. Against a real
 * WebSocket server on loopback.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { tokenWebSocketClass } from './tokenWebSocket';

let server: WebSocketServer | undefined;

afterEach(async () => {
  await new Promise<void>((resolve) => {
    if (!server) resolve();
    else server.close(() => resolve());
  });
  server = undefined;
});

describe('TokenWebSocket', () => {
  it('drops the socket and reports it when a message listener throws, instead of throwing out of the socket', async () => {
    const srv = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    server = srv;
    await new Promise<void>((resolve) => srv.once('listening', () => resolve()));
    const port = (srv.address() as { port: number }).port;
    // The server speaks first, before any handshake answer: a ping record.
    srv.on('connection', (ws) => ws.send('{"type":6}\u001e'));

    const errors: unknown[] = [];
    const Socket = tokenWebSocketClass(() => undefined, (e) => errors.push(e));
    const socket = new Socket(`ws://127.0.0.1:${port}/hubs/user`);
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.onmessage = () => {
      throw new Error('Expected a handshake response from the server.');
    };
    await closed;

    expect(errors.map((e) => (e instanceof Error ? e.message : String(e)))).toEqual(['Expected a handshake response from the server.']);
    expect(socket.readyState).toBe(Socket.CLOSED);
  });
});

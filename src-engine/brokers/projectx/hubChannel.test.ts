/**
 * A hub whose first connect fails in the SignalR client's handshake (the server's first frame comes
 * ahead of its handshake answer) connects again, and the channel says it is back. Against a real
 * WebSocket server on loopback that speaks SignalR's JSON handshake.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { SystemClock } from '../../domain/clock';
import { silentLogger } from '../../domain/log';
import { HubChannel } from './hubChannel';

const RS = '\u001e';
let server: WebSocketServer | undefined;
let channel: HubChannel | undefined;

afterEach(async () => {
  channel?.abandon();
  channel = undefined;
  await new Promise<void>((resolve) => {
    if (!server) resolve();
    else server.close(() => resolve());
  });
  server = undefined;
});

describe('HubChannel', () => {
  it('connects again after a first connect whose handshake failed on an early frame', async () => {
    const srv = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    server = srv;
    await new Promise<void>((resolve) => srv.once('listening', () => resolve()));
    const port = (srv.address() as { port: number }).port;
    let connections = 0;
    srv.on('connection', (ws) => {
      const n = ++connections;
      // The first connection's server speaks first: a ping record ahead of the handshake answer.
      if (n === 1) ws.send(`{"type":6}${RS}`);
      ws.on('message', (data: Buffer) => {
        for (const frame of data.toString().split(RS).filter(Boolean)) {
          const m = JSON.parse(frame) as { protocol?: string; type?: number; invocationId?: string };
          if (m.protocol !== undefined) ws.send(`{}${RS}`);
          else if (m.type === 1 && m.invocationId !== undefined) ws.send(`${JSON.stringify({ type: 3, invocationId: m.invocationId, result: 0 })}${RS}`);
        }
      });
    });

    const reasons: string[] = [];
    const back = new Promise<void>((resolve) => {
      channel = new HubChannel({
        label: 'market hub',
        url: `http://127.0.0.1:${port}/hubs/market`,
        token: () => Promise.resolve('token'),
        unauthorized: () => undefined,
        malformed: () => undefined,
        random: () => 0,
        clock: new SystemClock(),
        log: silentLogger,
        reconnecting: (_attempt, _at, reason) => reasons.push(reason),
        reconnected: () => resolve(),
        startTimeoutMs: 500,
      });
      void channel.subscribe('SubscribeContractQuotes', 'CON.F.US.MES.Z26');
      channel.connect();
    });
    await back;
    expect(connections).toBeGreaterThanOrEqual(2);
    expect(channel?.isConnected()).toBe(true);
    expect(reasons.length).toBeGreaterThanOrEqual(1);
  }, 60_000);
});

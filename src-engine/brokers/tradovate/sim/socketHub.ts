/**
 * The simulator's WebSocket sessions, whatever they carry: `o` on connect, the authorisation
 * deadline, the server heartbeat `h` when idle (§3.1), closing clients that stay silent (§3.6),
 * and the outgoing queue a delay fault holds frames in, in order.
 */
import type { WebSocket } from 'ws';
import type { ContractCode } from '../../../domain/contractCode';
import type { Logger } from '../../../domain/log';
import { OPEN_FRAME, SERVER_HEARTBEAT } from '../codec';
import type { SimLogin } from './simLogins';

export type SocketKind = 'trading' | 'md';

export interface SimSocket {
  readonly ws: WebSocket;
  readonly kind: SocketKind;
  /** Set once authorised. */
  login: SimLogin | undefined;
  /** Trading sockets after `user/syncrequest`: what their stream carries. */
  synced: boolean;
  accounts: Set<number>;
  entityTypes: Set<string> | undefined;
  /** md sockets: subscribed contracts. */
  readonly quotes: Set<ContractCode>;
  /** Frames held by a delay fault, in order. */
  readonly queue: string[];
  lastTx: number;
  lastRx: number;
  tick: ReturnType<typeof setInterval> | undefined;
  authTimer: ReturnType<typeof setTimeout> | undefined;
  closed: boolean;
}

export interface SocketHubOptions {
  readonly heartbeatMs: number;
  readonly clientTimeoutMs: number;
  readonly authorizeTimeoutMs: number;
  readonly log: Logger;
  readonly isDelayed: (login: string) => boolean;
  readonly onFrame: (s: SimSocket, text: string) => void;
  /** A socket closed or a queue emptied (idle bookkeeping). */
  readonly onChange: () => void;
}

export class SocketHub {
  private readonly sockets = new Set<SimSocket>();

  constructor(private readonly opts: SocketHubOptions) {}

  accept(ws: WebSocket, kind: SocketKind): SimSocket {
    const now = performance.now();
    const s: SimSocket = { ws, kind, login: undefined, synced: false, accounts: new Set(), entityTypes: undefined, quotes: new Set(), queue: [], lastTx: now, lastRx: now, tick: undefined, authTimer: undefined, closed: false };
    this.sockets.add(s);
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (s.closed) return;
      s.lastRx = performance.now();
      this.opts.onFrame(s, isBinary ? '' : data.toString('utf8'));
    });
    ws.on('close', () => this.close(s));
    ws.on('error', () => this.close(s));
    s.authTimer = setTimeout(() => {
      if (!s.login) this.close(s);
    }, this.opts.authorizeTimeoutMs);
    s.tick = setInterval(() => this.onTick(s), Math.max(50, Math.floor(this.opts.heartbeatMs / 2)));
    this.write(s, OPEN_FRAME);
    return s;
  }

  authorised(s: SimSocket, login: SimLogin): void {
    s.login = login;
    if (s.authTimer !== undefined) clearTimeout(s.authTimer);
    s.authTimer = undefined;
  }

  /** Every frame to a client goes through here, so a delay holds them all, in order. */
  send(s: SimSocket, frame: string): void {
    if (s.closed) return;
    if (s.queue.length > 0 || (s.login && this.opts.isDelayed(s.login.login))) {
      s.queue.push(frame);
      return;
    }
    this.write(s, frame);
  }

  /** A delay ended: flush what the login's sockets hold. */
  release(login: string): void {
    if (this.opts.isDelayed(login)) return;
    for (const s of this.of(login)) for (const frame of s.queue.splice(0)) this.write(s, frame);
    this.opts.onChange();
  }

  of(login: string, kind?: SocketKind): SimSocket[] {
    const key = login.toLowerCase();
    return [...this.sockets].filter((s) => s.login?.login.toLowerCase() === key && (kind === undefined || s.kind === kind));
  }

  all(): SimSocket[] {
    return [...this.sockets];
  }

  /** Frames held by delays. */
  queued(): number {
    let n = 0;
    for (const s of this.sockets) n += s.queue.length;
    return n;
  }

  close(s: SimSocket): void {
    if (s.closed) return;
    s.closed = true;
    this.sockets.delete(s);
    if (s.tick !== undefined) clearInterval(s.tick);
    if (s.authTimer !== undefined) clearTimeout(s.authTimer);
    s.queue.length = 0;
    s.ws.terminate();
    this.opts.onChange();
  }

  closeAll(): void {
    for (const s of [...this.sockets]) this.close(s);
  }

  private onTick(s: SimSocket): void {
    const now = performance.now();
    if (now - s.lastRx > this.opts.clientTimeoutMs) {
      this.opts.log.info('closing a silent client socket', { login: s.login?.login });
      this.close(s);
      return;
    }
    // Only when idle (§3.1), and not through a delay: a stalled link carries no heartbeats either.
    if (now - s.lastTx >= this.opts.heartbeatMs && s.queue.length === 0 && !(s.login && this.opts.isDelayed(s.login.login))) this.write(s, SERVER_HEARTBEAT);
  }

  private write(s: SimSocket, frame: string): void {
    if (s.closed) return;
    s.lastTx = performance.now();
    s.ws.send(frame);
  }
}

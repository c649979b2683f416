/**
 * A fake engine at the other end of the client's socket, for unit tests: records every request,
 * answers from per-command handlers (a thrown ApiError-shaped object is a refusal), pushes events,
 * and can drop and refuse connections to exercise reconnects.
 */
import type { ApiError as ApiErrorShape, ApiEvent, CommandName } from '../../src-engine/api/contract';
import type { SnapshotView } from '../../src-engine/api/views';
import type { SocketLike } from '../api/client';

export class Refused {
  constructor(readonly error: ApiErrorShape) {}
}

export function refusal(issues: { field: string; message: string }[]): Refused {
  return new Refused({ kind: 'refused', message: issues.map((i) => `${i.field}: ${i.message}`).join('; '), issues });
}

type Handler = (args: unknown) => unknown;

export class FakeSocket implements SocketLike {
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code?: number; reason?: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  open = false;
  closed = false;

  constructor(private readonly server: FakeEngine) {}

  send(data: string): void {
    if (!this.open) throw new Error('not open');
    this.server.receive(this, data);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.open = false;
    this.onclose?.({ code: 1000, reason: '' });
  }

  accept(): void {
    this.open = true;
    this.onopen?.(undefined);
  }

  deliver(msg: unknown): void {
    if (this.open) this.onmessage?.({ data: JSON.stringify(msg) });
  }

  drop(reason = 'engine went away'): void {
    if (this.closed) return;
    this.closed = true;
    this.open = false;
    this.onclose?.({ code: 1006, reason });
  }
}

export class FakeEngine {
  readonly sockets: FakeSocket[] = [];
  readonly calls: { id: number; cmd: string; args: unknown }[] = [];
  readonly handlers = new Map<string, Handler>();
  /** When false, new sockets never open and are dropped at once (engine down). */
  up = true;
  /** When true, requests are held until release() (to test in-flight behaviour). */
  hold = false;
  private held: (() => void)[] = [];

  readonly connect = (): FakeSocket => {
    const s = new FakeSocket(this);
    this.sockets.push(s);
    queueMicrotask(() => {
      if (this.up) s.accept();
      else s.drop('connection refused');
    });
    return s;
  };

  on(cmd: CommandName, h: Handler): this {
    this.handlers.set(cmd, h);
    return this;
  }

  get current(): FakeSocket | undefined {
    return [...this.sockets].reverse().find((s) => s.open);
  }

  callsOf(cmd: CommandName): unknown[] {
    return this.calls.filter((c) => c.cmd === cmd).map((c) => c.args);
  }

  receive(s: FakeSocket, raw: string): void {
    const { id, cmd, args } = JSON.parse(raw) as { id: number; cmd: string; args: unknown };
    this.calls.push({ id, cmd, args });
    const answer = (): void => {
      const h = this.handlers.get(cmd);
      if (!h) {
        s.deliver({ id, ok: true, result: {} });
        return;
      }
      try {
        const result = h(args);
        if (result instanceof Refused) s.deliver({ id, ok: false, error: result.error });
        else s.deliver({ id, ok: true, result });
      } catch (err) {
        s.deliver({ id, ok: false, error: { kind: 'failed', message: String(err), issues: [] } });
      }
    };
    if (this.hold) this.held.push(answer);
    else queueMicrotask(answer);
  }

  release(): void {
    const all = this.held;
    this.held = [];
    for (const a of all) a();
  }

  emit(event: ApiEvent): void {
    this.current?.deliver({ event });
  }
}

/** Lets queued microtasks (socket opens, answers) run. */
export async function flush(times = 5): Promise<void> {
  for (let i = 0; i < times; i++) await Promise.resolve();
}

export function snapshotFixture(over: Partial<SnapshotView> = {}): SnapshotView {
  return {
    info: { version: '0.1.0', startedAt: 0, host: 'test', keychain: { available: true, detail: 'test keychain' }, recoveredFrom: undefined },
    connections: [],
    accounts: [],
    groups: [
      {
        id: 'g1',
        name: 'Main',
        status: { status: 'Active' },
        input: { name: 'Main', leader: 'lead', followers: [{ account: 'f1' }, { account: 'f2', ratio: '2' }], settings: { mode: 'multiplier', ratio: '1' } },
        followerRows: {},
        leaderRoots: [],
        roots: [],
        leaderHoldings: [],
        recentTrades: [],
        todayPnl: 0,
      },
    ],
    locks: [],
    risk: [],
    settings: { startWithOs: false, startPaused: false, soundOnLock: true, notifyOnLock: true, notifyOnRejection: true, dataFolder: '/d', logFolder: '/d/logs' },
    ...over,
  };
}

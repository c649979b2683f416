/**
 * The utility host over real MessagePorts (Node's worker_threads: the same structured-clone ports
 * Electron hands over) against a real engine on a temp folder. Only Electron's parentPort is a
 * stand-in here: an EventEmitter that delivers {data, ports} as Electron's does.
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiEvent, HostReport, ResponseEnvelope, ServerMessage } from '../api/contract';
import type { SnapshotView } from '../api/views';
import { openAppHost, type AppHost } from './appHost';
import { nodeApiPort, parseHostArgs, reportFatalErrors, servePort, startUtilityHost, type MainPortLike, type ParentPortLike, type UtilityHost } from './utilityProcessHost';
import { MemorySecretStore } from '../secrets/memorySecretStore';
import { silentLogger } from '../domain/log';
import { guardLibraryRejections } from './libraryRejections';


/** The renderer/main end of a port: numbered requests, responses by id, events collected. */
class PortClient {
  readonly events: ApiEvent[] = [];
  private readonly pending = new Map<number, (r: ResponseEnvelope) => void>();
  private nextId = 1;
  constructor(readonly port: MessagePort) {
    port.on('message', (m: ServerMessage) => {
      if ('event' in m) this.events.push(m.event);
      else this.pending.get(m.id)?.(m);
    });
  }
  send(raw: unknown, id: number): Promise<ResponseEnvelope> {
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.port.postMessage(raw);
    });
  }
  request(cmd: string, args: unknown = {}): Promise<ResponseEnvelope> {
    const id = this.nextId++;
    return this.send({ id, cmd, args }, id);
  }
  async result<T>(cmd: string, args: unknown = {}): Promise<T> {
    const r = await this.request(cmd, args);
    if (!r.ok) throw new Error(r.error.message);
    return r.result as T;
  }
  async waitForEvent(match: (e: ApiEvent) => boolean, ms = 5000): Promise<ApiEvent> {
    const until = Date.now() + ms;
    for (;;) {
      const e = this.events.find(match);
      if (e) return e;
      if (Date.now() > until) throw new Error('no such event');
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** Electron's MessagePortMain, as the engine sees it: `message` listeners get `{data}`. */
class MainPortOverNode extends EventEmitter implements MainPortLike {
  constructor(private readonly port: MessagePort) {
    super();
    port.on('message', (data: unknown) => this.emit('message', { data }));
    port.on('close', () => this.emit('close'));
  }
  postMessage(m: unknown): void {
    this.port.postMessage(m);
  }
  start(): void {
    this.port.start();
  }
  close(): void {
    this.port.close();
  }
}
const asMainPort = (port: MessagePort): MainPortLike => new MainPortOverNode(port);

/** Electron's parentPort as the utility process sees it. */
class FakeParentPort implements ParentPortLike {
  readonly reports: HostReport[] = [];
  private readonly emitter = new EventEmitter();
  on(event: 'message', listener: (e: { readonly data: unknown; readonly ports: readonly MainPortLike[] }) => void): this {
    this.emitter.on(event, listener);
    return this;
  }
  postMessage(message: HostReport): void {
    this.reports.push(structuredClone(message));
  }
  /** What main's `child.postMessage(msg, [port])` delivers. */
  deliver(data: unknown, ports: MainPortLike[] = []): void {
    this.emitter.emit('message', { data, ports });
  }
  connect(role: 'main' | 'window'): PortClient {
    const { port1, port2 } = new MessageChannel();
    this.deliver({ type: 'port', role }, [asMainPort(port1)]);
    return new PortClient(port2);
  }
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mirrorfill-utility-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('servePort over worker_threads MessagePorts', () => {
  let app: AppHost;
  const ports: MessagePort[] = [];
  beforeEach(() => {
    app = openAppHost({ dataDir: dir, host: 'test', secrets: new MemorySecretStore() });
  });
  afterEach(async () => {
    for (const p of ports.splice(0)) p.close();
    await app.close();
  });
  const channel = (hooks?: Parameters<typeof servePort>[2]): { client: PortClient; stop: () => void } => {
    const { port1, port2 } = new MessageChannel();
    ports.push(port1, port2);
    const stop = servePort(nodeApiPort(port1), app.api, hooks);
    return { client: new PortClient(port2), stop };
  };

  it('answers a cloned envelope and its JSON text alike', async () => {
    const { client } = channel();
    const snap = await client.result<SnapshotView>('state.get');
    expect(snap.info.host).toBe('test');
    const viaText = await client.send(JSON.stringify({ id: 41, cmd: 'settings.get', args: {} }), 41);
    expect(viaText).toMatchObject({ id: 41, ok: true, result: { startPaused: false } });
  });

  it('refuses a bad request with an error that names it, keeping the id', async () => {
    const { client } = channel();
    const unknown = await client.request('orders.yolo');
    expect(unknown).toMatchObject({ ok: false, error: { kind: 'refused' } });
    const badArgs = await client.request('controls.pause', { group: 7 });
    expect(badArgs).toMatchObject({ ok: false, error: { kind: 'refused', issues: [{ field: 'group' }] } });
    const notEnvelope = await client.send({ id: 9, nope: true }, 9);
    expect(notEnvelope).toMatchObject({ id: 9, ok: false });
  });

  it('posts engine events to every served port', async () => {
    const a = channel();
    const b = channel();
    await a.client.result('connections.add', { broker: 'paper', name: 'Paper', settings: { login: 'me' } });
    await a.client.waitForEvent((e) => e.type === 'changed' && e.scopes.includes('connections'));
    await b.client.waitForEvent((e) => e.type === 'changed' && e.scopes.includes('connections'));
  });

  it('tells the host when settings change on a port', async () => {
    const seen: boolean[] = [];
    const { client } = channel({ onSettingsChanged: (s) => seen.push(s.startWithOs) });
    await client.result('settings.set', { startWithOs: true });
    await client.result('settings.get');
    expect(seen).toEqual([true]);
  });

  it('stops posting to a port once it is closed', async () => {
    const { client } = channel();
    const other = channel();
    client.port.close();
    await new Promise((r) => setTimeout(r, 50));
    // The engine keeps serving the other port; the closed one got nothing and nothing threw.
    await other.client.result('connections.add', { broker: 'paper', name: 'Paper 2', settings: { login: 'me' } });
    await other.client.waitForEvent((e) => e.type === 'changed');
    expect(client.events).toEqual([]);
  });
});

describe('parseHostArgs', () => {
  it('reads the data folder and the demo choice, ignoring Electron’s own arguments', () => {
    expect(parseHostArgs(['/usr/bin/electron', 'engine.cjs', '--data-dir', '/u/d', '--demo', 'off'])).toEqual({ dataDir: '/u/d', demo: 'off' });
    expect(parseHostArgs(['--data-dir=/u/d'])).toEqual({ dataDir: '/u/d', demo: 'auto' });
    expect(() => parseHostArgs(['--demo', 'on'])).toThrow(/--data-dir/);
    expect(() => parseHostArgs(['--data-dir', '/x', '--demo', 'maybe'])).toThrow(/auto, on or off/);
  });
});

describe('the utility process host', () => {
  const hosts: UtilityHost[] = [];
  const clients: PortClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.port.close();
    for (const h of hosts.splice(0)) await h.shutdown();
  });
  const start = (parent: FakeParentPort, demo: 'auto' | 'on' | 'off'): UtilityHost => {
    const h = startUtilityHost(parent, { dataDir: dir, demo, secrets: new MemorySecretStore(), startSettleMs: 500 });
    hosts.push(h);
    return h;
  };
  const connect = (parent: FakeParentPort, role: 'main' | 'window'): PortClient => {
    const c = parent.connect(role);
    clients.push(c);
    return c;
  };

  it('runs the demo world when the user has no connection yet, and shuts down on request', async () => {
    const parent = new FakeParentPort();
    const host = start(parent, 'auto');
    // A port handed over before the engine is open is served once it is.
    const early = connect(parent, 'window');
    const { mode } = await host.ready;
    expect(mode).toBe('demo');
    expect(parent.reports[0]).toMatchObject({ type: 'ready', mode: 'demo', settings: { startPaused: false } });
    const snap = await early.result<SnapshotView>('state.get');
    expect(snap.info.host).toBe('demo');
    expect(snap.groups.map((g) => g.name)).toEqual(['Demo']);
    const main = connect(parent, 'main');
    await main.result('controls.pauseAll');
    const after = await early.result<SnapshotView>('state.get');
    expect(after.groups[0]?.status).toEqual({ status: 'Paused', reason: 'user' });

    parent.deliver({ type: 'shutdown' });
    await host.closed;
    expect(parent.reports.at(-1)).toEqual({ type: 'stopped' });
  });

  it('opens the user’s own data when the demo is off', async () => {
    const parent = new FakeParentPort();
    const host = start(parent, 'off');
    expect((await host.ready).mode).toBe('live');
    const snap = await connect(parent, 'main').result<SnapshotView>('state.get');
    expect(snap.info.host).toBe('desktop');
    expect(snap.settings.dataFolder).toBe(dir);
  });

  it('uses the user’s data once it has a connection, paused at start when the settings say so', async () => {
    const seed = openAppHost({ dataDir: dir, host: 'test', secrets: new MemorySecretStore() });
    await seed.engine.addConnection({ id: 'p1', broker: 'paper', name: 'Paper', settings: { login: 'me' } }, [
      { id: 'a1', brokerAccountId: '1', name: 'LEAD', risk: {} },
      { id: 'a2', brokerAccountId: '2', name: 'FOLLOW', risk: {} },
    ]);
    seed.engine.saveGroup({ name: 'Mine', leader: 'a1', followers: [{ account: 'a2' }] });
    await seed.api.invoke('settings.set', { startPaused: true });
    await seed.close();

    const parent = new FakeParentPort();
    const host = start(parent, 'auto');
    expect((await host.ready).mode).toBe('live');
    const main = connect(parent, 'main');
    const snap = await main.result<SnapshotView>('state.get');
    expect(snap.groups.map((g) => [g.name, g.status])).toEqual([['Mine', { status: 'Paused', reason: 'user' }]]);

    await main.result('settings.set', { startWithOs: true });
    expect(parent.reports.find((r) => r.type === 'settings')).toMatchObject({ settings: { startWithOs: true, startPaused: true } });
  });

  it('ignores messages that are not main’s protocol', async () => {
    const parent = new FakeParentPort();
    const host = start(parent, 'off');
    parent.deliver({ type: 'reboot' });
    parent.deliver('shutdown');
    await host.ready;
    expect(await connect(parent, 'main').result<SnapshotView>('state.get')).toBeTruthy();
  });

  it('reports why it could not open', async () => {
    const parent = new FakeParentPort();
    // A data folder that is a file: the database cannot be created there.
    const file = join(dir, 'not-a-folder');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, 'x');
    const host = startUtilityHost(parent, { dataDir: file, demo: 'off', secrets: new MemorySecretStore() });
    await expect(host.ready).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 0));
    expect(parent.reports).toEqual([{ type: 'fatal', message: expect.stringMatching(/could not open its data/) as unknown }]);
  });
});

describe('an uncaught error in the engine process', () => {
  function setup(flushLog?: () => void): { proc: EventEmitter; parent: FakeParentPort; exited: Promise<number>; steps: string[] } {
    const proc = new EventEmitter();
    const parent = new FakeParentPort();
    const steps: string[] = [];
    const exited = new Promise<number>((resolve) =>
      reportFatalErrors(proc, parent, {
        flushLog: () => {
          steps.push('flush');
          flushLog?.();
        },
        exit: (code) => {
          steps.push(`exit ${code}`);
          resolve(code);
        },
        graceMs: 0,
      }),
    );
    return { proc, parent, exited, steps };
  }

  it('tells main why before it exits, scrubbed like a log line, with the log flushed', async () => {
    const { proc, parent, exited, steps } = setup();
    proc.emit('uncaughtException', new TypeError('cannot read x of undefined (Authorization: Bearer abc.def)'), 'uncaughtException');
    expect(parent.reports).toEqual([{ type: 'fatal', message: expect.stringMatching(/^The engine stopped on an unexpected error: TypeError: cannot read x of undefined \(Authorization: Bearer \[redacted\]\)/) as unknown }]);
    expect(steps).toEqual(['flush']); // the report first; the exit after its grace
    expect(await exited).toBe(1);
    expect(steps).toEqual(['flush', 'exit 1']);
  });

  it('says when it was an unhandled rejection, whatever was rejected', async () => {
    const { proc, parent, exited } = setup();
    proc.emit('uncaughtException', 'plain string reason', 'unhandledRejection');
    expect(parent.reports).toEqual([{ type: 'fatal', message: 'The engine stopped on an unhandled promise rejection: plain string reason' }]);
    expect(await exited).toBe(1);
  });

  it('says so for a rejection the rejection guard passed on', async () => {
    const { proc, parent, exited } = setup();
    const reasons = new EventEmitter();
    guardLibraryRejections(silentLogger, reasons);
    const reason = new Error('a promise of ours failed');
    expect(() => reasons.emit('unhandledRejection', reason)).toThrow(reason);
    proc.emit('uncaughtException', reason, 'uncaughtException'); // what Node does with the guard's throw
    expect(parent.reports).toEqual([{ type: 'fatal', message: expect.stringMatching(/^The engine stopped on an unhandled promise rejection: Error: a promise of ours failed/) as unknown }]);
    expect(await exited).toBe(1);
  });

  it('reports once and still exits when the report or the flush fails', async () => {
    const { proc, parent, exited } = setup(() => {
      throw new Error('disk gone');
    });
    parent.postMessage = () => {
      throw new Error('main gone');
    };
    proc.emit('uncaughtException', new Error('first'), 'uncaughtException');
    proc.emit('uncaughtException', new Error('second'), 'uncaughtException');
    expect(await exited).toBe(1);
  });

  it('leaves the engine log with the lines queued before the error', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mirrorfill-fatal-'));
    const app = openAppHost({ dataDir, host: 'test', secrets: new MemorySecretStore() });
    try {
      const { proc } = setup(() => app.flushLogSync());
      app.log.warn('the last thing before the crash');
      proc.emit('uncaughtException', new Error('boom'), 'uncaughtException');
      // Synchronously: the process may not live another turn.
      expect(readFileSync(join(dataDir, 'logs', 'engine.log'), 'utf8')).toContain('the last thing before the crash');
      // Private: the log folder and its files are the user's only.
      expect((statSync(join(dataDir, 'logs')).mode & 0o777).toString(8)).toBe('700');
      expect((statSync(join(dataDir, 'logs', 'engine.log')).mode & 0o777).toString(8)).toBe('600');
    } finally {
      await app.close();
    }
  });
});

/**
 * Main with the real engine behind it: the "utility process" runs the real utility host
 * (src-engine/host/utilityProcessHost.ts) in this process, on a temp data folder, in demo mode —
 * simulated brokers on 127.0.0.1, the seeded group. Only Electron is a stand-in: its parentPort
 * (an in-memory bridge) and its seams; the MessagePorts are real worker_threads ports.
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiEvent, EngineProcessState, HostCommand, HostReport } from '../src-engine/api/contract';
import type { SnapshotView } from '../src-engine/api/views';
import { parseHostArgs, startUtilityHost, type MainPortLike, type UtilityHost } from '../src-engine/host/utilityProcessHost';
import { runDesktopApp, type DesktopApp } from './desktopApp';
import { createMainLog } from './log/mainLog';
import type { PreloadEngineClient } from './preload/engineClient';
import type { EngineChild, PortMain } from './seams';
import { eventually, fakeElectron, settle, type FakeElectron } from './testing/fakeElectron';
import { ManualScheduler } from './testing/manualScheduler';
import { MemorySecretStore } from '../src-engine/secrets/memorySecretStore';


/** The utility process, in-process: the real host behind an in-memory parentPort. */
class InProcessEngine extends EventEmitter implements EngineChild {
  private static nextPid = 5000;
  readonly pid = InProcessEngine.nextPid++;
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly host: UtilityHost;
  private readonly toHost = new EventEmitter();
  private cut = false;
  private exitCode: number | undefined;

  constructor(args: string[]) {
    super();
    const parent = {
      on: (event: 'message', listener: (e: { readonly data: unknown; readonly ports: readonly MainPortLike[] }) => void) => this.toHost.on(event, listener),
      postMessage: (r: HostReport) => {
        if (!this.cut) setImmediate(() => this.emit('message', structuredClone(r)));
      },
    };
    this.host = startUtilityHost(parent, { ...parseHostArgs(args), secrets: new MemorySecretStore(), startSettleMs: 200, leaderEveryMs: 3_600_000 });
    void this.host.closed.then(() => this.exited(0));
  }

  postMessage(message: HostCommand, transfer: PortMain[] = []): void {
    // Main's ports are NodeBackedPorts: Electron's MessagePortMain shape, which the host expects.
    this.toHost.emit('message', { data: structuredClone(message), ports: transfer as unknown as MainPortLike[] });
  }

  kill(): boolean {
    this.crash(-1);
    return true;
  }

  /** Dies without a word to main: its ports close, nothing is reported. */
  crash(code: number): void {
    this.cut = true;
    this.exitCode ??= code;
    void this.host.shutdown();
  }

  private exited(code: number): void {
    this.stdout.end();
    this.stderr.end();
    setImmediate(() => this.emit('exit', this.exitCode ?? code));
  }
}

let userData: string;
let electron: FakeElectron;
let desktop: DesktopApp;
let scheduler: ManualScheduler;

beforeEach(() => {
  userData = mkdtempSync(join(tmpdir(), 'mirrorfill-desktop-engine-'));
  electron = fakeElectron(userData, (_path, args) => new InProcessEngine(args));
  scheduler = new ManualScheduler();
  const d = runDesktopApp(electron, {
    paths: { preload: 'preload.cjs', engineEntry: 'engine.cjs', rendererDir: join(userData, 'renderer'), iconsDir: 'icons' },
    argv: ['mirrorfill'],
    platform: 'linux',
    executable: 'mirrorfill',
    autostartDir: join(userData, 'autostart'),
    scheduler,
    openLog: () => createMainLog(() => undefined),
  });
  if (!d) throw new Error('no app');
  desktop = d;
});

afterEach(async () => {
  await desktop.quitWithoutAsking();
  for (const e of electron.engines) if (e instanceof InProcessEngine) await e.host.closed;
  electron.dispose();
  rmSync(userData, { recursive: true, force: true });
});

function engine(): InProcessEngine {
  const e = electron.engines.at(-1);
  if (!(e instanceof InProcessEngine)) throw new Error('no in-process engine forked');
  return e;
}

/** Everything the page heard from its preload, in order, and a way to wait for the next of a kind. */
function record(page: PreloadEngineClient): { readonly events: ApiEvent[]; next(what: string, match: (e: ApiEvent) => boolean): Promise<ApiEvent> } {
  const events: ApiEvent[] = [];
  const waiters = new Set<{ match: (e: ApiEvent) => boolean; done: (e: ApiEvent) => void }>();
  page.api.onEvent((e) => {
    events.push(e);
    for (const w of [...waiters]) if (w.match(e)) w.done(e);
  });
  return {
    events,
    next: (what, match) =>
      new Promise((resolve, reject) => {
        const w = {
          match,
          done: (e: ApiEvent) => {
            clearTimeout(deadline);
            waiters.delete(w);
            resolve(e);
          },
        };
        const deadline = setTimeout(() => {
          waiters.delete(w);
          reject(new Error(`the page never heard ${what}; it heard ${JSON.stringify(events.map((e) => (e.type === 'engine' ? e.engine.state : e.type)))}`));
        }, 20_000);
        waiters.add(w);
      }),
  };
}

const engineIs = (state: EngineProcessState['state']) => (e: ApiEvent) => e.type === 'engine' && e.engine.state === state;

async function groupStatus(page: PreloadEngineClient): Promise<SnapshotView['groups'][number]['status'] | undefined> {
  return (await page.api.invoke('state.get', {})).groups[0]?.status;
}

describe('main with the real engine behind it', () => {
  it('runs the demo, serves the window directly, takes tray commands, survives a crash, and shuts down', async () => {
    electron.app.becomeReady();
    await desktop.started;
    // The page loads while the engine is still starting: its preload learns the state from main,
    // and a request made before the engine port arrives waits for it (a short timeout makes a
    // port that never comes fail here, not at the test's deadline).
    const page = electron.window().webContents.loadPreload({ timeoutMs: 15_000 });
    const heard = record(page);
    electron.window().webContents.finishLoad();
    const snap = await page.api.invoke('state.get', {});
    expect(snap.info.host).toBe('demo');
    expect(snap.groups.map((g) => g.name)).toEqual(['Demo']);
    expect(desktop.supervisor.engineState).toMatchObject({ state: 'running', mode: 'demo' });
    expect(heard.events.filter((e) => e.type === 'engine').at(-1)).toMatchObject({ engine: { state: 'running', mode: 'demo' } });
    expect(electron.window().webContents.enginePorts()).toHaveLength(1);

    // Tray commands go over main's own port, with the same envelope; the page sees their effect.
    const menu = () => electron.tray().menu;
    menu()?.click('Pause all');
    await eventually(async () => expect(await groupStatus(page)).toEqual({ status: 'Paused', reason: 'user' }));
    menu()?.click('Resume all');
    await eventually(async () => expect((await groupStatus(page))?.status).not.toBe('Paused'));
    electron.dialog.answer = 0;
    menu()?.click('Emergency stop…');
    await eventually(async () => expect(await groupStatus(page)).toEqual({ status: 'Paused', reason: 'emergencyStop' }));

    // The engine dies: main tells the page, restarts it after the backoff and hands out fresh ports.
    const first = engine();
    const restarting = heard.next('the engine restarting', engineIs('restarting'));
    first.crash(1);
    expect(await restarting).toMatchObject({ engine: { state: 'restarting', attempt: 1, reason: 'exited with code 1' } });
    expect(electron.notifications.map((n) => n.options.title)).toContain('Mirrorfill engine stopped');
    await first.host.closed;
    // Asked while the engine is down, the page's request waits for the next engine (never re-sent).
    const during = page.api.invoke('state.get', {});
    const back = heard.next('the engine-restarted alert', (e) => e.type === 'alert' && e.topic === 'engine');
    await scheduler.advance(1_000);
    expect(electron.engines).toHaveLength(2);
    expect(engine()).not.toBe(first);
    expect((await during).groups.map((g) => g.name)).toEqual(['Demo']);
    expect(await back).toMatchObject({ title: 'Engine restarted' });
    expect(desktop.supervisor.engineState).toMatchObject({ state: 'running', mode: 'demo' });
    expect(electron.window().webContents.enginePorts()).toHaveLength(2);
    // Main's own port works again too: a tray command reaches the new engine.
    await desktop.link.invoke('controls.pauseAll', {});
    await eventually(async () => expect(await groupStatus(page)).toEqual({ status: 'Paused', reason: 'user' }));

    // Quit: no open position, so no question; the engine shuts down cleanly (no kill), and the page,
    // told so, refuses requests at once instead of holding them for an engine that is not coming.
    const stopping = heard.next('the engine stopping', engineIs('stopping'));
    electron.app.quit();
    await stopping;
    await engine().host.closed;
    await eventually(() => expect(electron.app.quitCalls).toBe(2), 10_000);
    expect(electron.dialog.asked.map((d) => d.message)).toEqual(['Emergency stop: flatten every account and pause every group?']);
    expect(electron.tray().destroyed).toBe(true);
    await expect(page.api.invoke('state.get', {})).rejects.toMatchObject({ kind: 'failed', message: 'The engine is stopping.' });
    await settle();
  });
});

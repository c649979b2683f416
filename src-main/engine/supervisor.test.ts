import { describe, expect, it } from 'vitest';
import type { EngineProcessState, HostReport } from '../../src-engine/api/contract';
import { createMainLog, type MainLogLine } from '../log/mainLog';
import { ScriptedEngine, settle } from '../testing/fakeElectron';
import { ManualScheduler } from '../testing/manualScheduler';
import { DEFAULT_TIMING, EngineSupervisor, restartDelay, type SupervisorTiming } from './supervisor';

function setup(timing: Partial<SupervisorTiming> = {}) {
  const scheduler = new ManualScheduler();
  const lines: MainLogLine[] = [];
  const states: EngineProcessState[] = [];
  const children: ScriptedEngine[] = [];
  const readies: ScriptedEngine[] = [];
  const reports: HostReport[] = [];
  let gone = 0;
  const permanent: string[] = [];
  const supervisor = new EngineSupervisor({
    spawn: () => {
      const c = new ScriptedEngine('engine.cjs', [], { serviceName: 'Mirrorfill Engine', stdio: 'pipe' });
      children.push(c);
      return c;
    },
    scheduler,
    timing: { ...DEFAULT_TIMING, ...timing },
    log: createMainLog((l) => lines.push(l), () => scheduler.now()),
    onState: (s) => states.push(s),
    onReady: (c) => {
      if (c instanceof ScriptedEngine) readies.push(c);
    },
    onReport: (r) => reports.push(r),
    onGone: () => gone++,
    onPermanentFailure: (m) => permanent.push(m),
  });
  const last = (): ScriptedEngine => {
    const c = children.at(-1);
    if (!c) throw new Error('no child');
    return c;
  };
  return { scheduler, lines, states, children, readies, reports, permanent, supervisor, last, gone: () => gone };
}

describe('restart backoff', () => {
  it('doubles from the base and stays at the cap', () => {
    const seq = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => restartDelay(n, DEFAULT_TIMING));
    expect(seq).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
    expect(restartDelay(500, DEFAULT_TIMING)).toBe(30_000);
  });
});

describe('EngineSupervisor', () => {
  it('starts, and is running once the engine reports ready (ports first)', async () => {
    const t = setup();
    t.supervisor.start();
    expect(t.states).toEqual([{ state: 'starting', attempt: 1 }]);
    t.last().ready('demo');
    await settle();
    expect(t.readies).toHaveLength(1);
    expect(t.states.at(-1)).toEqual({ state: 'running', since: t.scheduler.now(), mode: 'demo' });
  });

  it('restarts a crashing engine with capped exponential backoff, then gives up', async () => {
    const t = setup({ maxRestarts: 7 });
    t.supervisor.start();
    const delays: number[] = [];
    for (let crash = 1; crash <= 8; crash++) {
      t.last().stderr.write('Error: database disk image is malformed\n');
      t.last().exit(1);
      await settle();
      const s = t.states.at(-1);
      if (crash === 8) {
        expect(s).toEqual({ state: 'crashed', reason: 'exited with code 1: Error: database disk image is malformed' });
        break;
      }
      if (s?.state !== 'restarting') throw new Error(`expected restarting, got ${JSON.stringify(s)}`);
      expect(s.attempt).toBe(crash);
      delays.push(s.retryAt - t.scheduler.now());
      expect(t.children).toHaveLength(crash);
      await t.scheduler.advance(s.retryAt - t.scheduler.now());
      expect(t.children).toHaveLength(crash + 1);
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    // Given up: nothing more is scheduled or forked.
    await t.scheduler.advance(600_000);
    expect(t.children).toHaveLength(8);
    expect(t.gone()).toBe(8);
  });

  it('starts the backoff over after a healthy stretch of running', async () => {
    const t = setup();
    t.supervisor.start();
    t.last().exit(1); // crash 1 → 1 s
    await settle();
    await t.scheduler.advance(1_000);
    t.last().exit(1); // crash 2 → 2 s
    await settle();
    expect(t.states.at(-1)).toMatchObject({ state: 'restarting', attempt: 2 });
    await t.scheduler.advance(2_000);
    t.last().ready();
    await settle();
    await t.scheduler.advance(DEFAULT_TIMING.healthyAfterMs);
    t.last().exit(1);
    await settle();
    const s = t.states.at(-1);
    expect(s).toMatchObject({ state: 'restarting', attempt: 1 });
    expect(s?.state === 'restarting' && s.retryAt - t.scheduler.now()).toBe(1_000);
  });

  it('keeps counting when the engine dies before it was healthy', async () => {
    const t = setup();
    t.supervisor.start();
    t.last().exit(1);
    await settle();
    await t.scheduler.advance(1_000);
    t.last().ready();
    await settle();
    await t.scheduler.advance(DEFAULT_TIMING.healthyAfterMs - 1);
    t.last().exit(1);
    await settle();
    expect(t.states.at(-1)).toMatchObject({ state: 'restarting', attempt: 2 });
  });

  it('kills an engine that never becomes ready, and counts it as a crash', async () => {
    const t = setup({ readyTimeoutMs: 20_000 });
    t.supervisor.start();
    await t.scheduler.advance(20_000);
    expect(t.children[0]?.kills).toBe(1);
    expect(t.states.at(-1)).toMatchObject({ state: 'restarting', attempt: 1, reason: 'exited with code -1: the engine did not start within 20 s' });
  });

  it('shows the reason the engine reported before exiting', async () => {
    const t = setup();
    t.supervisor.start();
    t.last().report({ type: 'fatal', message: 'The engine could not open its data: SQLITE_BUSY' });
    await settle();
    t.last().exit(1);
    await settle();
    expect(t.states.at(-1)).toMatchObject({ state: 'restarting', reason: 'exited with code 1: The engine could not open its data: SQLITE_BUSY' });
  });

  it('does not restart an engine that says a restart cannot help, and says why once', async () => {
    const t = setup();
    t.supervisor.start();
    const message = 'The engine cannot start: the native module better-sqlite3 does not load (its build is for NODE_MODULE_VERSION 115, but Electron 45.4.1 needs NODE_MODULE_VERSION 150). Fix: npm run native -- --electron. Nothing was opened or written.';
    t.last().report({ type: 'fatal', message, permanent: true });
    await settle();
    t.last().exit(78);
    await settle();
    expect(t.states.at(-1)).toEqual({ state: 'crashed', reason: message });
    expect(t.permanent).toEqual([message]);
    // Nothing is scheduled: however long main waits, no second process is forked.
    await t.scheduler.advance(DEFAULT_TIMING.backoffCapMs * 10);
    expect(t.children).toHaveLength(1);
    // The tray's Restart still tries again (the user may have run the fix meanwhile).
    t.supervisor.start();
    expect(t.children).toHaveLength(2);
    expect(t.states.at(-1)).toEqual({ state: 'starting', attempt: 1 });
  });

  it('passes other reports on and ignores malformed messages', async () => {
    const t = setup();
    t.supervisor.start();
    t.last().emit('message', { type: 'ready', mode: 'sideways' });
    t.last().emit('message', 'hello');
    t.last().report({ type: 'settings', settings: { startWithOs: true, startPaused: false, soundOnLock: true, notifyOnLock: true, notifyOnRejection: true, dataFolder: '/d', logFolder: '/d/logs' } });
    await settle();
    expect(t.readies).toHaveLength(0);
    expect(t.reports).toHaveLength(1);
  });

  it('on quit: shutdown, and no kill when the engine exits in time', async () => {
    const t = setup();
    t.supervisor.start();
    t.last().ready();
    await settle();
    const stopped = t.supervisor.stop();
    await settle();
    await stopped;
    expect(t.last().received.map((m) => m.type)).toEqual(['shutdown']);
    expect(t.last().kills).toBe(0);
    expect(t.states.at(-1)).toEqual({ state: 'stopping' });
    // A requested exit is not a crash: nothing restarts.
    await t.scheduler.advance(60_000);
    expect(t.children).toHaveLength(1);
  });

  it('on quit: shutdown, wait the timeout, then kill an engine that does not stop', async () => {
    const t = setup({ shutdownTimeoutMs: 5_000 });
    t.supervisor.start();
    t.last().ready();
    await settle();
    t.last().onShutdown = 'hang';
    let done = false;
    const stopped = t.supervisor.stop().then(() => (done = true));
    await t.scheduler.advance(4_999);
    expect(t.last().kills).toBe(0);
    expect(done).toBe(false);
    await t.scheduler.advance(1);
    expect(t.last().kills).toBe(1);
    await stopped;
    expect(t.lines.some((l) => l.msg.includes('did not shut down in time'))).toBe(true);
    expect(t.scheduler.pending()).toEqual([]);
  });

  it('cancels a pending restart on quit', async () => {
    const t = setup();
    t.supervisor.start();
    t.last().exit(1);
    await settle();
    await t.supervisor.stop();
    await t.scheduler.advance(60_000);
    expect(t.children).toHaveLength(1);
  });

  it('restarts gracefully on request (leaving the demo), and from crashed on the user’s word', async () => {
    const t = setup({ maxRestarts: 0 });
    t.supervisor.start();
    t.last().ready();
    await settle();
    await t.supervisor.restart();
    expect(t.children[0]?.received).toEqual([{ type: 'shutdown' }]);
    expect(t.children).toHaveLength(2);
    t.last().exit(1);
    await settle();
    expect(t.states.at(-1)?.state).toBe('crashed');
    t.supervisor.start();
    expect(t.children).toHaveLength(3);
    expect(t.states.at(-1)).toEqual({ state: 'starting', attempt: 1 });
  });

  it('pipes the engine’s stdout and stderr into main’s log', async () => {
    const t = setup();
    t.supervisor.start();
    t.last().stdout.write('hello from');
    t.last().stdout.write(' the engine\nsecond line\n');
    t.last().stderr.write('(node:1) Warning: something\n');
    await settle();
    const out = t.lines.filter((l) => l.scope.startsWith('engine.')).map((l) => [l.scope, l.msg]);
    expect(out).toEqual([
      ['engine.stdout', 'hello from the engine'],
      ['engine.stdout', 'second line'],
      ['engine.stderr', '(node:1) Warning: something'],
    ]);
  });
});

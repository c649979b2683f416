/**
 * Keeps the engine's utility process alive (architecture practice 2): forks it, waits for its
 * `ready` report, restarts it with capped exponential backoff when it dies, gives up after too many
 * crashes in a row (the user restarts it from the tray), and on quit asks it to shut down, waits,
 * then kills it. Every state change is published for the window and the tray.
 *
 * A crash after a healthy stretch of running is a fresh problem, not the next step of a crash loop:
 * the backoff starts again from its base.
 */
import type { EngineProcessState, HostReport } from '../../src-engine/api/contract';
import type { MainLog } from '../log/mainLog';
import { sleep, type Scheduler } from '../scheduler';
import type { EngineChild } from '../seams';
import { pipeEngineOutput, type EngineOutput } from './engineOutput';
import { isHostReport } from './hostReports';

export interface SupervisorTiming {
  /** First restart delay; doubles per crash in a row. */
  readonly backoffBaseMs: number;
  /** The delay never exceeds this. */
  readonly backoffCapMs: number;
  /** Running this long counts as healthy: the next crash restarts after the base delay again. */
  readonly healthyAfterMs: number;
  /** Automatic restarts in a row before giving up ('crashed'). */
  readonly maxRestarts: number;
  /** A process that has not reported `ready` by then is hung: it is killed (and counts as a crash). */
  readonly readyTimeoutMs: number;
  /** On quit: how long the engine gets to close its database and connections before it is killed. */
  readonly shutdownTimeoutMs: number;
  /** After kill(): how long to wait for the exit before giving up on it. */
  readonly killWaitMs: number;
}

export const DEFAULT_TIMING: SupervisorTiming = {
  backoffBaseMs: 1_000,
  backoffCapMs: 30_000,
  healthyAfterMs: 60_000,
  maxRestarts: 8,
  readyTimeoutMs: 60_000,
  shutdownTimeoutMs: 5_000,
  killWaitMs: 2_000,
};

/** The wait before restart number `attempt` (1-based): base, 2×base, 4×base, … capped. */
export function restartDelay(attempt: number, timing: Pick<SupervisorTiming, 'backoffBaseMs' | 'backoffCapMs'>): number {
  const exp = Math.min(Math.max(attempt, 1) - 1, 30);
  return Math.min(timing.backoffCapMs, timing.backoffBaseMs * 2 ** exp);
}

export type ReadyReport = Extract<HostReport, { type: 'ready' }>;

export interface SupervisorDeps {
  /** Forks the engine (`utilityProcess.fork(entry, args, {serviceName, stdio: 'pipe'})`). */
  readonly spawn: () => EngineChild;
  readonly scheduler: Scheduler;
  readonly timing: SupervisorTiming;
  readonly log: MainLog;
  readonly onState: (state: EngineProcessState) => void;
  /** The engine serves the API: hand it its ports. */
  readonly onReady: (child: EngineChild, report: ReadyReport) => void;
  /** Any other report (settings changed). */
  readonly onReport: (report: HostReport) => void;
  /** The process is gone (crash, kill or shutdown): its ports are dead. */
  readonly onGone: () => void;
  /**
   * The engine said restarting cannot help (a native module built for another runtime): it is left
   * 'crashed' at once, and this is called once with its message for the user.
   */
  readonly onPermanentFailure?: (message: string) => void;
}

interface Run {
  readonly child: EngineChild;
  readonly exited: Promise<number>;
  readonly output: EngineOutput;
  fatal: string | undefined;
  permanent: boolean;
  cancelReadyTimer: () => void;
}

export class EngineSupervisor {
  private current: Run | undefined;
  private crashesInARow = 0;
  private runningSince: number | undefined;
  private cancelRetry: (() => void) | undefined;
  private stopping: Promise<void> | undefined;
  private state: EngineProcessState = { state: 'stopping' };

  constructor(private readonly deps: SupervisorDeps) {}

  get engineState(): EngineProcessState {
    return this.state;
  }

  /** Starts the engine (first start, or after 'crashed' when the user asks). */
  start(): void {
    if (this.current || this.stopping) return;
    this.cancelRetry?.();
    this.cancelRetry = undefined;
    this.crashesInARow = 0;
    this.launch();
  }

  /** Stops the engine gracefully and starts it again (new arguments take effect: leaving the demo). */
  async restart(): Promise<void> {
    await this.stop();
    this.stopping = undefined;
    this.start();
  }

  /** `shutdown`, then wait, then kill. Resolves once the process is gone (or would not die). */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    const { timing, log } = this.deps;
    this.cancelRetry?.();
    this.cancelRetry = undefined;
    this.setState({ state: 'stopping' });
    const run = this.current;
    if (!run) return;
    run.cancelReadyTimer();
    try {
      run.child.postMessage({ type: 'shutdown' });
    } catch {
      // Already going: the wait below sees the exit.
    }
    if (await this.exitsWithin(run, timing.shutdownTimeoutMs)) return;
    log.warn('engine did not shut down in time; killing it', { timeoutMs: timing.shutdownTimeoutMs, pid: run.child.pid });
    run.child.kill();
    if (!(await this.exitsWithin(run, timing.killWaitMs))) log.error('engine did not exit after kill', { pid: run.child.pid });
  }

  private async exitsWithin(run: Run, ms: number): Promise<boolean> {
    const timer = sleep(this.deps.scheduler, ms);
    try {
      return await Promise.race([run.exited.then(() => true), timer.done.then(() => false)]);
    } finally {
      timer.cancel();
    }
  }

  private launch(): void {
    const { deps } = this;
    this.setState({ state: 'starting', attempt: this.crashesInARow + 1 });
    let child: EngineChild;
    try {
      child = deps.spawn();
    } catch (err) {
      this.crashed(undefined, `could not start the engine process: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    const run: Run = {
      child,
      exited: new Promise<number>((resolve) => child.on('exit', resolve)),
      output: pipeEngineOutput(child, deps.log),
      fatal: undefined,
      permanent: false,
      cancelReadyTimer: () => undefined,
    };
    this.current = run;
    deps.log.info('engine process started', { pid: child.pid });
    run.cancelReadyTimer = deps.scheduler.setTimeout(() => {
      run.fatal = `the engine did not start within ${Math.round(deps.timing.readyTimeoutMs / 1000)} s`;
      deps.log.error('engine not ready in time; killing it', { pid: child.pid });
      child.kill();
    }, deps.timing.readyTimeoutMs);
    child.on('message', (message) => this.onMessage(run, message));
    void run.exited.then((code) => this.onExit(run, code));
  }

  private onMessage(run: Run, message: unknown): void {
    if (run !== this.current || !isHostReport(message)) return;
    switch (message.type) {
      case 'ready':
        run.cancelReadyTimer();
        if (this.stopping) return;
        this.runningSince = this.deps.scheduler.now();
        // Ports first: by the time anyone sees 'running', the engine can be reached.
        this.deps.onReady(run.child, message);
        this.setState({ state: 'running', since: this.runningSince, mode: message.mode });
        return;
      case 'fatal':
        run.fatal = message.message;
        run.permanent = message.permanent === true;
        this.deps.log.error('engine reported a fatal error', { message: message.message, permanent: run.permanent });
        return;
      case 'settings':
      case 'stopped':
        this.deps.onReport(message);
        return;
    }
  }

  private onExit(run: Run, code: number): void {
    if (run !== this.current) return;
    run.cancelReadyTimer();
    this.current = undefined;
    this.deps.onGone();
    if (this.stopping) {
      this.deps.log.info('engine process stopped', { code });
      return;
    }
    const detail = run.fatal ?? run.output.lastError();
    if (run.permanent && run.fatal !== undefined) {
      // A restart would fail the same way: no loop, one message, the tray's Restart stays offered.
      this.runningSince = undefined;
      this.crashesInARow = 0;
      this.deps.log.error('engine cannot start; not restarting it', { code, reason: run.fatal });
      // Told first: whoever shows the message knows the 'crashed' that follows is this one.
      this.deps.onPermanentFailure?.(run.fatal);
      this.setState({ state: 'crashed', reason: run.fatal });
      return;
    }
    this.crashed(code, detail);
  }

  private crashed(code: number | undefined, detail: string | undefined): void {
    const { deps } = this;
    const now = deps.scheduler.now();
    if (this.runningSince !== undefined && now - this.runningSince >= deps.timing.healthyAfterMs) this.crashesInARow = 0;
    this.runningSince = undefined;
    this.crashesInARow++;
    const reason = [code !== undefined ? `exited with code ${code}` : undefined, detail].filter((x) => x !== undefined).join(': ') || 'stopped';
    deps.log.error('engine stopped unexpectedly', { code, reason, crashesInARow: this.crashesInARow });
    if (this.crashesInARow > deps.timing.maxRestarts) {
      this.setState({ state: 'crashed', reason });
      return;
    }
    const delay = restartDelay(this.crashesInARow, deps.timing);
    this.setState({ state: 'restarting', attempt: this.crashesInARow, retryAt: now + delay, reason });
    this.cancelRetry = deps.scheduler.setTimeout(() => {
      this.cancelRetry = undefined;
      if (!this.stopping && !this.current) this.launch();
    }, delay);
  }

  private setState(state: EngineProcessState): void {
    this.state = state;
    this.deps.onState(state);
  }
}

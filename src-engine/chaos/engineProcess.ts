/**
 * The harness's handle on the engine child process: start it (and wait until its connections are
 * up), ask it whether it is idle, read its flags, kill it with SIGKILL, or stop it gracefully.
 * Every wait has a deadline; a child that dies while the harness waits turns the wait into an error.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SPEC_ENV, parseFromChild, type AccountFlagsReport, type ChildSpec, type FromChild, type ToChild } from './protocol';

const CHILD_ENTRY = fileURLToPath(new URL('./engineChild.ts', import.meta.url));
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export class EngineExited extends Error {
  constructor(readonly code: number | null, readonly signal: NodeJS.Signals | null, readonly stderr: string) {
    super(`the engine process exited (code ${code ?? '-'}, signal ${signal ?? '-'})${stderr ? `: ${stderr.trim().split('\n').slice(-5).join(' | ')}` : ''}`);
    this.name = 'EngineExited';
  }
}

export interface ReadyInfo {
  readonly fresh: boolean;
  readonly recoveredFrom: string | null;
}

export class EngineProcess {
  private readonly listeners = new Set<(m: FromChild) => void>();
  private readonly exitWaiters = new Set<(e: EngineExited) => void>();
  private exited: EngineExited | undefined;
  private stderr = '';
  private nextId = 1;

  private constructor(
    private readonly child: ChildProcess,
    stderrFile: string,
  ) {
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-8_000);
      // Whole, beside the database: a crash's stack is more than the few lines an error can carry.
      appendFileSync(stderrFile, chunk);
    });
    child.on('message', (raw) => {
      const m = parseFromChild(raw);
      if (m) for (const l of [...this.listeners]) l(m);
    });
    child.on('exit', (code, signal) => {
      this.exited = new EngineExited(code, signal, this.stderr);
      for (const w of [...this.exitWaiters]) w(this.exited);
      this.exitWaiters.clear();
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.exited === undefined;
  }

  /** Forks the engine on `spec` and resolves once it reports its connections started. */
  static async start(spec: ChildSpec, timeoutMs = 60_000): Promise<{ engine: EngineProcess; ready: ReadyInfo }> {
    const child = fork(CHILD_ENTRY, [], {
      execArgv: ['--import', TSX_LOADER],
      env: { ...process.env, [SPEC_ENV]: JSON.stringify(spec) },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    const engine = new EngineProcess(child, `${spec.dbPath}.stderr`);
    try {
      const ready = await engine.waitFor((m) => (m.type === 'ready' ? m : m.type === 'fatal' ? new Error(`the engine process failed to start: ${m.message}`) : undefined), timeoutMs, 'ready');
      return { engine, ready: { fresh: ready.fresh, recoveredFrom: ready.recoveredFrom } };
    } catch (err) {
      await engine.kill();
      throw err;
    }
  }

  /** Resolves with the engine's activity counter once it is idle, or undefined at the deadline. */
  async settle(timeoutMs: number): Promise<number | undefined> {
    const id = this.nextId++;
    this.send({ type: 'settle', id });
    try {
      const m = await this.waitFor((x) => (x.type === 'settled' && x.id === id ? x : undefined), timeoutMs, 'settled');
      return m.activity;
    } catch (err) {
      if (err instanceof EngineExited) throw err;
      return undefined;
    }
  }

  async flags(accounts: readonly string[], timeoutMs = 10_000): Promise<readonly AccountFlagsReport[]> {
    const id = this.nextId++;
    this.send({ type: 'flags', id, accounts });
    const m = await this.waitFor((x) => (x.type === 'flags' && x.id === id ? x : undefined), timeoutMs, 'flags');
    return m.flags;
  }

  /** SIGKILL now, synchronously (from inside a simulator's handling of the engine's request). */
  killNow(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }

  /** SIGKILL, and wait until the process is gone. */
  async kill(): Promise<void> {
    if (this.exited) return;
    const gone = this.whenExited();
    this.child.kill('SIGKILL');
    await gone;
  }

  /** Graceful stop; killed if it has not exited within `timeoutMs`. */
  async stop(timeoutMs = 15_000): Promise<void> {
    if (this.exited) return;
    const gone = this.whenExited();
    this.send({ type: 'stop' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await gone;
    clearTimeout(timer);
  }

  whenExited(): Promise<EngineExited> {
    if (this.exited) return Promise.resolve(this.exited);
    return new Promise((resolve) => this.exitWaiters.add(resolve));
  }

  recentStderr(): string {
    return this.stderr;
  }

  private send(m: ToChild): void {
    if (this.exited || !this.child.connected) return;
    // The child can be killed between the check and the write (the suite kills it at random
    // instants): the write then fails with EPIPE, which is its exit, reported through 'exit'.
    // With a callback the failure comes here instead of as an 'error' event that would end the suite.
    this.child.send(m, (err) => {
      if (err && !this.exited) this.stderr = `${this.stderr}\n[harness] message not delivered: ${err.message}`.slice(-8_000);
    });
  }

  /** Waits for the first message `pick` accepts (an Error it returns rejects), the deadline, or the exit. */
  private waitFor<T>(pick: (m: FromChild) => T | Error | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.exited) {
        reject(this.exited);
        return;
      }
      const cleanup = (): void => {
        clearTimeout(timer);
        this.listeners.delete(listener);
        this.exitWaiters.delete(onExit);
      };
      const listener = (m: FromChild): void => {
        const r = pick(m);
        if (r === undefined) return;
        cleanup();
        if (r instanceof Error) reject(r);
        else resolve(r);
      };
      const onExit = (e: EngineExited): void => {
        cleanup();
        reject(e);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`the engine process did not answer "${what}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.listeners.add(listener);
      this.exitWaiters.add(onExit);
    });
  }
}

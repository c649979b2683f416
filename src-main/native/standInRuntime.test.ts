/**
 * The per-ABI mechanism end to end, with a Node of another ABI standing in for Electron (see
 * standInRuntime.ts): the real engine process (runEngineProcess, as Electron's utility process runs
 * it) under Node 22 while node_modules was built by Node 20.
 *
 * 1. Without a build for its ABI: one clear message (module, ABI found and needed, the fixing
 *    command), marked permanent so main does not restart it, exit code 78, and no data folder.
 * 2. The build step (`npm run native`'s own function; `.ci/setup` made it once, so here it finds
 *    the cached addon), then the same start: the database opens, the demo's leader trades, and a
 *    copy reaches the paper follower: its intent row is in the SQLite file, filled.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { HostReport, ServerMessage } from '../../src-engine/api/contract';
import type { SnapshotView } from '../../src-engine/api/views';
import { EXIT_NATIVE_MODULE } from '../../src-engine/host/utilityProcessHost';
import { REPO_ROOT } from '../build/desktopBundles';
import { ensureSqliteBuild } from './nativeBuild';
import { nodeTarget } from './runtimeTargets';
import { devCacheDir, ensureStandInRuntime } from './standInRuntime';

const cache = devCacheDir();
const standIn = ensureStandInRuntime({ cacheDir: cache, download: true });
if (!standIn.ok) process.stdout.write(`stand-in runtime test skipped: ${standIn.reason}\n`);

const ENTRY = join(REPO_ROOT, 'src-engine', 'host', 'nodeChildEntry.ts');
const tmp = mkdtempSync(join(tmpdir(), 'mirrorfill-standin-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The engine process under the stand-in, spoken to as main would: reports in, API calls out. */
class EngineUnderStandIn {
  readonly reports: HostReport[] = [];
  readonly exited: Promise<number | null>;
  private stderrText = '';
  private readonly child: ChildProcess;
  private readonly waiting = new Map<number, (m: ServerMessage) => void>();
  private readonly reportWaiters: (() => void)[] = [];
  private nextId = 1;

  constructor(node: string, args: readonly string[]) {
    this.child = fork(ENTRY, args, { cwd: REPO_ROOT, execPath: node, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    this.child.stderr?.on('data', (c: Buffer) => (this.stderrText += c.toString('utf8')));
    this.child.on('message', (m: { report?: HostReport; api?: ServerMessage }) => {
      if (m.report) {
        this.reports.push(m.report);
        for (const w of this.reportWaiters.splice(0)) w();
      }
      if (m.api && !('event' in m.api)) this.waiting.get(m.api.id)?.(m.api);
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  get stderr(): string {
    return this.stderrText;
  }

  async report(type: HostReport['type']): Promise<HostReport> {
    for (;;) {
      const r = this.reports.find((x) => x.type === type);
      if (r) return r;
      const fatal = this.reports.find((x) => x.type === 'fatal');
      if (fatal && type !== 'fatal') throw new Error(`the engine failed: ${JSON.stringify(fatal)}; stderr: ${this.stderrText}`);
      const next = new Promise<void>((resolve) => this.reportWaiters.push(resolve));
      const gone = this.exited.then((code) => {
        throw new Error(`the engine exited (${code}) before reporting ${type}; stderr: ${this.stderrText}`);
      });
      await Promise.race([next, gone]);
    }
  }

  call<T>(cmd: string, args: unknown = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, (m) => {
        this.waiting.delete(id);
        if ('ok' in m && m.ok) resolve(m.result as T);
        else reject(new Error(JSON.stringify(m)));
      });
      this.child.send({ api: { id, cmd, args } });
    });
  }

  shutdown(): void {
    this.child.send({ host: { type: 'shutdown' } });
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}

/** Polls the engine's own view until the condition holds: the copy is the engine's, at its pace. */
async function until<T>(what: string, read: () => Promise<T | undefined>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!standIn.ok)('the engine under a runtime of another ABI (stand-in for Electron)', () => {
  const node = standIn.ok ? standIn.node : '';

  it('without a build for its ABI: one clear, permanent message; exits 78; writes nothing', async () => {
    const dataDir = join(tmp, 'unbuilt-data');
    const nativeDir = join(tmp, 'empty-native');
    const engine = new EngineUnderStandIn(node, ['--data-dir', dataDir, '--demo', 'on', '--native-dir', nativeDir]);
    const fatal = await engine.report('fatal');
    expect(await engine.exited).toBe(EXIT_NATIVE_MODULE);
    expect(fatal).toEqual({ type: 'fatal', permanent: true, message: expect.any(String) as unknown });
    const message = (fatal as { message: string }).message;
    expect(message).toContain('the native module better-sqlite3 does not load');
    expect(message).toContain('its build is for NODE_MODULE_VERSION 115, but Node 22.23.5 needs NODE_MODULE_VERSION 127');
    expect(message).toContain(`Fix: npm run native -- --node ${node}.`);
    expect(message).toContain('Nothing was opened or written.');
    expect(engine.stderr).toContain(message);
    expect(engine.reports.map((r) => r.type)).toEqual(['fatal']);
    expect(existsSync(dataDir)).toBe(false);
    expect(existsSync(nativeDir)).toBe(false);
  });

  it('after the build step: the database opens and a paper copy goes through', async () => {
    const nativeDir = join(cache, 'native');
    const build = await ensureSqliteBuild({ root: REPO_ROOT, nativeDir, target: nodeTarget(node) });
    expect(build).toMatchObject({ ok: true });

    const dataDir = join(tmp, 'built-data');
    const engine = new EngineUnderStandIn(node, ['--data-dir', dataDir, '--demo', 'on', '--native-dir', nativeDir, '--leader-every-ms', '250']);
    try {
      expect(await engine.report('ready')).toMatchObject({ type: 'ready', mode: 'demo' });
      const filled = await until(
        'a copy filled on the paper follower',
        async () => {
          const s = await engine.call<SnapshotView>('state.get');
          const paper = s.accounts.find((a) => a.id === 'demo-pp1');
          return paper && paper.positions.some((p) => p.netPos !== 0) ? paper : undefined;
        },
        45_000,
      );
      expect(filled.id).toBe('demo-pp1');
      engine.shutdown();
      await engine.report('stopped');
      expect(await engine.exited).toBe(0);
    } finally {
      engine.kill();
    }

    // Read back with the project's own Node build: the file the stand-in wrote is a real database.
    const db = new Database(join(dataDir, 'demo', 'mirrorfill.db'), { readonly: true });
    try {
      const rows = db.prepare("SELECT purpose, status, filled_qty FROM intents WHERE account_id = 'demo-pp1' AND status = 'filled'").all() as { purpose: string; status: string; filled_qty: number }[];
      expect(rows.length).toBeGreaterThan(0);
      expect(rows[0]?.filled_qty).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  }, 900_000);
});

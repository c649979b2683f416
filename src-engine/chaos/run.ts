/**
 * One chaos run: the simulators in this process, the engine in a child process on a real SQLite
 * file, the leaders trading at random while the engine is SIGKILLed at random instants and started
 * again, sockets dropped, messages held and duplicated, tokens expired and requests rate-limited.
 * Then two checkpoints after quiescence — leaders holding a position, then leaders flat — and the
 * whole-run exactly-once check against the journal.
 */
import { setTimeout as pause } from 'node:timers/promises';
import { SystemClock } from '../domain/clock';
import type { Catalog } from '../domain/instruments';
import { openDatabase } from '../store/db';
import { ChaosWorld } from './chaosWorld';
import { checkExactlyOnce, checkFlat, checkHolding, type Excuse, type Finding, type JournaledIntent } from './checks';
import { EngineProcess } from './engineProcess';
import { LeaderDriver, type ActionKind } from './leaderDriver';
import { Rng } from './rng';
import { settle } from './settle';
import { Timeline } from './timeline';

export interface RunOptions {
  readonly seed: number;
  /** Leader actions over both groups. */
  readonly actions: number;
  /** Pause between two leader actions, ms (uniform). */
  readonly gapMs: readonly [number, number];
  /** Time between two kills of the engine process, ms (uniform). */
  readonly killEveryMs: readonly [number, number];
  /** How long the engine stays dead, ms (uniform); the leaders keep trading meanwhile. */
  readonly downMs: readonly [number, number];
  readonly settleTimeoutMs?: number;
  /** Keep the run's folder (database, engine log) even when the run is clean. */
  readonly keepDir?: boolean;
  readonly log?: (line: string) => void;
}

export interface RunReport {
  readonly seed: number;
  readonly durationMs: number;
  readonly actions: Record<ActionKind, number>;
  readonly faults: Record<string, number>;
  readonly kills: number;
  readonly followerOrders: number;
  readonly findings: readonly (Finding & { readonly phase: 'holding' | 'flat' | 'run' })[];
  readonly excused: readonly Excuse[];
  readonly unmirrored: readonly Finding[];
  /** Set when the run could not finish (the engine did not settle, or would not start). */
  readonly aborted: string | undefined;
  readonly integrity: string;
  /** The run's folder when kept (on findings, or keepDir). */
  readonly dir: string | undefined;
}

export async function runChaos(catalog: Catalog, opts: RunOptions): Promise<RunReport> {
  const started = performance.now();
  const log = opts.log ?? ((): void => undefined);
  const rng = new Rng(opts.seed);
  const clock = new SystemClock();
  const world = await ChaosWorld.create(catalog, clock);
  const timeline = new Timeline();
  const drivers = world.groups.map((g) => new LeaderDriver(world, g, new Rng(rng.fork()), timeline));
  const monkey = new Rng(rng.fork());
  const settleTimeout = opts.settleTimeoutMs ?? 60_000;
  const findings: (Finding & { phase: 'holding' | 'flat' | 'run' })[] = [];
  const excused: Excuse[] = [];
  const unmirrored: Finding[] = [];
  let aborted: string | undefined;
  let integrity = 'not checked';
  let kills = 0;
  let engine: EngineProcess | undefined;
  const spec = world.childSpec();

  const killAndRestart = async (downMs: number): Promise<void> => {
    if (!engine) return;
    const window = timeline.open('kill', undefined);
    log(`kill -9 ${engine.pid ?? '?'}`);
    await engine.kill();
    kills++;
    engine = undefined;
    await pause(downMs);
    const next = await EngineProcess.start(spec);
    engine = next.engine;
    timeline.close(window);
    if (next.ready.recoveredFrom !== null) throw new Error(`the database was reported damaged after a kill: ${next.ready.recoveredFrom}`);
    log(`engine restarted (pid ${engine.pid ?? '?'})`);
  };

  const settled = async (phase: string): Promise<boolean> => {
    if (!engine) throw new Error('no engine');
    const s = await settle(world, engine, settleTimeout);
    if (!s.ok) aborted = `${phase}: ${s.busy}`;
    return s.ok;
  };

  try {
    engine = (await EngineProcess.start(spec)).engine;
    if (!(await settled('start'))) return await finish();

    const state: { trading: boolean; monkeyFailed: Error | undefined } = { trading: true, monkeyFailed: undefined };
    const trading = (): boolean => state.trading;
    const chaosMonkey = (async (): Promise<void> => {
      while (trading()) {
        await pause(monkey.int(opts.killEveryMs[0], opts.killEveryMs[1]));
        if (!trading()) return;
        await killAndRestart(monkey.int(opts.downMs[0], opts.downMs[1]));
      }
    })().catch((err: unknown) => {
      state.trading = false;
      state.monkeyFailed = err instanceof Error ? err : new Error(String(err));
    });
    const pick = new Rng(rng.fork());
    try {
      for (let i = 0; i < opts.actions && trading(); i++) {
        const d = pick.pick(drivers);
        log(`${d.plan.leader}: ${d.step()}`);
        await pause(pick.int(opts.gapMs[0], opts.gapMs[1]));
      }
      for (const d of drivers) {
        const did = d.ensureHolding();
        if (did) log(`${d.plan.leader}: ${did}`);
      }
    } finally {
      state.trading = false;
      await chaosMonkey;
    }
    if (state.monkeyFailed !== undefined) throw state.monkeyFailed;

    if (!(await settled('holding'))) return await finish();
    const holding = checkHolding(world, await requireEngine().flags(world.followerKeys()), timeline);
    findings.push(...holding.findings.map((f) => ({ ...f, phase: 'holding' as const })));
    excused.push(...holding.excused);
    unmirrored.push(...holding.unmirrored);

    for (const d of drivers) log(`${d.plan.leader}: ${d.flatten()}`);
    // Half the runs also kill the engine right as the leaders go flat: exits must still catch up.
    if (monkey.chance(0.5)) {
      await pause(monkey.int(0, 80));
      await killAndRestart(monkey.int(opts.downMs[0], opts.downMs[1]));
    }
    if (!(await settled('flat'))) return await finish();
    findings.push(...checkFlat(world).findings.map((f) => ({ ...f, phase: 'flat' as const })));

    await requireEngine().stop();
    engine = undefined;
    const db = openDatabase(world.dbPath);
    try {
      integrity = String(db.pragma('integrity_check', { simple: true }));
      const rows = db.prepare('SELECT tag, account_id AS account, cause, purpose FROM intents').all() as JournaledIntent[];
      findings.push(...checkExactlyOnce(world, rows).map((f) => ({ ...f, phase: 'run' as const })));
    } finally {
      db.close();
    }
    return await finish();
  } catch (err) {
    aborted = err instanceof Error ? err.message : String(err);
    return await finish();
  }

  function requireEngine(): EngineProcess {
    if (!engine) throw new Error('no engine');
    return engine;
  }

  async function finish(): Promise<RunReport> {
    await engine?.kill();
    for (const d of drivers) d.dispose();
    const keep = opts.keepDir === true || findings.length > 0 || aborted !== undefined;
    const followerOrders = world.followerKeys().reduce((n, k) => n + world.account(k).orderLog.length, 0);
    await world.dispose(keep);
    const actions = drivers.reduce<Record<ActionKind, number>>(
      (sum, d) => {
        for (const [k, v] of Object.entries(d.counts) as [ActionKind, number][]) sum[k] += v;
        return sum;
      },
      { market: 0, bracketEntry: 0, limit: 0, stop: 0, modify: 0, cancel: 0, quote: 0, partialFill: 0, fault: 0 },
    );
    const faults: Record<string, number> = {};
    for (const d of drivers) for (const [k, v] of Object.entries(d.faults)) faults[k] = (faults[k] ?? 0) + v;
    return { seed: opts.seed, durationMs: performance.now() - started, actions, faults, kills, followerOrders, findings, excused, unmirrored, aborted, integrity, dir: keep ? world.dir : undefined };
  }
}

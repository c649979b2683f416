/**
 * One chaos run: the simulators in this process, the engine in a child process on a real SQLite
 * file, the leaders trading at random while the engine is SIGKILLed at random instants and started
 * again, sockets dropped, messages held and duplicated, tokens expired and requests rate-limited.
 * Then two checkpoints after quiescence — leaders holding a position, then leaders flat — and the
 * whole-run exactly-once check against the journal.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as pause } from 'node:timers/promises';
import { SystemClock } from '../domain/clock';
import type { Catalog } from '../domain/instruments';
import { openDatabase } from '../store/db';
import { ChaosWorld, refusalCount, type LimitRefusals } from './chaosWorld';
import { checkExactlyOnce, checkFlat, checkHolding, explainShortfall, explainUnmirrored, type BudgetDecision, type Excuse, type Finding, type JournaledIntent, type MirrorRecord, type ShortOutOfSync, type Unmirrored } from './checks';
import { EngineProcess } from './engineProcess';
import { LeaderDriver, type ActionKind } from './leaderDriver';
import { OrderEventCounter } from './orderEvents';
import { planRun, type KillPoint, type Pace, type PlanProfile } from './plan';
import { Rng } from './rng';
import { settle } from './settle';
import { Timeline, type Disturbance } from './timeline';
import { WORLDS, type WorldName } from './worlds';

export interface RunOptions extends PlanProfile {
  readonly seed: number;
  /** Which accounts, groups, logins and simulator limits (default `standard`). */
  readonly world?: WorldName;
  readonly settleTimeoutMs?: number;
  /** Keep the run's folder (database, engine log, harness log) even when the run is clean. */
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
  /** Leader orders at the holding check a follower had no order for, each with the engine's reason. */
  readonly unmirrored: readonly (Unmirrored & { readonly why: string })[];
  /** Set when the run could not finish (the engine did not settle, or would not start). */
  readonly aborted: string | undefined;
  readonly integrity: string;
  /** What the simulators refused because the engine went over a login's limits (must stay 0). */
  readonly refusals: LimitRefusals;
  /** The run's folder when kept (on findings, or keepDir). */
  readonly dir: string | undefined;
}

export async function runChaos(catalog: Catalog, opts: RunOptions): Promise<RunReport> {
  const started = performance.now();
  const clock = new SystemClock();
  const world = await ChaosWorld.create(catalog, clock, WORLDS[opts.world ?? 'standard']);
  const harnessLog = join(world.dir, 'harness.log');
  const log = (line: string): void => {
    appendFileSync(harnessLog, `${new Date().toISOString()} ${line}\n`);
    opts.log?.(line);
  };
  const plan = planRun(opts.seed, world.groups.length, opts);
  const timeline = new Timeline();
  const drivers = world.groups.map((g, i) => new LeaderDriver(world, g, new Rng(plan.driverSeeds[i] ?? opts.seed), timeline));
  const orderEvents = new OrderEventCounter(world);
  // Every order event of every account, as the brokers saw it: a kept run's harness.log is the truth to read the engine's log against.
  const keyOf = new Map(world.groups.flatMap((g) => [g.leader, ...g.followers.map((f) => f.key)]).map((k) => [world.account(k).id, k]));
  const traceOrders = world.exchange.onAccountEvent(undefined, (e) => {
    if (e.kind === 'order') log(`  ${keyOf.get(e.order.accountId) ?? e.order.accountId} #${e.order.orderId} ${e.order.side} ${e.order.qty} ${e.order.type}${e.order.price !== undefined ? ` @ ${e.order.price}` : ''} ${e.order.status} filled ${e.order.filledQty} tag ${e.order.tag ?? '-'}`);
  });
  const settleTimeout = opts.settleTimeoutMs ?? 60_000;
  const findings: (Finding & { phase: 'holding' | 'flat' | 'run' })[] = [];
  const excused: Excuse[] = [];
  const unmirrored: (Unmirrored & { why: string })[] = [];
  const holdingUnmirrored: Unmirrored[] = [];
  // Shortfalls shown out of sync that only the journal can excuse; lost unless it does.
  let shortOutOfSync: ShortOutOfSync[] = [];
  let aborted: string | undefined;
  let integrity = 'not checked';
  let kills = 0;
  let engine: EngineProcess | undefined;
  let deadWindow: Disturbance | undefined;
  const spec = world.childSpec();
  // When a refusal was earned, in harness.log: which step, kill or restart it followed.
  const restarts: number[] = [];
  let lastRefusals = JSON.stringify(world.limitRefusals());
  const noteRefusals = (where: string): void => {
    const now = JSON.stringify(world.limitRefusals(restarts));
    if (now !== lastRefusals) log(`limit refusals ${now} (by ${where})`);
    lastRefusals = now;
  };

  /** Kills the engine at the kill point's order event (inside the simulator's handling of it), or at its idle. */
  const killAt = async (k: KillPoint): Promise<void> => {
    const e = requireEngine();
    const why = await Promise.race([orderEvents.after(k.afterOrderEvents, () => e.killNow()), e.settle(settleTimeout).then(() => 'idle' as const)]);
    orderEvents.dropWaiters();
    await e.kill();
    kills++;
    engine = undefined;
    deadWindow = timeline.open('kill', undefined);
    log(`kill -9 ${e.pid ?? '?'} ${why === 'idle' ? 'at idle' : `at follower order event ${k.afterOrderEvents}`}`);
  };

  const restart = async (): Promise<void> => {
    restarts.push(world.clock.now());
    const next = await EngineProcess.start(spec);
    engine = next.engine;
    if (deadWindow) timeline.close(deadWindow);
    deadWindow = undefined;
    if (next.ready.recoveredFrom !== null) throw new Error(`the database was reported damaged after a kill: ${next.ready.recoveredFrom}`);
    noteRefusals('the restart');
    log(`engine restarted (pid ${engine.pid ?? '?'})`);
  };

  /** Waits as the step's pace says; false when the engine never went idle (the run is aborted with why). */
  const pace = async (p: Pace, step: number): Promise<boolean> => {
    const e = requireEngine();
    if (p === 'reaction') {
      const r = await Promise.race([orderEvents.after(1), e.settle(settleTimeout)]);
      orderEvents.dropWaiters();
      if (r === undefined) aborted = `step ${step}: engine not idle within ${settleTimeout} ms and no follower order came`;
      return r !== undefined;
    }
    if (p === 'settle') {
      const s = await settle(world, e, settleTimeout);
      if (!s.ok) aborted = `step ${step}: ${s.busy}`;
      return s.ok;
    }
    return true;
  };

  const settled = async (phase: string): Promise<boolean> => {
    const s = await settle(world, requireEngine(), settleTimeout);
    if (!s.ok) aborted = `${phase}: ${s.busy}`;
    return s.ok;
  };

  try {
    log(`seed ${opts.seed}: ${plan.steps.length} steps, ${plan.steps.filter((s) => s.kill).length} kills planned`);
    engine = (await EngineProcess.start(spec)).engine;
    if (!(await settled('start'))) return await finish();

    let dead: { point: KillPoint; done: number } | undefined;
    for (const [i, step] of plan.steps.entries()) {
      const d = drivers[step.group];
      if (!d) throw new Error(`chaos plan: no group ${step.group}`);
      if (dead) await pause(dead.point.deadGapMs[dead.done] ?? 0);
      log(`#${i} ${d.plan.leader}: ${d.step()}`);
      if (dead) {
        dead.done++;
        if (dead.done >= dead.point.deadActions) {
          await pause(dead.point.deadGapMs[dead.done] ?? 0);
          dead = undefined;
          await restart();
        }
        continue;
      }
      if (step.kill) {
        await killAt(step.kill);
        if (step.kill.deadActions > 0) {
          dead = { point: step.kill, done: 0 };
        } else {
          await pause(step.kill.deadGapMs[0] ?? 0);
          await restart();
        }
        continue;
      }
      if (!(await pace(step.pace, i))) return await finish();
      noteRefusals(`step ${i}`);
    }
    if (dead) await restart();
    for (const d of drivers) {
      const did = d.ensureHolding();
      if (did) log(`${d.plan.leader}: ${did}`);
    }

    if (!(await settled('holding'))) return await finish();
    noteRefusals('the holding settle');
    const holding = checkHolding(world, await requireEngine().flags(world.followerKeys()), timeline);
    findings.push(...holding.findings.map((f) => ({ ...f, phase: 'holding' as const })));
    excused.push(...holding.excused);
    holdingUnmirrored.push(...holding.unmirrored);
    shortOutOfSync = holding.shortOutOfSync;

    for (const d of drivers) log(`${d.plan.leader}: ${d.flatten()}`);
    // Half the runs also kill the engine right as the leaders go flat: exits must still catch up.
    if (plan.killAtFlat) {
      await killAt(plan.killAtFlat);
      await pause(plan.killAtFlat.deadGapMs[0] ?? 0);
      await restart();
    }
    if (!(await settled('flat'))) return await finish();
    noteRefusals('the flat settle');
    findings.push(...checkFlat(world).findings.map((f) => ({ ...f, phase: 'flat' as const })));

    await requireEngine().stop();
    engine = undefined;
    const db = openDatabase(world.dbPath);
    try {
      integrity = String(db.pragma('integrity_check', { simple: true }));
      const rows = db.prepare('SELECT tag, account_id AS account, cause, purpose FROM intents').all() as JournaledIntent[];
      findings.push(...checkExactlyOnce(world, rows).map((f) => ({ ...f, phase: 'run' as const })));
      const budgetDecisions = db.prepare("SELECT time, contract FROM decisions WHERE account_id = ? AND reason = 'budgetExpired' ORDER BY id");
      for (const s of shortOutOfSync) {
        const excuse = explainShortfall(s, budgetDecisions.all(s.account) as BudgetDecision[]);
        if (excuse) excused.push(excuse);
        else findings.push({ ...s.lost, phase: 'holding' });
      }
      shortOutOfSync = [];
      const decisions = db.prepare('SELECT kind, reason, time FROM decisions WHERE account_id = ? AND cause = ? ORDER BY id');
      const mirrors = db.prepare("SELECT status, reason, updated_at AS updatedAt FROM intents WHERE account_id = ? AND leader_order_id = ? AND purpose = 'mirror' ORDER BY created_at");
      for (const u of holdingUnmirrored) {
        const rec: MirrorRecord = {
          decisions: decisions.all(u.account, `order:${u.leaderOrderId}`) as MirrorRecord['decisions'],
          intents: mirrors.all(u.account, u.leaderOrderId) as MirrorRecord['intents'],
        };
        const why = explainUnmirrored(u, rec);
        unmirrored.push({ ...u, why: why.kind });
        if (!why.allowed) findings.push({ kind: 'unmirrored', account: u.account, detail: `${u.detail}: ${why.kind}`, phase: 'holding' });
      }
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
    // The run ended before the journal could explain them: nothing excuses them.
    findings.push(...shortOutOfSync.map((s) => ({ ...s.lost, phase: 'holding' as const })));
    shortOutOfSync = [];
    const refusals = world.limitRefusals(restarts);
    orderEvents.dispose();
    traceOrders();
    for (const d of drivers) d.dispose();
    for (const f of findings) log(`${f.kind} [${f.phase}] ${f.account}: ${f.detail}`);
    if (aborted !== undefined) log(`aborted: ${aborted}`);
    if (refusalCount(refusals) > 0) log(`limit refusals earned by the engine: ${JSON.stringify(refusals)}`);
    const keep = opts.keepDir === true || findings.length > 0 || aborted !== undefined || refusalCount(refusals) > 0;
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
    return { seed: opts.seed, durationMs: performance.now() - started, actions, faults, kills, followerOrders, findings, excused, unmirrored, aborted, integrity, refusals, dir: keep ? world.dir : undefined };
  }
}

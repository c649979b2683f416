/**
 * `mirrorfill chaos [--quick | --profile full|quick|test|shared-login] [--seed N] [--runs N] [--verbose] [--keep]`: randomised runs over the
 * Tradovate and ProjectX simulators with the engine in a child process killed at random instants
 * (src-engine/chaos). `shared-login` puts followers under one Tradovate login and one ProjectX key
 * with the simulators' per-login limits on. Prints one line per run and the totals; exit 1 on any
 * duplicate, loss, orphan, unjournaled order, damaged database, run that could not finish, or
 * penalty ticket, 429 or lockout the engine earned at a simulator.
 */
import { Catalog } from '../domain/instruments';
import type { LimitRefusals } from '../chaos/chaosWorld';
import { failed, PROFILES, runSuite, suiteSeeds, totals, type ProfileName } from '../chaos/suite';
import type { RunReport } from '../chaos/run';
import { parseArgs, stringOption, UsageError } from './args';

function intOption(value: string | undefined, name: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, got ${value}`);
  return n;
}

function refusalText(r: LimitRefusals): string {
  const n = r.penalties + r.tooManyRequests + r.projectx429;
  return `penalty tickets ${r.penalties}, 429s ${r.tooManyRequests + r.projectx429}${n > 0 ? ` (${r.afterRestart} of these within a minute after a restart)` : ''}, lockouts ${r.lockouts}, token refusals ${r.tokenRefusals}`;
}

function line(r: RunReport): string {
  const kinds = ['duplicate', 'lost', 'orphan', 'overTarget', 'unjournaled', 'unmirrored'] as const;
  const counts = kinds.map((k) => `${k} ${r.findings.filter((f) => f.kind === k).length}`).join(', ');
  const acts = Object.values(r.actions).reduce((a, b) => a + b, 0);
  const faults = Object.entries(r.faults).map(([k, v]) => `${k} ${v}`).join(' ');
  return `seed ${r.seed}: ${failed(r) ? 'FAIL' : 'ok'} in ${(r.durationMs / 1000).toFixed(1)} s — ${acts} leader actions, ${r.kills} kills, faults [${faults}], ${r.followerOrders} follower orders; ${counts}; excused ${r.excused.length}, unmirrored ${r.unmirrored.length}; ${refusalText(r.refusals)}; integrity ${r.integrity}`;
}

/** `--profile full|quick|test|shared-login` (`--quick` is `--profile quick`): the suite's world, run length and kill rate. */
function profileOption(value: string | undefined, quick: boolean): ProfileName {
  if (value === undefined) return quick ? 'quick' : 'full';
  if (quick && value !== 'quick') throw new UsageError(`--quick and --profile ${value} disagree`);
  if (value === 'full' || value === 'quick' || value === 'test' || value === 'shared-login') return value;
  throw new UsageError(`--profile must be full, quick, test or shared-login, got ${value}`);
}

function byReason(counts: Record<string, number>): string {
  const parts = Object.entries(counts).sort((a, b) => b[1] - a[1]).map(([why, n]) => `${why} ${n}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}

export async function chaosCommand(args: readonly string[]): Promise<number> {
  const p = parseArgs(args, { quick: 'flag', profile: 'value', seed: 'value', runs: 'value', verbose: 'flag', keep: 'flag' });
  if (p.positional.length > 0) throw new UsageError(`unexpected argument ${p.positional[0] ?? ''}`);
  const profileName = profileOption(stringOption(p, 'profile'), p.options.has('quick'));
  const base = PROFILES[profileName];
  const seed = intOption(stringOption(p, 'seed'), 'seed', 1);
  const runs = intOption(stringOption(p, 'runs'), 'runs', 1) ?? (seed !== undefined ? 1 : base.runs);
  const profile = { runs, run: { ...base.run, ...(p.options.has('keep') ? { keepDir: true } : {}) } };
  const suiteSeed = seed ?? Math.floor(Math.random() * 2_000_000_000) + 1;
  const seeds = suiteSeeds(suiteSeed, runs);
  const verbose = p.options.has('verbose');
  const profileFlag = profileName === 'full' ? '' : `--profile ${profileName} `;
  process.stdout.write(`chaos: ${profileName}, ${runs} run(s), seed ${suiteSeed} (replay one run with --seed N)\n`);

  const catalog = Catalog.load();
  const reports = await runSuite(
    catalog,
    profile,
    seeds,
    (r) => {
      process.stdout.write(`${line(r)}\n`);
      if (r.aborted !== undefined) process.stdout.write(`  aborted: ${r.aborted}\n`);
      for (const f of r.findings) process.stdout.write(`  ${f.kind} [${f.phase}] ${f.account}: ${f.detail}\n`);
      if (verbose) {
        for (const e of r.excused) process.stdout.write(`  excused ${e.account} ${e.root}: ${e.detail}\n`);
        for (const u of r.unmirrored) process.stdout.write(`  unmirrored ${u.account}: ${u.detail} (${u.why})\n`);
      }
      if (r.dir !== undefined) process.stdout.write(`  kept ${r.dir} (engine.db, engine.db.engine.log, engine.db.stderr, harness.log)\n`);
      if (failed(r)) process.stdout.write(`  replay: npm run chaos -- ${profileFlag}--seed ${r.seed}\n`);
    },
    verbose ? (l) => process.stderr.write(`${new Date().toISOString()} ${l}\n`) : undefined,
  );
  const t = totals(reports);
  const bad = reports.filter(failed);
  process.stdout.write(
    `chaos totals (seed ${suiteSeed}): ${t.runs} runs, ${t.leaderActions} leader actions, ${t.kills} kills, ${t.faults} faults, ${t.followerOrders} follower orders; ` +
      `duplicates ${t.findings.duplicate}, lost ${t.findings.lost}, orphans ${t.findings.orphan}, over target ${t.findings.overTarget}, unjournaled ${t.findings.unjournaled}; ` +
      `unmirrored without an allowed reason ${t.findings.unmirrored}; aborted ${t.aborted}; earned at the simulators: ${refusalText(t.refusals)}\n`,
  );
  // The counts that are not failures, each with the rule that allows it.
  process.stdout.write(`excused ${t.excused} (a follower short of its target that the reconnect policy allows, §8): ${byReason(t.excusedBy)}\n`);
  process.stdout.write(`unmirrored ${t.unmirrored} (a leader working order a follower at its target has no order for, and why): ${byReason(t.unmirroredBy)}\n`);
  if (bad.length > 0) process.stdout.write(`failing seeds: ${bad.map((r) => r.seed).join(' ')}\n`);
  return bad.length > 0 ? 1 : 0;
}

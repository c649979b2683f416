/**
 * A chaos suite: several runs, each from its own seed (drawn from the suite's seed), reported one
 * line per run and summed at the end. Any duplicate, loss, orphan, unjournaled order, damaged
 * database, aborted run, or request a simulator refused because the engine went over a login's
 * limits fails the suite.
 */
import type { Catalog } from '../domain/instruments';
import { refusalCount, type LimitRefusals } from './chaosWorld';
import type { FindingKind } from './checks';
import { Rng } from './rng';
import { runChaos, type RunOptions, type RunReport } from './run';

export interface SuiteProfile {
  readonly runs: number;
  readonly run: Omit<RunOptions, 'seed' | 'log'>;
}

export const PROFILES = {
  /** `npm run chaos`: long runs, many kills. */
  full: {
    runs: 12,
    run: { actions: 160, pace: { burst: 3, reaction: 4, settle: 2 }, killEvery: [6, 28], killAfterOrderEvents: [0, 3], deadActions: [0, 4], deadGapMs: [0, 700] },
  },
  /** `npm run chaos -- --quick`: under five minutes. */
  quick: {
    runs: 8,
    run: { actions: 80, pace: { burst: 3, reaction: 4, settle: 2 }, killEvery: [8, 24], killAfterOrderEvents: [0, 3], deadActions: [0, 3], deadGapMs: [0, 500] },
  },
  /** Inside `npm test` (vitest): short runs with a few kills. */
  test: {
    runs: 1,
    run: { actions: 30, pace: { burst: 3, reaction: 4, settle: 2 }, killEvery: [5, 10], killAfterOrderEvents: [0, 2], deadActions: [0, 2], deadGapMs: [0, 300] },
  },
  /**
   * `npm run chaos -- --profile shared-login`: followers under one Tradovate login and one ProjectX
   * key with the simulators' per-login limits on (sharedLoginWorld.ts). Fewer, denser runs: bursts
   * ask more of a login than its minute carries, and the engine then waits for its budget, so a
   * settle may take a minute or more.
   */
  'shared-login': {
    runs: 4,
    run: {
      world: 'sharedLogin',
      actions: 50,
      pace: { burst: 4, reaction: 3, settle: 2 },
      killEvery: [8, 24],
      killAfterOrderEvents: [0, 3],
      deadActions: [0, 2],
      deadGapMs: [0, 500],
      settleTimeoutMs: 180_000,
    },
  },
} as const satisfies Record<string, SuiteProfile>;

export type ProfileName = keyof typeof PROFILES;

export interface SuiteTotals {
  readonly runs: number;
  readonly kills: number;
  readonly leaderActions: number;
  readonly faults: number;
  readonly followerOrders: number;
  readonly excused: number;
  readonly unmirrored: number;
  /** Excused shortfalls and unmirrored leader orders, counted by the reason that explains each. */
  readonly excusedBy: Record<string, number>;
  readonly unmirroredBy: Record<string, number>;
  readonly aborted: number;
  readonly findings: Record<FindingKind, number>;
  /** Requests the simulators refused because the engine went over a login's limits, summed. */
  readonly refusals: LimitRefusals;
}

export function totals(reports: readonly RunReport[]): SuiteTotals {
  const findings: Record<FindingKind, number> = { duplicate: 0, unjournaled: 0, overTarget: 0, lost: 0, orphan: 0, unmirrored: 0 };
  const excusedBy: Record<string, number> = {};
  const unmirroredBy: Record<string, number> = {};
  for (const r of reports) {
    for (const e of r.excused) excusedBy[e.why] = (excusedBy[e.why] ?? 0) + 1;
    for (const u of r.unmirrored) unmirroredBy[u.why] = (unmirroredBy[u.why] ?? 0) + 1;
  }
  for (const r of reports) for (const f of r.findings) findings[f.kind]++;
  return {
    runs: reports.length,
    kills: reports.reduce((n, r) => n + r.kills, 0),
    leaderActions: reports.reduce((n, r) => n + Object.values(r.actions).reduce((a, b) => a + b, 0), 0),
    faults: reports.reduce((n, r) => n + Object.values(r.faults).reduce((a, b) => a + b, 0), 0),
    followerOrders: reports.reduce((n, r) => n + r.followerOrders, 0),
    excused: reports.reduce((n, r) => n + r.excused.length, 0),
    unmirrored: reports.reduce((n, r) => n + r.unmirrored.length, 0),
    excusedBy,
    unmirroredBy,
    aborted: reports.filter((r) => r.aborted !== undefined).length,
    findings,
    refusals: {
      penalties: reports.reduce((n, r) => n + r.refusals.penalties, 0),
      tooManyRequests: reports.reduce((n, r) => n + r.refusals.tooManyRequests, 0),
      lockouts: reports.reduce((n, r) => n + r.refusals.lockouts, 0),
      tokenRefusals: reports.reduce((n, r) => n + r.refusals.tokenRefusals, 0),
      projectx429: reports.reduce((n, r) => n + r.refusals.projectx429, 0),
      afterRestart: reports.reduce((n, r) => n + r.refusals.afterRestart, 0),
    },
  };
}

export function failed(report: RunReport): boolean {
  return report.findings.length > 0 || report.aborted !== undefined || report.integrity !== 'ok' || refusalCount(report.refusals) > 0;
}

/** The seeds of a suite: the first is the suite's own, so `--seed N` replays a suite's first run. */
export function suiteSeeds(seed: number, runs: number): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: runs }, (_, i) => (i === 0 ? seed : rng.fork()));
}

export async function runSuite(catalog: Catalog, profile: SuiteProfile, seeds: readonly number[], onReport: (r: RunReport) => void, log?: (line: string) => void): Promise<RunReport[]> {
  const reports: RunReport[] = [];
  for (const seed of seeds) {
    const r = await runChaos(catalog, { ...profile.run, seed, ...(log ? { log } : {}) });
    reports.push(r);
    onReport(r);
  }
  return reports;
}

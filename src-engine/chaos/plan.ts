/**
 * A chaos run's schedule, drawn from its seed before the run starts: which group's leader acts at
 * each step, how the harness waits before the next step, and where the engine is killed. Kills and
 * pacing are tied to engine events (a follower order reaching a simulator, the engine going idle),
 * not to wall-clock timers, so one seed replays the same sequence of leader actions, kills and
 * faults; what the engine does between two events is the only part left to timing.
 *
 * The leaders' own choices (market, bracket, limit, cancel, fault...) come from each driver's
 * generator, forked from the same seed: the leaders' books depend on the harness's actions only (the
 * engine never trades a leader here), so those choices replay too.
 */
import { Rng } from './rng';

/**
 * How the harness waits after a step, while the engine is alive:
 * - burst: not at all (the next leader action lands while the engine is still reacting);
 * - reaction: until the engine's next follower order reaches a simulator, or the engine is idle;
 * - settle: until the engine and the simulators are idle.
 */
export type Pace = 'burst' | 'reaction' | 'settle';

export interface KillPoint {
  /**
   * Kill when this many follower order events have reached the simulators after the step's action
   * (0: at once, while the engine may be reading the leader's event); at the engine's idle if fewer
   * come. A kill at an order event lands while the simulator handles the engine's request, before
   * its answer is written: the order exists at the broker, the engine never saw it accepted.
   */
  readonly afterOrderEvents: number;
  /** The next steps' leader actions taken while the engine is dead (each after its `deadGapMs`). */
  readonly deadActions: number;
  /**
   * Wall-clock pause before each dead action, and last before the restart: how old a missed entry
   * is when the engine comes back decides whether a follower chases it (§8 maxCatchUpMs).
   */
  readonly deadGapMs: readonly number[];
}

export interface PlannedStep {
  /** Index into the run's groups: whose leader acts. */
  readonly group: number;
  readonly pace: Pace;
  readonly kill: KillPoint | undefined;
}

export interface ChaosPlan {
  readonly steps: readonly PlannedStep[];
  /** Killed again as the leaders go flat at the end (exits must catch up), or not. */
  readonly killAtFlat: KillPoint | undefined;
  /** Seeds of each group's leader driver. */
  readonly driverSeeds: readonly number[];
}

export interface PlanProfile {
  /** Leader actions over all groups. */
  readonly actions: number;
  readonly pace: Readonly<Record<Pace, number>>;
  /** Steps between two kills (uniform, both included). */
  readonly killEvery: readonly [number, number];
  readonly killAfterOrderEvents: readonly [number, number];
  readonly deadActions: readonly [number, number];
  readonly deadGapMs: readonly [number, number];
}

export function planRun(seed: number, groups: number, profile: PlanProfile): ChaosPlan {
  const rng = new Rng(seed);
  const driverSeeds = Array.from({ length: groups }, () => rng.fork());
  const pick = new Rng(rng.fork());
  const monkey = new Rng(rng.fork());
  const killPoint = (deadRange: readonly [number, number]): KillPoint => {
    const deadActions = monkey.int(deadRange[0], deadRange[1]);
    return {
      afterOrderEvents: monkey.int(profile.killAfterOrderEvents[0], profile.killAfterOrderEvents[1]),
      deadActions,
      deadGapMs: Array.from({ length: deadActions + 1 }, () => monkey.int(profile.deadGapMs[0], profile.deadGapMs[1])),
    };
  };
  const steps: PlannedStep[] = [];
  let nextKill = monkey.int(profile.killEvery[0], profile.killEvery[1]);
  for (let i = 0; i < profile.actions; i++) {
    const kill = i === nextKill ? killPoint(profile.deadActions) : undefined;
    if (kill) nextKill = i + kill.deadActions + 1 + monkey.int(profile.killEvery[0], profile.killEvery[1]);
    steps.push({ group: pick.int(0, groups - 1), pace: pick.weighted(profile.pace), kill });
  }
  return { steps, killAtFlat: monkey.chance(0.5) ? killPoint([0, 0]) : undefined, driverSeeds };
}

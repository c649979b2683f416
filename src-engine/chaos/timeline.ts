/**
 * What happened during a run, in wall-clock time (the engine's and the exchange's clock): the
 * windows in which the engine could not see or reach an account (killed, socket dropped, messages
 * held, rate-limited, token expired) and every leader fill. The checker uses it to tell a missed
 * entry the reconnect policy allows (§8: older than maxCatchUpMs when the engine saw it) from a
 * lost copy.
 */
export type DisturbanceKind = 'kill' | 'disconnect' | 'delay' | 'rateLimit' | 'expireToken';

export interface Disturbance {
  readonly kind: DisturbanceKind;
  /** undefined: every account (the engine process itself). */
  readonly account: string | undefined;
  readonly from: number;
  to: number;
}

export interface LeaderFillRecord {
  readonly leader: string;
  readonly root: string;
  readonly time: number;
  readonly before: number;
  readonly after: number;
}

/**
 * A fill the engine processed just before it was killed may still have been lost with it; the
 * fill is then found at the broker after the restart, and may be too old to chase by then.
 */
export const LOOKBACK_MS = 2_000;

export class Timeline {
  readonly disturbances: Disturbance[] = [];
  readonly leaderFills: LeaderFillRecord[] = [];

  open(kind: DisturbanceKind, account: string | undefined, from = Date.now(), to = Number.POSITIVE_INFINITY): Disturbance {
    const d: Disturbance = { kind, account, from, to };
    this.disturbances.push(d);
    return d;
  }

  close(d: Disturbance, at = Date.now()): void {
    d.to = at;
  }

  /** Whether the engine's view of one of `accounts` was disturbed around `time`. */
  disturbedAt(time: number, accounts: readonly string[]): Disturbance | undefined {
    return this.disturbances.find((d) => (d.account === undefined || accounts.includes(d.account)) && d.from - LOOKBACK_MS <= time && time <= d.to);
  }

  /** The entry fills (|P| grew) of the leader's current lifecycle in `root`, oldest first. */
  currentLifecycleEntries(leader: string, root: string): LeaderFillRecord[] {
    const fills = this.leaderFills.filter((f) => f.leader === leader && f.root === root);
    let start = 0;
    fills.forEach((f, i) => {
      if (f.after === 0 || Math.sign(f.after) !== Math.sign(f.before)) start = f.after === 0 ? i + 1 : i;
    });
    return fills.slice(start).filter((f) => Math.abs(f.after) > Math.abs(f.before) || Math.sign(f.after) !== Math.sign(f.before));
  }

  counts(): Record<DisturbanceKind, number> {
    const out: Record<DisturbanceKind, number> = { kill: 0, disconnect: 0, delay: 0, rateLimit: 0, expireToken: 0 };
    for (const d of this.disturbances) out[d.kind]++;
    return out;
  }
}

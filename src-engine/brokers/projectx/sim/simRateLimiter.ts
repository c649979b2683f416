/**
 * Request budgets per login: a sliding 60 s window (200 by default, §11) plus the rateLimit fault's
 * penalty window. The window runs on the broker's clock (the exchange's: real time, moved on by a
 * scenario's `advance` like everything else at the broker); the fault's penalty, like the other
 * wire faults, on real time.
 */
export type RateDecision = { readonly ok: true } | { readonly ok: false; readonly retryAfterMs: number };

const WINDOW_MS = 60_000;

export class SimRateLimiter {
  private readonly windows = new Map<string, number[]>();
  private readonly penalties = new Map<string, number>();
  /** Requests refused for going over a login's minute; the fault's penalty refusals are not the client's doing and not counted. */
  windowRefusals = 0;
  /** When (the limiter's clock) each of those was answered. */
  readonly refusedAt: number[] = [];

  constructor(
    private readonly perMinute: number,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** Counts a request of `login` and says whether it may be served. */
  admit(login: string): RateDecision {
    const wall = performance.now();
    const penalty = this.penalties.get(login);
    if (penalty !== undefined) {
      if (penalty > wall) return { ok: false, retryAfterMs: penalty - wall };
      this.penalties.delete(login);
    }
    const now = this.clock();
    const times = this.windows.get(login) ?? [];
    while (times.length > 0 && (times[0] ?? 0) <= now - WINDOW_MS) times.shift();
    if (times.length >= this.perMinute) {
      this.windowRefusals++;
      this.refusedAt.push(now);
      this.windows.set(login, times);
      return { ok: false, retryAfterMs: (times[0] ?? now) + WINDOW_MS - now };
    }
    times.push(now);
    this.windows.set(login, times);
    return { ok: true };
  }

  /** Starts a penalty: every request of `login` is refused for `ms`. */
  penalise(login: string, ms: number): void {
    this.penalties.set(login, performance.now() + ms);
  }

  clearPenalty(login: string): void {
    this.penalties.delete(login);
  }
}

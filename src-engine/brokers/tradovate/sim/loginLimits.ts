/**
 * The user-level request limits of a Tradovate login (protocols/tradovate.md §6.1), as copier
 * vendors observe them: about 80 requests a minute and 5,000 an hour per user, every account of
 * the user counting against the same figures. Over the minute the server hands out a penalty
 * ticket (the caller waits p-time and resends); over the hour it answers 429 and stops serving the
 * login for about an hour. The access-token request has its own, much smaller, hourly limit.
 *
 * Decisions only; the simulator turns them into answers. Time is the broker's: the simulator passes
 * its exchange's clock, so a scenario's `advance` moves the windows on; injectable so the rules are
 * tested without waiting.
 */

export interface TradovateLimits {
  readonly perMinute: number;
  readonly perHour: number;
  readonly tokensPerHour: number;
  /** How long a login that went over its hourly limit is answered 429. */
  readonly lockoutMs: number;
}

export const OBSERVED_TRADOVATE_LIMITS: TradovateLimits = { perMinute: 80, perHour: 5_000, tokensPerHour: 5, lockoutMs: 3_600_000 };

export interface LoginLimitStats {
  /** Penalty tickets started because a login went over its minute. */
  minutePenalties: number;
  /** Logins locked out for going over their hour. */
  lockouts: number;
  /** Requests answered 429 (the one that earned the lockout included). */
  tooManyRequests: number;
  /** Access-token requests refused for going over their hourly limit. */
  tokenRefusals: number;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

class Window {
  private readonly times: number[] = [];
  constructor(private readonly spanMs: number) {}

  count(now: number): number {
    while (this.times.length > 0 && (this.times[0] ?? now) <= now - this.spanMs) this.times.shift();
    return this.times.length;
  }

  /** How long until one more fits under `limit` (0 when it fits now). */
  waitFor(limit: number, now: number): number {
    const n = this.count(now);
    if (n < limit) return 0;
    return (this.times[n - limit] ?? now) + this.spanMs - now;
  }

  add(now: number): void {
    this.times.push(now);
  }
}

interface LoginState {
  readonly minute: Window;
  readonly hour: Window;
  readonly tokens: Window;
  lockedUntil: number;
}

export class LoginLimits {
  readonly stats: LoginLimitStats = { minutePenalties: 0, lockouts: 0, tooManyRequests: 0, tokenRefusals: 0 };
  /** When (broker clock) each penalty ticket or 429 counted in `stats` was answered: a harness tells what earned it. */
  readonly refusedAt: number[] = [];
  private readonly logins = new Map<string, LoginState>();

  constructor(
    readonly limits: TradovateLimits,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** While locked out: how long is left (a 429 answer); 0 when the login is served. */
  lockedFor(login: string): number {
    const left = this.state(login).lockedUntil - this.now();
    if (left <= 0) return 0;
    this.stats.tooManyRequests++;
    this.refusedAt.push(this.now());
    return left;
  }

  /** The penalty a new request earns for going over the minute (ms), or undefined when it fits. */
  minutePenalty(login: string): number | undefined {
    const wait = this.state(login).minute.waitFor(this.limits.perMinute, this.now());
    if (wait <= 0) return undefined;
    this.stats.minutePenalties++;
    this.refusedAt.push(this.now());
    return wait;
  }

  /** Counts a request about to be served; false when it goes over the hour, which locks the login out. */
  record(login: string): boolean {
    const s = this.state(login);
    const now = this.now();
    if (s.hour.count(now) >= this.limits.perHour) {
      s.lockedUntil = now + this.limits.lockoutMs;
      this.stats.lockouts++;
      this.stats.tooManyRequests++;
      this.refusedAt.push(now);
      return false;
    }
    s.minute.add(now);
    s.hour.add(now);
    return true;
  }

  /** Counts an access-token request; false when the login has used its hourly allowance. */
  admitToken(login: string): boolean {
    const s = this.state(login);
    const now = this.now();
    if (s.tokens.count(now) >= this.limits.tokensPerHour) {
      this.stats.tokenRefusals++;
      return false;
    }
    s.tokens.add(now);
    return true;
  }

  /** Requests counted in the login's last minute and hour. */
  used(login: string): { readonly minute: number; readonly hour: number } {
    const s = this.state(login);
    const now = this.now();
    return { minute: s.minute.count(now), hour: s.hour.count(now) };
  }

  private state(login: string): LoginState {
    const key = login.toLowerCase();
    let s = this.logins.get(key);
    if (!s) {
      s = { minute: new Window(MINUTE_MS), hour: new Window(HOUR_MS), tokens: new Window(HOUR_MS), lockedUntil: 0 };
      this.logins.set(key, s);
    }
    return s;
  }
}

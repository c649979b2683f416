/**
 * A login's request budget (copy-semantics §8a): the requests we sent in sliding windows (a minute,
 * and an hour where the broker limits one), the penalty the broker imposed, and the limit we plan
 * against. That limit is the broker's figure less a safety margin: the trader's own platform and
 * other tools spend the same login's budget, and a broker that limits "deliberately variably"
 * (Tradovate) may stop us below its published figure. When it does (a penalty ticket, a 429), the
 * count we had reached is taken as the real limit from then on: the engine never earns the same
 * penalty twice, least of all Tradovate's hour-long lockout.
 */
import type { Clock } from '../domain/clock';
import type { BudgetView } from '../orders/broker';

export interface BudgetLimits {
  /** The broker's figure for a minute. */
  readonly perMinute: number;
  /** The broker's figure for an hour, where it has one. */
  readonly perHour?: number;
  /** Share of each figure left unused (default 10 %). */
  readonly margin?: number;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
export const DEFAULT_MARGIN = 0.1;
/**
 * A refusal below this share of the broker's figure is not taken as its real limit: another client
 * of the login (the trader's own platform) spent the rest, or the broker had a moment. Learning from
 * it would starve the copier for good; the penalty itself is honoured all the same.
 */
const LEARN_FROM_SHARE = 0.5;
const ROOM_RECHECK_MS = 50;

class SlidingWindow {
  private readonly times: number[] = [];
  constructor(readonly spanMs: number) {}

  add(now: number): void {
    this.times.push(now);
  }

  count(now: number): number {
    while (this.times.length > 0 && (this.times[0] ?? now) <= now - this.spanMs) this.times.shift();
    return this.times.length;
  }

  /** How long until the oldest request still counted leaves the window (0 when none is). */
  untilOldestLeaves(now: number): number {
    this.count(now);
    const oldest = this.times[0];
    return oldest === undefined ? 0 : oldest + this.spanMs - now;
  }
}

/** A request announced before it is written (see RequestBudget.announce). */
interface Announced {
  open: boolean;
}

export class RequestBudget {
  private readonly minute = new SlidingWindow(MINUTE_MS);
  /** Announcements in order, settled ones dropped from the front; `open` of them still count. */
  private readonly awaiting: Announced[] = [];
  private open = 0;
  private readonly hour = new SlidingWindow(HOUR_MS);
  private penaltyEnd: number | undefined;
  /** The minute's limit the broker showed us by refusing (undefined until it does). */
  private learnedPerMinute: number | undefined;
  private readonly margin: number;

  constructor(
    private readonly clock: Clock,
    readonly limits: BudgetLimits,
  ) {
    this.margin = limits.margin ?? DEFAULT_MARGIN;
  }

  /**
   * A request is on its way: an order call announces it synchronously, before the awaits (token,
   * penalty) that come before its write, so a burst sees its own cost at once and the dispatcher
   * never lets out more than the budget holds. The next record settles the oldest announcement;
   * the returned release withdraws it if the call ends without one (refused before sending).
   */
  private announce(): () => void {
    const a: Announced = { open: true };
    this.awaiting.push(a);
    this.open++;
    return () => this.settle(a);
  }

  private settle(a: Announced): void {
    if (!a.open) return;
    a.open = false;
    this.open--;
    while (this.awaiting[0]?.open === false) this.awaiting.shift();
  }

  /** Runs an order call with its request announced for as long as it runs (see announce). */
  async announced<T>(call: () => Promise<T>): Promise<T> {
    const release = this.announce();
    try {
      return await call();
    } finally {
      release();
    }
  }

  /** Requests sent before this budget existed (an earlier run's, from its journal), oldest first. */
  recordEarlier(times: readonly number[]): void {
    const now = this.clock.now();
    for (const t of [...times].sort((a, b) => a - b)) {
      if (t > now) continue;
      this.minute.add(t);
      if (this.limits.perHour !== undefined) this.hour.add(t);
    }
  }

  /** One request went (or is about to go) to the broker. */
  record(): void {
    const first = this.awaiting.find((a) => a.open);
    if (first) this.settle(first);
    const now = this.clock.now();
    this.minute.add(now);
    if (this.limits.perHour !== undefined) this.hour.add(now);
  }

  /** The broker asked us to wait until `untilMs` (clock time). Never shortens a longer penalty. */
  penalise(untilMs: number): void {
    if (this.penaltyEnd === undefined || untilMs > this.penaltyEnd) this.penaltyEnd = untilMs;
  }

  /**
   * The broker refused a request for going over its minute (a penalty ticket, a 429): wait as it
   * says, and plan from now on against the count it stopped us at.
   */
  refusedOverLimit(untilMs: number): void {
    this.penalise(untilMs);
    const reached = Math.min(this.minute.count(this.clock.now()), this.limits.perMinute);
    if (reached < this.limits.perMinute * LEARN_FROM_SHARE) return;
    if (this.learnedPerMinute === undefined || reached < this.learnedPerMinute) this.learnedPerMinute = reached;
  }

  /** The active penalty's end, or undefined once it has passed. */
  penaltyUntil(): number | undefined {
    if (this.penaltyEnd !== undefined && this.penaltyEnd <= this.clock.now()) this.penaltyEnd = undefined;
    return this.penaltyEnd;
  }

  /**
   * How long a lookup or a reconcile waits for its turn: 0 while the budget has room, else until
   * the oldest request counted leaves its window. Order calls never ask: the dispatcher lets them
   * out by priority, and a lookup must not take the request an exit was kept for.
   */
  msUntilRoom(): number {
    if (this.view().remaining > 0) return 0;
    const now = this.clock.now();
    const minute = this.minute.untilOldestLeaves(now);
    const hourSpent = this.limits.perHour !== undefined && this.hour.count(now) >= usable(this.limits.perHour, this.margin);
    // A minute emptied by announcements alone frees as they are written: look again shortly.
    return Math.max(ROOM_RECHECK_MS, hourSpent ? Math.max(minute, this.hour.untilOldestLeaves(now)) : minute);
  }

  /** The minute's limit planned against: the broker's figure (or what it showed us) less the margin. */
  usablePerMinute(): number {
    return usable(this.learnedPerMinute ?? this.limits.perMinute, this.margin);
  }

  view(): BudgetView {
    const now = this.clock.now();
    const limit = this.usablePerMinute();
    let remaining = limit - this.minute.count(now) - this.open;
    if (this.limits.perHour !== undefined) remaining = Math.min(remaining, usable(this.limits.perHour, this.margin) - this.hour.count(now) - this.open);
    const penaltyUntil = this.penaltyUntil();
    return {
      limit,
      remaining: Math.max(0, remaining),
      windowMs: MINUTE_MS,
      brokerLimit: this.limits.perMinute,
      ...(this.learnedPerMinute !== undefined ? { learnedLimit: this.learnedPerMinute } : {}),
      ...(penaltyUntil !== undefined ? { penaltyUntil } : {}),
    };
  }
}

/** A broker's figure as the engine plans against it: less the safety margin. */
export function plannedFigure(figure: number, margin = DEFAULT_MARGIN): number {
  return usable(figure, margin);
}

function usable(figure: number, margin: number): number {
  return Math.max(1, Math.floor(figure * (1 - margin)));
}

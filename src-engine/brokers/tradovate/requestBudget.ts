/**
 * The login's request budget (copy-semantics §8a): requests in a sliding window against a limit,
 * plus the instant until which the broker told us to wait (penalty ticket, 429). Tradovate's real
 * limits are "deliberately variable"; copier vendors observe about 80 a minute, hence the default.
 */
import type { Clock } from '../../domain/clock';
import type { BudgetView } from '../../orders/broker';

export const DEFAULT_REQUESTS_PER_MINUTE = 80;

export class RequestBudget {
  private readonly sent: number[] = [];
  private penaltyEnd: number | undefined;

  constructor(
    private readonly clock: Clock,
    readonly limit = DEFAULT_REQUESTS_PER_MINUTE,
    readonly windowMs = 60_000,
  ) {}

  /** One request went (or is about to go) to the broker. */
  record(): void {
    this.sent.push(this.clock.now());
  }

  /** The broker asked us to wait until `untilMs` (clock time). Never shortens a longer penalty. */
  penalise(untilMs: number): void {
    if (this.penaltyEnd === undefined || untilMs > this.penaltyEnd) this.penaltyEnd = untilMs;
  }

  /** The active penalty's end, or undefined once it has passed. */
  penaltyUntil(): number | undefined {
    if (this.penaltyEnd !== undefined && this.penaltyEnd <= this.clock.now()) this.penaltyEnd = undefined;
    return this.penaltyEnd;
  }

  view(): BudgetView {
    const now = this.clock.now();
    while (this.sent.length > 0 && (this.sent[0] ?? now) <= now - this.windowMs) this.sent.shift();
    const penaltyUntil = this.penaltyUntil();
    return {
      limit: this.limit,
      remaining: Math.max(0, this.limit - this.sent.length),
      windowMs: this.windowMs,
      ...(penaltyUntil !== undefined ? { penaltyUntil } : {}),
    };
  }
}

/**
 * The connection's request budget as the user sees it (copy-semantics §8a): a sliding 60 s window
 * over the requests we sent (ProjectX allows 200 a minute, §11), and the penalty the broker
 * imposed with a 429.
 */
import type { Clock } from '../../domain/clock';
import type { BudgetView } from '../../orders/broker';

export const PROJECTX_REQUESTS_PER_MINUTE = 200;
const WINDOW_MS = 60_000;

export class RequestBudget {
  private readonly sent: number[] = [];
  private penaltyUntil: number | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly limit = PROJECTX_REQUESTS_PER_MINUTE,
  ) {}

  record(): void {
    this.sent.push(this.clock.now());
    this.trim();
  }

  penalise(untilMs: number): void {
    this.penaltyUntil = Math.max(this.penaltyUntil ?? 0, untilMs);
  }

  /** When a penalty is running: its end (epoch ms). */
  penalty(): number | undefined {
    return this.penaltyUntil !== undefined && this.penaltyUntil > this.clock.now() ? this.penaltyUntil : undefined;
  }

  view(): BudgetView {
    this.trim();
    const penaltyUntil = this.penalty();
    return {
      limit: this.limit,
      remaining: Math.max(0, this.limit - this.sent.length),
      windowMs: WINDOW_MS,
      ...(penaltyUntil !== undefined ? { penaltyUntil } : {}),
    };
  }

  private trim(): void {
    const from = this.clock.now() - WINDOW_MS;
    while (this.sent.length > 0 && (this.sent[0] ?? 0) <= from) this.sent.shift();
  }
}

/**
 * Reconnect delays: the first retry at once (most drops are momentary), then every 500 ms for the
 * first few seconds — a follower back within its catch-up window (copy-semantics §8, default 3 s)
 * still copies the entry it missed — then exponential from 1 s, capped at 30 s, with ±25 % jitter
 * so many connections dropped together do not come back in lock step. Randomness is injected so
 * tests are deterministic.
 */
export interface BackoffPolicy {
  readonly firstMs: number;
  /** Delay of the quick retries that follow the first. */
  readonly quickMs: number;
  /** How many quick retries before the delay starts doubling. */
  readonly quickRetries: number;
  readonly maxMs: number;
  readonly jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { firstMs: 0, quickMs: 500, quickRetries: 6, maxMs: 30_000, jitter: 0.25 };

/** Delay before retry number `attempt` (1-based). */
export function backoffDelay(attempt: number, random: () => number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  if (attempt <= 1) return policy.firstMs;
  const doublings = attempt - 1 - policy.quickRetries;
  const raw = doublings <= 0 ? policy.quickMs : Math.min(policy.maxMs, policy.quickMs * 2 ** Math.min(doublings, 30));
  const factor = 1 + policy.jitter * (2 * clamp01(random()) - 1);
  return Math.round(Math.min(policy.maxMs, raw * factor));
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0.5;
}

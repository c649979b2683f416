/**
 * Reconnect delays: the first retry at once (most drops are momentary), then exponential from
 * 500 ms, capped at 30 s, with ±25 % jitter so many connections dropped together do not come
 * back in lock step. Randomness is injected so tests are deterministic.
 */
export interface BackoffPolicy {
  readonly firstMs: number;
  readonly baseMs: number;
  readonly maxMs: number;
  readonly jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { firstMs: 0, baseMs: 500, maxMs: 30_000, jitter: 0.25 };

/** Delay before retry number `attempt` (1-based). */
export function backoffDelay(attempt: number, random: () => number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  if (attempt <= 1) return policy.firstMs;
  const raw = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt - 2, 30));
  const factor = 1 + policy.jitter * (2 * clamp01(random()) - 1);
  return Math.round(Math.min(policy.maxMs, raw * factor));
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0.5;
}

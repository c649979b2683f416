/**
 * Per-account copy latency (leader fill received → follower order acknowledged by its broker),
 * kept as a bounded ring of recent samples for p50/p99 on the Dashboard.
 */
import type { LatencyView } from '../api/views';

const KEEP = 500;

export class LatencyBook {
  private readonly samples = new Map<string, number[]>();

  record(account: string, ms: number | undefined): void {
    if (ms === undefined || !Number.isFinite(ms) || ms < 0) return;
    const list = this.samples.get(account) ?? [];
    list.push(ms);
    if (list.length > KEEP) list.splice(0, list.length - KEEP);
    this.samples.set(account, list);
  }

  view(account: string): LatencyView | undefined {
    const list = this.samples.get(account);
    if (!list || list.length === 0) return undefined;
    const sorted = [...list].sort((a, b) => a - b);
    const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    return { samples: list.length, p50Ms: at(0.5), p99Ms: at(0.99), lastMs: list[list.length - 1] ?? 0 };
  }
}

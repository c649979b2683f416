/**
 * Per-account copy latency, kept as bounded rings of recent samples: leader fill received →
 * follower order written ("sent") and → acknowledged by the follower's broker ("ack").
 */
import type { LatencyView } from '../api/views';

const KEEP = 500;

interface Rings {
  readonly ack: number[];
  readonly sent: number[];
}

export class LatencyBook {
  private readonly byAccount = new Map<string, Rings>();

  record(account: string, sentMs: number | undefined, ackMs: number): void {
    const r = this.byAccount.get(account) ?? { ack: [], sent: [] };
    push(r.ack, ackMs);
    if (sentMs !== undefined) push(r.sent, sentMs);
    this.byAccount.set(account, r);
  }

  view(account: string): LatencyView | undefined {
    const r = this.byAccount.get(account);
    return r ? summarise(r.ack, r.sent) : undefined;
  }

  /** Over several accounts (a connection's). */
  viewOf(accounts: readonly string[]): LatencyView | undefined {
    const ack: number[] = [];
    const sent: number[] = [];
    for (const a of accounts) {
      const r = this.byAccount.get(a);
      if (r) {
        ack.push(...r.ack);
        sent.push(...r.sent);
      }
    }
    return summarise(ack, sent);
  }
}

function push(ring: number[], ms: number): void {
  if (!Number.isFinite(ms) || ms < 0) return;
  ring.push(ms);
  if (ring.length > KEEP) ring.splice(0, ring.length - KEEP);
}

export function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

function summarise(ack: readonly number[], sent: readonly number[]): LatencyView | undefined {
  if (ack.length === 0) return undefined;
  const a = [...ack].sort((x, y) => x - y);
  const s = [...sent].sort((x, y) => x - y);
  return {
    samples: ack.length,
    p50Ms: percentile(a, 0.5),
    p99Ms: percentile(a, 0.99),
    lastMs: ack[ack.length - 1] ?? 0,
    sentP50Ms: s.length ? percentile(s, 0.5) : undefined,
    sentP99Ms: s.length ? percentile(s, 0.99) : undefined,
  };
}

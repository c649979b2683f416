/**
 * The Dashboard's latest trades, one line per leader exit with what each follower made on its copy
 * of it. A follower's exit belongs to the leader exit it copied: the same leader root (its cross or
 * micro contract included, as the rows map them) within a few seconds after it.
 */
import type { TradeFillView } from '../../src-engine/api/views';

export interface TradeLine {
  readonly leader: TradeFillView | undefined;
  readonly followers: readonly TradeFillView[];
}

/** A copy lands within this long after the leader's fill (latency, a retried exit). */
const WINDOW_MS = 10_000;

/**
 * `trades` newest first; `leaderRootOf` maps a follower's contract to the leader root of its row.
 * Follower exits with no leader exit to match (a Flatten by hand, a risk flatten) get a line of their own.
 */
export function tradeLines(trades: readonly TradeFillView[], leader: string | undefined, leaderRootOf: (accountId: string, contract: string) => string): TradeLine[] {
  const leaderFills = trades.filter((t) => t.accountId === leader);
  const lines = new Map<TradeFillView, TradeFillView[]>(leaderFills.map((l) => [l, []]));
  const alone: TradeLine[] = [];
  for (const t of trades) {
    if (t.accountId === leader) continue;
    const root = leaderRootOf(t.accountId, t.contract);
    const match = leaderFills.find((l) => rootOf(l.contract) === root && t.time >= l.time - 1_000 && t.time - l.time <= WINDOW_MS);
    if (match) lines.get(match)?.push(t);
    else alone.push({ leader: undefined, followers: [t] });
  }
  const out: TradeLine[] = [...[...lines].map(([l, followers]) => ({ leader: l, followers })), ...alone];
  return out.sort((a, b) => timeOf(b) - timeOf(a));
}

function timeOf(line: TradeLine): number {
  return line.leader?.time ?? line.followers[0]?.time ?? 0;
}

function rootOf(contract: string): string {
  return contract.split(':')[0] ?? contract;
}

/**
 * Copies waiting for a login's request budget (copy-semantics §8a). Exits always go (they only
 * wait for the budget itself). An entry that cannot go out within its follower's catch-up window
 * is given up, journaled and shown with its reason, not sent late; an exit held behind an entry
 * that never left is decided together with it, from what the broker says the follower holds. And
 * the lane keeps a request for the exit of every position its followers hold before it lets
 * another entry out, so no entry opens what the budget could not close.
 */
import type { ContractCode } from '../domain/contractCode';
import { effectiveMaxCatchUpMs, effectiveReconnectPolicy, type AccountId } from '../domain/group';
import type { WaitingJob } from '../orders/dispatcher';
import { countsInFlight, PRIORITY, type Intent } from '../orders/intent';
import type { DecisionRow } from '../orders/journal';
import type { EngineCore } from './core';
import { decideQueued } from './followerGap';

/** One request for the exit of each position the connection's followers hold or are being sent. */
export function exitReserve(core: EngineCore, connectionId: string): number {
  const conn = core.connections.get(connectionId);
  if (!conn) return 0;
  let n = 0;
  for (const account of new Set(conn.accounts.values())) {
    // A leader's positions are the trader's to close, not ours.
    if (!core.groupOfFollower(account)) continue;
    const open = new Set<ContractCode>();
    for (const [contract, qty] of core.books.get(account)?.openPositions() ?? []) if (qty !== 0) open.add(contract);
    for (const i of core.intents.openFor(account)) if (i.status !== 'queued' && i.status !== 'planned' && countsInFlight(i)) open.add(i.contract);
    n += open.size;
  }
  return n;
}

/** Market copies of one follower and contract waiting in the lane, and whether one is held behind another. */
interface Pair {
  readonly account: AccountId;
  readonly contract: ContractCode;
  readonly intents: Intent[];
  blocked: boolean;
}

export function onLaneWaiting(core: EngineCore, waiting: readonly WaitingJob[]): void {
  const pairs = new Map<string, Pair>();
  for (const w of waiting) {
    if (w.job.kind !== 'place') continue;
    const i = w.job.intent;
    if (i.type !== 'market' || (i.purpose !== 'copy' && i.purpose !== 'gap')) continue;
    const key = `${i.accountId}\u0000${i.contract}`;
    let p = pairs.get(key);
    if (!p) {
      p = { account: i.accountId, contract: i.contract, intents: [], blocked: false };
      pairs.set(key, p);
    }
    p.intents.push(i);
    if (w.blocked) p.blocked = true;
  }
  const now = core.clock.now();
  const intents: Intent[] = [];
  const rows: DecisionRow[] = [];
  for (const p of pairs.values()) {
    const entries = p.intents.filter((i) => i.priority === PRIORITY.entry);
    if (entries.length === 0) continue;
    const ageMs = now - Math.min(...entries.map((i) => i.createdAt));
    if (!p.blocked && ageMs <= windowMs(core, p.account)) continue;
    const decided = decideQueued(core, p.account, p.contract, p.intents, 'budget');
    if (!decided) continue;
    if (decided.intent) intents.push(decided.intent);
    rows.push(decided.row);
  }
  if (rows.length === 0) return;
  core.sendIntents(intents, rows);
  // Work given up leaves the lane without a send settling: whoever waits for quiet is told here.
  core.checkIdle();
}

/** How long an entry may wait for the budget: the follower's catch-up window, none when it never chases. */
function windowMs(core: EngineCore, account: AccountId): number {
  const g = core.groupOfFollower(account);
  const f = g?.followers.find((x) => x.account === account);
  if (!g || !f) return 0;
  return effectiveReconnectPolicy(g, f) === 'skipEntries' ? 0 : effectiveMaxCatchUpMs(g, f);
}

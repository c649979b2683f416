/**
 * A follower's own connection was down while its leader traded (copy-semantics §8). The copies
 * planned for it in the gap never left: they wait in its lane. Sent as they stand they would chase
 * an entry long after the leader made it, and, queued exits going first, could even cross zero
 * before the entry they were computed on top of arrives. So when the connection is back and its
 * books are re-based, before its lane opens, each contract with a missed entry is decided afresh:
 * the queued copies are abandoned and one order takes the follower from what its broker says it
 * holds to where it should be now — exits always; the missed entry per its reconnect policy, by the
 * age of the oldest entry it missed. Contracts where only exits wait are sent as they are.
 */
import type { ContractCode } from '../domain/contractCode';
import { effectiveMaxCatchUpMs, effectiveReconnectPolicy, type AccountId } from '../domain/group';
import { stopTracking, withTrack, type Lifecycle } from '../copy/lifecycle';
import { exitOnly } from '../copy/target';
import { PRIORITY, signedRemaining, type Intent } from '../orders/intent';
import type { DecisionRow } from '../orders/decisionRecord';
import { intentTag } from '../orders/tag';
import { entryNotCopied } from './copier';
import type { ConnectionRuntime, EngineCore } from './core';
import { apply } from './orderFlow';

export function settleFollowerGap(core: EngineCore, conn: ConnectionRuntime): void {
  const accounts = new Set(conn.accounts.values());
  const waiting = new Map<string, Intent[]>();
  for (const i of core.intents.open()) {
    if (!accounts.has(i.accountId) || i.status !== 'queued' || i.type !== 'market' || (i.purpose !== 'copy' && i.purpose !== 'gap')) continue;
    const key = `${i.accountId}\u0000${i.contract}`;
    const list = waiting.get(key);
    if (list) list.push(i);
    else waiting.set(key, [i]);
  }
  const intents: Intent[] = [];
  const rows: DecisionRow[] = [];
  for (const queued of waiting.values()) {
    const first = queued[0];
    if (!first || !queued.some((i) => i.priority === PRIORITY.entry)) continue;
    const decided = decideQueued(core, first.accountId, first.contract, queued, 'reconnect');
    if (!decided) continue;
    if (decided.intent) intents.push(decided.intent);
    rows.push(decided.row);
  }
  if (rows.length === 0) return;
  core.sendIntents(intents, rows);
}

/**
 * Exits always catch up (§8): a tracked follower holding more than its target after its gap —
 * decisions skipped while its position was unknown record the target, not an order — is taken
 * back to it now. An entry held back that way is a missed entry: chased when the follower's
 * reconnect policy is catchUp and it is younger than maxCatchUpMs, otherwise not, and then the
 * follower is shown out of sync with what was not copied.
 */
export function catchUpExits(core: EngineCore, conn: ConnectionRuntime): void {
  const intents: Intent[] = [];
  const rows: DecisionRow[] = [];
  const now = core.clock.now();
  for (const account of new Set(conn.accounts.values())) {
    for (const { group: g, lifecycle: lc, track: t } of core.trackedBy(account)) {
      const held = core.current(account, t.contract);
      const f = g.followers.find((x) => x.account === account);
      const ageMs = t.unknownSince !== undefined ? now - t.unknownSince : undefined;
      const chase = ageMs !== undefined && f !== undefined && effectiveReconnectPolicy(g, f) === 'catchUp' && ageMs <= effectiveMaxCatchUpMs(g, f);
      const desired = chase ? t.lastTarget : exitOnly(t.lastTarget, held);
      if (t.unknownSince !== undefined) settleHeldBackEntry(core, g.leader, lc, account, held, desired, chase);
      if (desired === held || exitUnderWay(core, account, t.contract)) continue;
      const grows = desired !== 0 && (Math.sign(desired) !== Math.sign(held) || Math.abs(desired) > Math.abs(held));
      const cause = `catchUp:${lc.id}:${account}:${held}>${desired}`;
      intents.push(core.newIntent({ accountId: account, groupId: g.id, purpose: 'gap', cause, contract: t.contract, signedQty: desired - held, priority: grows ? PRIORITY.entry : PRIORITY.exit, tag: intentTag(cause, account, 'gap') }));
      rows.push({
        time: now,
        groupId: g.id,
        accountId: account,
        cause,
        contract: t.contract,
        kind: 'order',
        reason: grows ? 'entryCatchUp' : 'exitCatchUp',
        detail: `holds ${held}, target ${t.lastTarget}: ${grows ? `missed entry ${Math.round(ageMs ?? 0)} ms old, sent` : 'exit'} to ${desired}`,
      });
    }
  }
  if (rows.length === 0) return;
  core.sendIntents(intents, rows);
}

/** The held-back entry is decided now: forgotten when chased, else blocked for the lifecycle and shown. */
function settleHeldBackEntry(core: EngineCore, leader: AccountId | undefined, lc: Lifecycle, account: AccountId, held: number, desired: number, chase: boolean): void {
  const t = lc.followers[account];
  if (!t || leader === undefined) return;
  const { unknownSince: _done, ...rest } = t;
  if (chase) {
    save(core, leader, withTrack(lc, rest));
    return;
  }
  const target = t.lastTarget;
  save(core, leader, withTrack(lc, { ...rest, entryBlock: 'catchUpExpired', lastTarget: desired }));
  core.setOutOfSync(account, t.contract, desired === target ? undefined : entryNotCopied('catchUpExpired', held, t.contract, target));
}

/** A working order or a mirror grace may still take it there: a market exit on top could cross zero. */
function exitUnderWay(core: EngineCore, account: AccountId, contract: ContractCode): boolean {
  if ((core.books.get(account)?.openOrders() ?? []).some((o) => o.contract === contract)) return true;
  return core.hasGrace(account, contract);
}

/**
 * Why copies that never left a follower's lane are decided afresh: its connection came back after a
 * gap (the reconnect policy applies), or its login's request budget kept an entry waiting past
 * its catch-up window or an exit behind such an entry (copy-semantics §8a).
 */
export type QueuedWhy = 'reconnect' | 'budget';

/**
 * The queued copies of one follower and contract, abandoned and replaced by at most one order
 * from what the broker says it holds. Undefined when they are left to go as they are.
 */
export function decideQueued(core: EngineCore, account: AccountId, contract: ContractCode, queued: readonly Intent[], why: QueuedWhy): { intent: Intent | undefined; row: DecisionRow } | undefined {
  const g = core.groupOfFollower(account);
  const f = g?.followers.find((x) => x.account === account);
  if (!g || !f || g.leader === undefined) return undefined;
  const leader = g.leader;
  const lc = core.lifecyclesOf(leader).find((l) => l.followers[account]?.contract === contract);
  const track = lc?.followers[account];
  const now = core.clock.now();
  const ageMs = Math.max(0, now - Math.min(...queued.filter((i) => i.priority === PRIORITY.entry).map((i) => i.createdAt)));
  const policy = effectiveReconnectPolicy(g, f);
  const chase = policy === 'catchUp' && ageMs <= effectiveMaxCatchUpMs(g, f);
  // Two or more queued copies (an entry and what followed it) become one order from the broker's position.
  if (chase && queued.length === 1) return undefined;

  // What the engine had decided for the gap, net: where the follower goes when there is no target to follow.
  const net = queued.reduce((sum, i) => sum + signedRemaining(i), 0);
  const dropping = new Set(queued);
  core.dispatcher.dropQueued((job) => job.kind === 'place' && dropping.has(job.intent));
  const superseded = why === 'budget' ? "superseded: waited for the login's request budget" : 'superseded after the follower reconnected';
  for (const i of queued) apply(core, i, 'abandon', superseded);

  const held = core.current(account, contract);
  const target = track?.tracking === true ? track.lastTarget : 0;
  let desired: number;
  let reason: string;
  if (!lc || !track?.tracking) {
    // The lifecycle ended in the gap: only its closing counts, and a position that was never part
    // of it (the trader's own) is left alone.
    desired = exitOnly(held + net, held);
    reason = 'leaderFlat';
  } else if (chase) {
    desired = target;
    reason = 'catchUp';
  } else if (policy === 'flatten' && why === 'reconnect') {
    desired = 0;
    reason = 'reconnectFlatten';
    save(core, leader, stopTracking(withTrack(lc, { ...track, lastTarget: 0 }), account, 'reconnectFlatten'));
  } else {
    // Given up and shown. When the budget, not the connection, kept the entry back, whatever the
    // reconnect policy: flattening would spend more of the budget that could not carry it.
    const gate = why === 'budget' ? 'budgetExpired' : policy === 'skipEntries' ? 'skipEntries' : 'catchUpExpired';
    desired = exitOnly(target, held);
    reason = gate;
    save(core, leader, withTrack(lc, { ...track, entryBlock: gate, lastTarget: desired }));
    core.setOutOfSync(account, contract, desired === target ? undefined : entryNotCopied(gate, desired, contract, target));
  }

  const delta = desired - held;
  const cause = `${why}:${queued.map((i) => i.tag).join(',')}`;
  const detail =
    why === 'budget'
      ? `entry waited ${Math.round(ageMs)} ms for the login's request budget (catch-up window ${effectiveMaxCatchUpMs(g, f)} ms, policy ${policy}); holds ${held}, target ${target}, sent to ${desired}`
      : `missed entry ${Math.round(ageMs)} ms old (policy ${policy}); holds ${held}, target ${target}, sent to ${desired}`;
  const row: DecisionRow = { time: now, groupId: g.id, accountId: account, cause, contract, kind: delta === 0 ? 'skip' : 'order', reason, detail };
  if (delta === 0) return { intent: undefined, row };
  const grows = desired !== 0 && (Math.sign(desired) !== Math.sign(held) || Math.abs(desired) > Math.abs(held));
  const intent = core.newIntent({ accountId: account, groupId: g.id, purpose: 'gap', cause, contract, signedQty: delta, priority: grows ? PRIORITY.entry : PRIORITY.exit, tag: intentTag(cause, account, 'gap') });
  return { intent, row };
}

function save(core: EngineCore, leader: AccountId, lc: Lifecycle): void {
  core.setLifecycle(leader, lc.contract, lc);
  core.journal.saveLifecycle(leader, lc.contract, lc);
}


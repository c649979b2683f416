/**
 * The verdicts of a chaos run, against the simulators' own books (what the brokers hold, not what
 * the engine believes):
 *
 * - duplicate: two orders at a broker with the same idempotency tag (the second refused by the
 *   broker for reusing it), or two accepted orders for the same (cause, follower, purpose);
 * - unjournaled: an accepted follower order whose tag the engine's journal does not know (sent
 *   without its intent written first, §8);
 * - overTarget: a follower holding more than its target (a copy doubled or an exit lost; §8 "exits
 *   always catch up", so no gap excuses it);
 * - lost: a follower short of its target, unless the reconnect policy allows it ("excused"): an
 *   entry of the current lifecycle the engine could not see in time (it was killed, or the leader's
 *   or the follower's connection was disturbed) may be skipped by a follower with the default
 *   maxCatchUpMs, and that follower must then be shown out of sync for the root; or the login's
 *   request budget kept an entry of the current lifecycle back past the follower's catch-up window
 *   (§8a), which the engine must have journaled (`budgetExpired`), the follower again shown out of
 *   sync;
 * - unmirrored: a leader working order a follower at its target has no order for, and the engine's
 *   journal gives no reason the spec allows (see explainUnmirrored);
 * - orphan: a follower working order with no working leader order at the same side, type and price
 *   (several follower orders may share one: the legs of each copy of a bracket entry filled in parts).
 */
import { parseContractCode } from '../domain/contractCode';
import { isTagInUse } from '../orders/tag';
import type { SimOrder } from '../brokers/simcore/types';
import type { ChaosWorld, FollowerPlan, GroupPlan } from './chaosWorld';
import type { AccountFlagsReport } from './protocol';
import type { Timeline } from './timeline';

export type FindingKind = 'duplicate' | 'unjournaled' | 'overTarget' | 'lost' | 'orphan' | 'unmirrored';

export interface Finding {
  readonly kind: FindingKind;
  readonly account: string;
  readonly detail: string;
}

export interface Excuse {
  readonly account: string;
  readonly root: string;
  /** The rule that allows it, by kind (for the report's counts). */
  readonly why: string;
  readonly detail: string;
}

/** A leader working order a follower at its target has no order at the same place for. */
export interface Unmirrored {
  readonly account: string;
  readonly leaderOrderId: string;
  readonly detail: string;
}

/**
 * A follower short of its target and shown out of sync, with no gap to explain it: lost, unless the
 * engine's journal says the login's budget kept an entry of this lifecycle back (explainShortfall).
 * The journal is read after the engine stops, so the verdict waits until then.
 */
export interface ShortOutOfSync {
  readonly account: string;
  readonly root: string;
  /** When the leader's current lifecycle began (its first entry fill), wall clock. */
  readonly since: number;
  /** The finding if the journal does not explain it. */
  readonly lost: Finding;
}

export interface CheckResult {
  readonly findings: Finding[];
  readonly excused: Excuse[];
  readonly unmirrored: Unmirrored[];
  readonly shortOutOfSync: ShortOutOfSync[];
}

function emptyResult(): CheckResult {
  return { findings: [], excused: [], unmirrored: [], shortOutOfSync: [] };
}

function positionIn(world: ChaosWorld, key: string, root: string): { inRoot: number; elsewhere: string[] } {
  let inRoot = 0;
  const elsewhere: string[] = [];
  for (const p of world.exchange.positions(world.account(key).id)) {
    if (p.netPos === 0) continue;
    if (parseContractCode(p.contract).root === root) inRoot += p.netPos;
    else elsewhere.push(`${p.contract} ${p.netPos}`);
  }
  return { inRoot, elsewhere };
}

function orderKey(o: Readonly<SimOrder>): string {
  return `${o.contract}|${o.side}|${o.type}|${o.price ?? ''}`;
}

function describe(o: Readonly<SimOrder>): string {
  return `${o.side} ${o.qty - o.filledQty} ${o.type}${o.price !== undefined ? ` @ ${o.price}` : ''} (#${o.orderId}, ${o.status}, tag ${o.tag ?? '-'})`;
}

/** Leader holding a position (and maybe working orders): each follower at ratio × P, every working order mirrored. */
export function checkHolding(world: ChaosWorld, flags: readonly AccountFlagsReport[], timeline: Timeline): CheckResult {
  const out = emptyResult();
  for (const g of world.groups) {
    const leader = world.account(g.leader);
    const P = world.exchange.positionOf(leader.id, world.contract(g.root));
    const leaderWorking = world.exchange.openOrders(leader.id).filter((o) => o.status === 'working');
    for (const f of g.followers) {
      const ok = checkFollowerPosition(world, g, f, P, flags, timeline, out);
      checkFollowerOrders(world, f, leaderWorking, ok, out);
    }
  }
  return out;
}

function checkFollowerPosition(world: ChaosWorld, g: GroupPlan, f: FollowerPlan, P: number, flags: readonly AccountFlagsReport[], timeline: Timeline, out: CheckResult): boolean {
  const T = P * f.ratio;
  const { inRoot: A, elsewhere } = positionIn(world, f.key, g.root);
  if (elsewhere.length > 0) out.findings.push({ kind: 'overTarget', account: f.key, detail: `positions in other contracts: ${elsewhere.join(', ')}` });
  if (A === T) return true;
  const where = `leader ${g.leader} ${P} ${g.root}, target ${T}, holds ${A}`;
  const exceeds = A !== 0 && (T === 0 || Math.sign(A) !== Math.sign(T) || Math.abs(A) > Math.abs(T));
  if (exceeds) {
    out.findings.push({ kind: 'overTarget', account: f.key, detail: where });
    return false;
  }
  const flagged = flags.find((x) => x.account === f.key)?.outOfSync.includes(g.root) ?? false;
  const mayCatchUp = f.maxCatchUpMs === undefined;
  const entries = timeline.currentLifecycleEntries(g.leader, g.root);
  // A fault armed on any account of a login is the login's: every account under it was disturbed.
  const watched = [...world.loginMates(g.leader), ...world.loginMates(f.key)];
  const disturbed = entries.map((e) => ({ e, d: timeline.disturbedAt(e.time, watched) })).find((x) => x.d !== undefined);
  // §8: a missed entry older than maxCatchUpMs may be let go, and the follower is then shown out of
  // sync; flat and silent is not allowed.
  if (mayCatchUp && disturbed?.d && flagged) {
    out.excused.push({
      account: f.key,
      root: g.root,
      why: `entry missed in a ${disturbed.d.kind}, shown out of sync`,
      detail: `${where}; entry ${disturbed.e.before}→${disturbed.e.after} at ${new Date(disturbed.e.time).toISOString()} during ${disturbed.d.kind}${disturbed.d.account ? ` of ${disturbed.d.account}` : ''}; shown out of sync`,
    });
    return false;
  }
  const lost: Finding = { kind: 'lost', account: f.key, detail: `${where}${flagged ? ' (shown out of sync)' : ''}${disturbed?.d ? ` (an entry fell in a ${disturbed.d.kind}${mayCatchUp ? ', but the follower is neither flat nor shown out of sync' : '; this follower catches up any entry'})` : ''}` };
  const since = entries[0]?.time;
  if (flagged && since !== undefined) out.shortOutOfSync.push({ account: f.key, root: g.root, since, lost });
  else out.findings.push(lost);
  return false;
}

/** The engine's journaled decisions with reason `budgetExpired` for one follower. */
export interface BudgetDecision {
  readonly time: number;
  readonly contract: string | null;
}

/**
 * A follower short of its target and shown out of sync is excused (§8a) only when the engine
 * journaled giving an entry up for the login's budget in this root during the current lifecycle;
 * an older decision belongs to a lifecycle that has ended and explains nothing now.
 */
export function explainShortfall(s: ShortOutOfSync, decisions: readonly BudgetDecision[]): Excuse | undefined {
  const d = decisions.find((x) => x.time >= s.since && x.contract !== null && parseContractCode(x.contract).root === s.root);
  if (!d) return undefined;
  return {
    account: s.account,
    root: s.root,
    why: "entry given up for the login's request budget (budgetExpired), shown out of sync",
    detail: `${s.lost.detail.replace(' (shown out of sync)', '')}; budgetExpired journaled at ${new Date(d.time).toISOString()}; shown out of sync`,
  };
}

function checkFollowerOrders(world: ChaosWorld, f: FollowerPlan, leaderWorking: readonly Readonly<SimOrder>[], atTarget: boolean, out: CheckResult): void {
  // Matched by place, not one to one: a leader bracket entry filled in parts is copied once per
  // fill, each copy with its own native legs, so several follower legs share one leader leg.
  const leaderKeys = new Set(leaderWorking.map(orderKey));
  const followerKeys = new Set<string>();
  for (const o of world.exchange.openOrders(world.account(f.key).id)) {
    const k = orderKey(o);
    if (o.status === 'working' && leaderKeys.has(k)) {
      followerKeys.add(k);
      continue;
    }
    out.findings.push({ kind: 'orphan', account: f.key, detail: describe(o) });
  }
  if (!atTarget) return;
  for (const o of leaderWorking) {
    if (!followerKeys.has(orderKey(o))) out.unmirrored.push({ account: f.key, leaderOrderId: String(o.orderId), detail: `no mirror of the leader's ${describe(o)}` });
  }
}

/** Leader flat with no working orders: every follower flat with none either (exits always catch up). */
export function checkFlat(world: ChaosWorld): CheckResult {
  const out = emptyResult();
  for (const g of world.groups) {
    for (const f of g.followers) {
      const acc = world.account(f.key);
      for (const p of world.exchange.positions(acc.id)) {
        if (p.netPos !== 0) out.findings.push({ kind: 'overTarget', account: f.key, detail: `leader flat, follower holds ${p.netPos} ${p.contract}` });
      }
      for (const o of world.exchange.openOrders(acc.id)) out.findings.push({ kind: 'orphan', account: f.key, detail: `leader flat without orders, follower still has ${describe(o)}` });
    }
  }
  return out;
}

export interface JournaledIntent {
  readonly tag: string;
  readonly account: string;
  readonly cause: string;
  readonly purpose: string;
}


/** Over the whole run: tags used twice at a broker, causes copied twice, orders the journal never saw. */
export function checkExactlyOnce(world: ChaosWorld, intents: readonly JournaledIntent[]): Finding[] {
  const findings: Finding[] = [];
  const byTag = new Map(intents.map((i) => [i.tag, i]));
  for (const key of world.followerKeys()) {
    const acc = world.account(key);
    const perIntent = new Map<string, SimOrder[]>();
    for (const o of acc.orderLog) {
      if (o.status === 'rejected' && isTagInUse(o.rejectReason)) {
        findings.push({ kind: 'duplicate', account: key, detail: `sent twice with tag ${o.tag ?? '-'}: ${describe(o)} refused (${o.rejectReason ?? ''})` });
        continue;
      }
      if (o.status === 'rejected' || o.parentOrderId !== undefined) continue;
      if (o.tag === undefined) {
        findings.push({ kind: 'unjournaled', account: key, detail: `an order without a tag: ${describe(o)}` });
        continue;
      }
      const intent = byTag.get(o.tag);
      if (!intent) {
        findings.push({ kind: 'unjournaled', account: key, detail: `tag unknown to the journal: ${describe(o)}` });
        continue;
      }
      const k = `${intent.cause}|${intent.purpose}`;
      perIntent.set(k, [...(perIntent.get(k) ?? []), o]);
    }
    for (const [k, orders] of perIntent) {
      if (orders.length > 1) findings.push({ kind: 'duplicate', account: key, detail: `${orders.length} orders for one cause (${k}): ${orders.map(describe).join('; ')}` });
    }
  }
  return findings;
}

/** What the engine journaled about one follower and one leader order: its decisions and its mirror intents. */
export interface MirrorRecord {
  readonly decisions: readonly { readonly kind: string; readonly reason: string | null; readonly time: number }[];
  readonly intents: readonly { readonly status: string; readonly reason: string | null; readonly updatedAt: number }[];
}

/**
 * Why a follower has no mirror of a leader order, from the engine's own journal. Allowed: the
 * engine decided not to mirror it and said why (a skip with its reason: not tracking this
 * lifecycle, below one contract, entries held back, a lock...), or its mirror filled. Not allowed:
 * nothing journaled at all, a mirror cancelled or rejected while the leader's order still works
 * (the follower lost its protection), or a mirror skipped only because the follower's position was
 * unknown (it must be placed once the follower is back).
 */
export function explainUnmirrored(u: Unmirrored, rec: MirrorRecord): { readonly kind: string; readonly allowed: boolean } {
  const skip = [...rec.decisions].reverse().find((d) => d.kind === 'skip');
  const mirror = rec.intents[rec.intents.length - 1];
  // The engine's latest word counts: a mirror abandoned at a restart and then decided afresh (not
  // placed again, with its reason) is explained by that decision (chaos seed 1596764581).
  if (mirror && !(skip && skip.time >= mirror.updatedAt)) {
    if (mirror.status === 'filled') return { kind: 'mirror filled', allowed: true };
    return { kind: `mirror ${mirror.status}${mirror.reason ? ` (${mirror.reason})` : ''}`, allowed: false };
  }
  if (skip) return { kind: `skipped: ${skip.reason ?? '?'}`, allowed: skip.reason !== 'positionUnknown' };
  return { kind: `nothing journaled for ${u.account} and order ${u.leaderOrderId}`, allowed: false };
}

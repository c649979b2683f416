/**
 * The hot path: a leader fill arrives → the planner decides for every follower → the decision and
 * the intents are journaled in one transaction → every follower order is handed to its lane at
 * once (no awaiting followers one by one). Also: leader working orders → follower mirrors.
 */
import { parseContractCode } from '../domain/contractCode';
import type { AccountId, Group } from '../domain/group';
import { planLeaderFill } from '../copy/planner';
import { sizeMirror } from '../copy/mirror';
import type { Decision } from '../copy/decision';
import type { BrokerFill, BrokerOrder } from '../orders/broker';
import { PRIORITY, type Intent, type Priority } from '../orders/intent';
import { isFinal } from '../orders/orderState';
import type { DecisionRow } from '../orders/decisionRecord';
import { intentTag, retryTag } from '../orders/tag';
import { isOpenOrder } from './accountBook';
import type { EngineCore } from './core';
import { startGrace } from './grace';
import { apply, leaderOrderEndedUntraded, restoreAfterLeaderCancel } from './orderFlow';

/**
 * A leader fill. `before` is the leader's position in the fill's contract before it.
 * `recovered` marks a fill found at the broker after a gap (§8 reconnect policy).
 */
export function onLeaderFill(core: EngineCore, leader: AccountId, fill: BrokerFill, before: number, recovered?: { ageMs: number }): void {
  const group = core.groupOfLeader(leader);
  if (!group) return;
  const eventKey = `fill:${fill.fillId}`;
  const receivedAt = fill.receivedAt ?? performance.now();
  core.noteReceived(eventKey, receivedAt);
  core.probe?.leaderFill(eventKey, receivedAt);
  const now = core.clock.now();
  const lifecycle = core.lifecycle(leader, fill.contract);
  const plan = planLeaderFill({
    group,
    groupActive: core.groupActive(group),
    leaderAccount: leader,
    contract: fill.contract,
    leaderOrderId: fill.orderId,
    signedQty: fill.side === 'buy' ? fill.qty : -fill.qty,
    before,
    lifecycle,
    followers: group.followers.map((f) => core.followerView(group, f)),
    otherLifecycles: core.lifecyclesOf(leader).filter((l) => l.contract !== fill.contract),
    leaderBalance: core.books.get(leader)?.balance ?? (0 as never),
    catalog: core.catalog,
    now,
    ...(recovered ? { recovered } : {}),
  });

  const intents: Intent[] = [];
  const legLinks: { intent: Intent; legs: BrokerOrder[] }[] = [];
  for (const d of plan.decisions) {
    if (d.kind !== 'order') continue;
    const grows = Math.abs(d.target) > Math.abs(d.current) && Math.sign(d.delta) === Math.sign(d.target);
    // A leg already mirrored to this follower as an order of its own (its events came before the
    // entry's fill, once the entry was filled at the broker) is not sent a second time as a native leg.
    const legs = grows && group.settings.orderCopy === 'mirror' ? bracketLegs(core, leader, fill.orderId).filter((leg) => !core.mirrors.links(leg.orderId).some((l) => l.account === d.account && l.tag !== undefined)) : [];
    const intent = core.newIntent({
      accountId: d.account,
      groupId: group.id,
      purpose: 'copy',
      cause: eventKey,
      contract: d.contract,
      signedQty: d.delta,
      priority: grows ? PRIORITY.entry : PRIORITY.exit,
      leaderOrderId: fill.orderId,
      ...(legs.length > 0 ? { bracket: bracketOf(legs) } : {}),
      // A leftover closed beside the copy needs a tag of its own (one per contract).
      ...(d.absorb ? { tag: intentTag(`${eventKey}|${d.contract}`, d.account, 'absorb') } : {}),
    });
    intents.push(intent);
    if (legs.length > 0) legLinks.push({ intent, legs });
  }
  // An order's intent row is its decision; the journal keeps a row for every other outcome.
  const rows = plan.decisions.filter((d) => d.kind !== 'order').map((d) => decisionRow(group, eventKey, d, now));
  // The leader's own fill, first, for Activity (journaled with what it caused).
  const after = before + (fill.side === 'buy' ? fill.qty : -fill.qty);
  rows.unshift({ time: now, groupId: group.id, accountId: leader, cause: eventKey, contract: fill.contract, kind: 'leaderFill', reason: undefined, detail: `leader ${fill.side === 'buy' ? 'bought' : 'sold'} ${fill.qty} ${parseContractCode(fill.contract).root} @ ${fill.price}; now ${after === 0 ? 'flat' : `${after > 0 ? 'long' : 'short'} ${Math.abs(after)}`}` });
  const fresh = core.journal.commitLeaderDecision({
    leaderAccount: leader,
    eventKey,
    lifecycle: { contract: fill.contract, state: plan.lifecycle },
    intents,
    decisions: rows,
  });
  if (!fresh) return;
  core.setLifecycle(leader, fill.contract, plan.lifecycle);
  core.dispatch(intents);

  // Bookkeeping after the orders are on their way. The debug line says why each copy has its size
  // (a copy's own decision row is its intent, which keeps neither the target nor what was held).
  if (core.log.enabled('debug')) for (const d of plan.decisions) if (d.kind === 'order') core.log.debug('copy', { account: d.account, cause: eventKey, leaderBefore: before, target: d.target, held: d.current, delta: d.delta });
  for (const { intent, legs } of legLinks) {
    for (const leg of legs) core.mirrors.add(leg.orderId, { account: intent.accountId, parentTag: intent.tag, leg: leg.type === 'stop' ? 'stop' : 'limit' });
  }
  for (const d of plan.decisions) {
    if (d.kind === 'awaitMirror') {
      startGrace(core, {
        accountId: d.account,
        groupId: group.id,
        leaderAccount: leader,
        leaderContract: fill.contract,
        contract: d.contract,
        leaderOrderId: d.leaderOrderId,
        cause: eventKey,
        graceMs: group.settings.mirrorGraceMs,
      });
    }
    if (d.kind === 'order' || d.kind === 'skip') {
      const contract = d.kind === 'order' ? d.contract : (plan.lifecycle?.followers[d.account]?.contract ?? lifecycle?.followers[d.account]?.contract);
      // §8: an entry the reconnect policy let go leaves the follower away from where the leader's
      // rules put it, and the screen says so until the lifecycle ends (other gates show their own flag).
      const gate = d.heldBack;
      const policyGap = (gate === 'catchUpExpired' || gate === 'skipEntries' || gate === 'budgetExpired') && d.ruleTarget !== undefined;
      if (policyGap && contract) {
        const held = d.kind === 'order' ? d.target : (d.current ?? core.current(d.account, contract));
        core.setOutOfSync(d.account, contract, held === d.ruleTarget ? undefined : entryNotCopied(gate, held, contract, d.ruleTarget));
      } else if (d.kind === 'order' || d.reason === 'atTarget') {
        // A decision that leaves the follower at its target clears a stale out-of-sync flag.
        if (contract) core.setOutOfSync(d.account, contract, undefined);
      }
      // Fail closed, and say so (§8): nothing was sent because the follower's position is not
      // known (its connection has not come up since the start). While the lifecycle goes on, the
      // reconcile that reads the account replaces this with the numbers; one that ended here
      // (the leader went flat) leaves it for the user to see and Sync.
      if (d.kind === 'skip' && d.reason === 'positionUnknown') {
        const contract = plan.lifecycle?.followers[d.account]?.contract ?? lifecycle?.followers[d.account]?.contract;
        if (contract) core.setOutOfSync(d.account, contract, `not copied, position unknown: ${connectionText(core, d.account)}; ${d.detail ?? ''}`);
      }
    }
  }
  for (const account of plan.quarantineReleased) core.emit({ t: 'quarantine', accountId: account, root: parseContractCode(fill.contract).root, on: false, reason: 'leader flat' });
  core.emitDecisions(rows);
  for (const i of intents) core.emitIntent(i);
}

/** The out-of-sync text of a follower its reconnect policy kept from an entry (§8). */
export function entryNotCopied(gate: 'catchUpExpired' | 'skipEntries' | 'budgetExpired', held: number, contract: string, ruleTarget: number): string {
  const why = gate === 'skipEntries' ? 'reconnect policy skipEntries' : gate === 'budgetExpired' ? "not sent within maxCatchUpMs: the login's request budget was spent" : 'missed while not connected, older than maxCatchUpMs';
  return `entry not copied (${why}): holds ${held} ${contract}, the leader's position calls for ${ruleTarget}`;
}

/** Why an account's position is not known: its connection's state, with the broker's reason. */
function connectionText(core: EngineCore, account: AccountId): string {
  const status = core.connectionOf(account)?.status;
  if (!status) return 'no connection';
  switch (status.state) {
    case 'reconnecting':
      return `connection reconnecting (${status.reason}; next try ${new Date(status.nextTryAt).toISOString()})`;
    case 'failed':
      return `connection failed (${status.reason})`;
    default:
      return `connection ${status.state}`;
  }
}

/** Bracket legs of a leader entry order, known from its events (stop first, then target). */
function bracketLegs(core: EngineCore, leader: AccountId, entryOrderId: string): BrokerOrder[] {
  const book = core.books.get(leader);
  if (!book) return [];
  const legs = book.openOrders().filter((o) => o.parentOrderId === entryOrderId && (o.type === 'stop' || o.type === 'limit') && o.price !== undefined);
  return legs.sort((a, b) => (a.type === 'stop' ? 0 : 1) - (b.type === 'stop' ? 0 : 1));
}

function bracketOf(legs: readonly BrokerOrder[]): NonNullable<Intent['bracket']> {
  const stop = legs.find((l) => l.type === 'stop');
  const target = legs.find((l) => l.type === 'limit');
  return {
    ...(stop?.price !== undefined ? { stopLoss: stop.price } : {}),
    ...(target?.price !== undefined ? { takeProfit: target.price } : {}),
  };
}

function decisionRow(group: Group, cause: string, d: Decision, time: number): DecisionRow {
  switch (d.kind) {
    case 'order':
      return { time, groupId: group.id, accountId: d.account, cause, contract: d.contract, kind: 'order', reason: d.limitedBy, detail: `target ${d.target}, held ${d.current}, order ${d.delta > 0 ? '+' : ''}${d.delta}` };
    case 'awaitMirror':
      return { time, groupId: group.id, accountId: d.account, cause, contract: d.contract, kind: 'awaitMirror', reason: 'mirror', detail: `target ${d.target}, held ${d.current}` };
    case 'skip':
      return { time, groupId: group.id, accountId: d.account, cause, contract: undefined, kind: 'skip', reason: d.reason, detail: d.detail ?? d.gate };
  }
}

// ---- leader working orders → mirrors -----------------------------------------------------------

/** Leader order event; `prev` is what the engine knew of that order before. */
export function onLeaderOrder(core: EngineCore, leader: AccountId, order: BrokerOrder, prev: BrokerOrder | undefined): void {
  const group = core.groupOfLeader(leader);
  if (!group || order.type === 'market') return;
  const wasOpen = prev !== undefined && isOpenOrder(prev);
  const isOpen = isOpenOrder(order);

  if (!wasOpen && isOpen && !core.mirrors.has(order.orderId)) {
    // Legs of a parent not yet filled travel with the parent's copy (one native bracket request).
    if (order.parentOrderId !== undefined) {
      const parent = core.books.get(leader)?.order(order.parentOrderId);
      if (parent && isOpenOrder(parent)) return;
    }
    if (order.status === 'suspended') return;
    // Plan on the next turn: the legs of a bracket arrive right behind their entry.
    core.later(0, () => planNewMirror(core, leader, order.orderId));
    return;
  }
  if (wasOpen && isOpen && (prev.price !== order.price || prev.qty !== order.qty)) {
    modifyMirrors(core, group, leader, order);
    return;
  }
  // A cancel whose earlier events were missed (the order unknown before it) is followed as well.
  if ((wasOpen || prev === undefined) && !isOpen && (order.status === 'cancelled' || order.status === 'rejected')) {
    cancelMirrors(core, leader, order.orderId);
  }
}

/**
 * Mirrors a leader working order on each follower with no live mirror of it (only `onlyAccount`
 * when given). A follower whose mirror under the order's tag reached the broker once gets nothing
 * more; one whose earlier mirror never did is mirrored under the next retry tag (mirrorTag).
 */
export function planNewMirror(core: EngineCore, leader: AccountId, leaderOrderId: string, onlyAccount?: AccountId): void {
  const group = core.groupOfLeader(leader);
  const order = core.books.get(leader)?.order(leaderOrderId);
  if (!group || !order || !isOpenOrder(order) || order.price === undefined) return;
  // Sized on the leader's lifecycle, which is current only once its missed fills are recovered:
  // until its reconcile is done the mirror waits, and that reconcile places it (missingMirrors).
  // Sized earlier, on a lifecycle a restart had left behind, a follower's exits came out at twice
  // their size and took it flat beside a leader still long (chaos seed 20261207, strict test).
  if (!core.reconciled(leader)) return;
  // Followers with a mirror of it still able to fill; one whose mirror ended (an OCO sibling of a
  // native leg that filled after the leader's was cancelled) is mirrored again.
  const mirrored = new Set(group.followers.map((f) => f.account).filter((a) => core.mirrors.isLive(leaderOrderId, a, core)));
  const contract = order.contract;
  const lifecycle = core.lifecycle(leader, contract);
  const leaderPosition = core.books.get(leader)?.position(contract) ?? 0;
  const remaining = (order.side === 'buy' ? 1 : -1) * (order.qty - order.filledQty);
  const legs = bracketLegs(core, leader, order.orderId);
  const now = core.clock.now();
  const cause = `order:${order.orderId}`;
  const intents: Intent[] = [];
  const rows: DecisionRow[] = [];
  for (const f of group.followers) {
    if (mirrored.has(f.account) || (onlyAccount !== undefined && f.account !== onlyAccount)) continue;
    // A leg of a bracket entry this follower's copy carried natively: its own leg is that mirror,
    // linked once its book is read (after a restart the link may not be back yet). A plain mirror
    // on top would protect twice, and be left behind when the leader's leg moves.
    if (order.parentOrderId !== undefined && hasOpenNativeLeg(core, f.account, order.parentOrderId, order)) continue;
    const view = core.followerView(group, f);
    const size = sizeMirror({
      group,
      groupActive: core.groupActive(group),
      leaderContract: contract,
      remainingSigned: remaining,
      leaderPosition,
      lifecycle,
      view,
      leaderBalance: core.books.get(leader)?.balance ?? (0 as never),
      catalog: core.catalog,
      now,
    });
    if (size.kind === 'none') {
      rows.push({ time: now, groupId: group.id, accountId: f.account, cause, contract, kind: 'skip', reason: size.reason, detail: `mirror of ${order.type} ${order.side} ${order.qty} @ ${order.price}` });
      continue;
    }
    const tag = mirrorTag(core, intentTag(cause, f.account, 'mirror'));
    if (tag === undefined) continue;
    const tagCandidate = core.newIntent({
      accountId: f.account,
      groupId: group.id,
      purpose: 'mirror',
      cause,
      contract: size.contract,
      signedQty: size.signedQty,
      type: order.type,
      price: order.price,
      priority: size.direction === 'entry' ? PRIORITY.entry : PRIORITY.protective,
      leaderOrderId: order.orderId,
      tag,
      ...(legs.length > 0 && size.direction === 'entry' ? { bracket: bracketOf(legs) } : {}),
    });
    intents.push(tagCandidate);
    rows.push({ time: now, groupId: group.id, accountId: f.account, cause, contract: size.contract, kind: 'mirror', reason: undefined, detail: `${tagCandidate.side} ${tagCandidate.qty} ${order.type} @ ${order.price}` });
  }
  if (intents.length === 0 && rows.length === 0) return;
  core.journal.commitIntents(intents, rows);
  for (const i of intents) {
    core.mirrors.add(order.orderId, { account: i.accountId, tag: i.tag });
    if (i.bracket) for (const leg of legs) core.mirrors.add(leg.orderId, { account: i.accountId, parentTag: i.tag, leg: leg.type === 'stop' ? 'stop' : 'limit' });
  }
  core.dispatch(intents);
  core.emitDecisions(rows);
  for (const i of intents) core.emitIntent(i);
}

/**
 * Whether one of this follower's bracket copies of the leader's entry still has a working leg of
 * that leader leg's kind. Only the copies' own legs count: another bracket's stop on the same side
 * is not this one's (chaos seed 913358564: a stop lost to an OCO fill was never mirrored again).
 */
function hasOpenNativeLeg(core: EngineCore, account: AccountId, leaderEntryId: string, leaderLeg: BrokerOrder): boolean {
  const copies = core.journal.bracketCopies(account, leaderEntryId);
  if (copies.length === 0) return false;
  const book = core.books.get(account);
  if (!book?.known) return true; // not read yet: assume it is there (the reconcile looks again)
  // A copy not yet acknowledged carries its legs with it.
  if (copies.some((c) => c.brokerOrderId === undefined && !isFinal(c.status))) return true;
  const entries = new Set(copies.flatMap((c) => (c.brokerOrderId !== undefined ? [c.brokerOrderId] : [])));
  return book.openOrders().some((o) => o.parentOrderId !== undefined && entries.has(o.parentOrderId) && o.type === leaderLeg.type && o.side === leaderLeg.side);
}

/**
 * The tag for a mirror of this leader order to this follower: the order's own, or — when an earlier
 * mirror under it certainly never reached the broker (abandoned: not found after a restart) — the
 * next retry tag, so a mirror planned again is not taken for the first one. Undefined when a mirror
 * under one of them exists or existed at the broker: never a second one.
 */
function mirrorTag(core: EngineCore, base: string): string | undefined {
  for (let n = 0; n <= MAX_MIRROR_RETRIES; n++) {
    const tag = n === 0 ? base : retryTag(base, n);
    const status = core.intents.get(tag)?.status ?? core.journal.intentByTag(tag)?.status;
    if (status === undefined) return tag;
    if (status !== 'abandoned') return undefined;
  }
  return undefined;
}

const MAX_MIRROR_RETRIES = 5;

/**
 * A follower removed from the group (or whose group was deleted) and kept "managed by hand": its
 * mirrors of the leader's orders are the trader's now, and the engine no longer moves, cancels or
 * restores them.
 */
function followsNow(group: Group | undefined, account: AccountId): boolean {
  return group?.followers.some((f) => f.account === account) === true;
}

/** Moves the live mirrors of a leader order (only the follower order `onlyOrderId` when given). */
export function modifyMirrors(core: EngineCore, group: Group, leader: AccountId, order: BrokerOrder, onlyOrderId?: string): void {
  const remaining = (order.side === 'buy' ? 1 : -1) * (order.qty - order.filledQty);
  const lives = core.mirrors.liveOrders(order.orderId, core);
  for (const live of lives) {
    if (onlyOrderId !== undefined && live.orderId !== onlyOrderId) continue;
    if (!followsNow(group, live.account)) continue;
    const conn = core.connectionOf(live.account);
    const followerOrder = core.books.get(live.account)?.order(live.orderId);
    if (!conn || !followerOrder) continue;
    let qty = followerOrder.qty;
    // Several follower orders mirror this one (the native legs of each copy of a partly filled
    // bracket entry): each keeps its size, together they are the follower's share; only the price moves.
    const shared = lives.filter((l) => l.account === live.account).length > 1;
    if (!shared && (order.qty !== followerOrder.qty || live.tag !== undefined)) {
      const f = group.followers.find((x) => x.account === live.account);
      if (f) {
        const size = sizeMirror({
          group,
          groupActive: true,
          leaderContract: order.contract,
          remainingSigned: remaining,
          leaderPosition: core.books.get(leader)?.position(order.contract) ?? 0,
          lifecycle: core.lifecycle(leader, order.contract),
          view: core.followerView(group, f),
          leaderBalance: core.books.get(leader)?.balance ?? (0 as never),
          catalog: core.catalog,
          now: core.clock.now(),
        });
        if (size.kind === 'mirror') qty = followerOrder.filledQty + Math.abs(size.signedQty);
      }
    }
    core.dispatcher.submit(conn.row.id, {
      kind: 'modify',
      request: { accountId: live.account, orderId: live.orderId, qty, type: followerOrder.type, ...(order.price !== undefined ? { price: order.price } : {}) },
      priority: PRIORITY.modify,
    });
    core.emit({ t: 'decision', time: core.clock.now(), groupId: group.id, accountId: live.account, cause: `order:${order.orderId}`, contract: followerOrder.contract, kind: 'modify', reason: undefined, detail: `${followerOrder.type} ${qty} @ ${order.price ?? ''}` });
  }
}

export function cancelMirrors(core: EngineCore, leader: AccountId, leaderOrderId: string): void {
  const group = core.groupOfLeader(leader);
  // Mirrors not yet handed to their connection go no further; one already on the wire has no
  // broker order id to cancel yet, and is brought in line when it gets one (alignMirror).
  const waiting = new Set(core.mirrors.links(leaderOrderId).flatMap((l) => (l.tag !== undefined ? [l.tag] : [])));
  const dropped = core.dispatcher.dropQueued((job) => job.kind === 'place' && waiting.has(job.intent.tag));
  for (const job of dropped) {
    if (job.kind !== 'place') continue;
    apply(core, job.intent, 'abandon', 'the leader order was cancelled before its mirror was sent');
    core.emit({ t: 'decision', time: core.clock.now(), groupId: group?.id, accountId: job.intent.accountId, cause: `order:${leaderOrderId}`, contract: job.intent.contract, kind: 'cancel', reason: 'leaderCancelled', detail: 'not sent' });
  }
  for (const live of core.mirrors.liveOrders(leaderOrderId, core)) {
    if (!followsNow(group, live.account)) continue;
    cancelFollowerOrder(core, live.account, live.orderId, PRIORITY.protective);
    core.emit({ t: 'decision', time: core.clock.now(), groupId: group?.id, accountId: live.account, cause: `order:${leaderOrderId}`, contract: undefined, kind: 'cancel', reason: 'leaderCancelled', detail: live.orderId });
  }
  // A mirror that filled although the leader's order never did (the price ran through it while
  // the trader cancelled; the follower's fill may be seen before the leader's cancel).
  // After a restart the leader's book may not hold the order at all: it ended while the engine was
  // down, and the follower's fill of it is known from the mirror's intent, resolved by its tag.
  const leaderOrder = core.books.get(leader)?.order(leaderOrderId);
  if (leaderOrder ? leaderOrder.filledQty > 0 : !leaderOrderEndedUntraded(core, leader, leaderOrderId)) return;
  for (const l of core.mirrors.links(leaderOrderId)) {
    if (!followsNow(group, l.account)) continue;
    const intent = l.tag !== undefined ? (core.intents.get(l.tag) ?? core.journal.intentByTag(l.tag)) : undefined;
    const id = l.orderId ?? intent?.brokerOrderId;
    const o = id !== undefined ? core.books.get(l.account)?.order(id) : undefined;
    const filled = o ?? (intent && intent.filledQty > 0 ? { contract: intent.contract, side: intent.side, filledQty: intent.filledQty, price: intent.price } : undefined);
    if (filled && filled.filledQty > 0) restoreAfterLeaderCancel(core, l.account, leaderOrderId, filled.contract, `order:${leaderOrderId}|filledBeforeCancel`, `${filled.side} ${filled.filledQty} @ ${filled.price ?? '-'}`);
  }
}

/** Asks the broker to cancel one follower order, once: an order already being cancelled is left alone. */
export function cancelFollowerOrder(core: EngineCore, account: AccountId, orderId: string, priority: Priority): void {
  const conn = core.connectionOf(account);
  const book = core.books.get(account);
  const o = book?.order(orderId);
  if (!conn || (o && !isOpenOrder(o))) return;
  const intent = core.intents.byOrder(orderId);
  if (intent) {
    if (intent.status === 'cancelling') return;
    if (intent.status === 'accepted' || intent.status === 'partial') apply(core, intent, 'cancelRequested');
  }
  core.dispatcher.submit(conn.row.id, { kind: 'cancel', accountId: account, orderId, priority });
}


/**
 * Follower orders after the decision: what the dispatcher reports, what the broker's order and
 * fill events say, and what a rejection means (§6: an entry quarantines the root, an exit is
 * retried once then the follower is out of sync). Fills drive both the position and the intent's
 * filled quantity, so C = position + in-flight never counts a contract twice.
 */
import { parseContractCode } from '../domain/contractCode';
import type { AccountId } from '../domain/group';
import type { BrokerFill, BrokerOrder, CommandOutcome, PlaceOutcome } from '../orders/broker';
import type { DispatchHooks, Job } from '../orders/dispatcher';
import { PRIORITY, type Intent } from '../orders/intent';
import { isFinal, transition, type IntentEvent } from '../orders/orderState';
import { isTagInUse, retryTag } from '../orders/tag';
import { withTrack } from '../copy/lifecycle';
import type { EngineCore } from './core';
import { settleFollowerLegs } from './leaderOrderGap';
import { alignLegs, alignMirror } from './mirrorAlign';
import { checkGraces, startGrace } from './grace';
import { compareWithTargets } from './targetCheck';
import { lookUpTag } from './lookupByTag';
import { exitReserve, onLaneWaiting } from './budgetWait';

/** What a rejection says when the broker's event carries no reason (the place response may). */
export const GENERIC_REJECTION = 'rejected by the broker';

export function dispatchHooks(core: () => EngineCore): DispatchHooks {
  return {
    // On the hot path, between the journal commit and the socket write: memory only. A crash
    // before the outcome leaves the intent journaled as planned, and the restart resolves it by tag.
    // An intent that can no longer be sent (abandoned while it waited) is not (chaos seed 157536028).
    onSending: (i) => apply(core(), i, 'send', undefined, { journal: false }),
    onQueued: (i) => {
      if (i.status === 'planned') apply(core(), i, 'queue');
    },
    onPlaceOutcome: (i, outcome) => onPlaceOutcome(core(), i, outcome),
    onCommandOutcome: (job, outcome) => onCommandOutcome(core(), job, outcome),
    onSettled: () => core().checkIdle(),
    onWritten: (i, atMs) => {
      const c = core();
      c.writtenAt.set(i.tag, atMs);
      c.probe?.orderWritten(i.cause, i.accountId, atMs);
    },
    onWaiting: (_connectionId, waiting) => {
      const c = core();
      if (!c.dead) onLaneWaiting(c, waiting);
    },
    exitReserve: (connectionId) => exitReserve(core(), connectionId),
  };
}

/** Applies a lifecycle event to an intent, journals it, tells listeners. Impossible transitions are reported, not applied. */
export function apply(core: EngineCore, i: Intent, event: IntentEvent, reason?: string, opts: { journal: boolean } = { journal: true }): boolean {
  const t = transition(i.status, event);
  if (!t.ok) {
    core.log.warn('impossible order transition', { tag: i.tag, status: i.status, event });
    return false;
  }
  if (t.next === i.status && reason === undefined) return true;
  if (core.log.enabled('debug')) core.log.debug('intent', { tag: i.tag, account: i.accountId, from: i.status, event, to: t.next, ...(reason !== undefined ? { reason } : {}) });
  i.status = t.next;
  if (reason !== undefined) i.reason = reason;
  i.updatedAt = core.clock.now();
  if (opts.journal) core.journal.updateIntent(i);
  core.emitIntent(i);
  core.intents.prune(i);
  return true;
}

function onPlaceOutcome(core: EngineCore, i: Intent, outcome: PlaceOutcome): void {
  if (core.dead) return;
  if (outcome.ok) {
    if (i.brokerOrderId === undefined) core.intents.link(i, outcome.orderId);
    if (i.status === 'sending' || i.status === 'unknown') apply(core, i, 'accepted');
    else core.journal.updateIntent(i);
    if (i.bracket && outcome.legOrderIds) {
      const legs = outcome.legOrderIds;
      const kinds: ('stop' | 'limit')[] = [];
      if (i.bracket.stopLoss !== undefined) kinds.push('stop');
      if (i.bracket.takeProfit !== undefined) kinds.push('limit');
      kinds.forEach((k, n) => {
        const id = legs[n];
        if (id !== undefined) linkLeg(core, i.accountId, i.tag, k, id);
      });
    }
    const received = core.receivedAt.get(i.cause);
    const written = core.writtenAt.get(i.tag);
    core.writtenAt.delete(i.tag);
    if (received !== undefined) {
      core.emit({ t: 'copyLatency', accountId: i.accountId, sentMs: written !== undefined ? written - received : undefined, ackMs: performance.now() - received });
    }
    alignMirror(core, i);
    checkGraces(core, i.accountId);
    return;
  }
  switch (outcome.class) {
    case 'permanent':
      // The broker already has an order under this tag: ours reached it before (a power cut can
      // take the commit that said so, while the order stands). Looked up, never taken as refused.
      if (isTagInUse(outcome.reason) && (i.status === 'sending' || i.status === 'unknown')) {
        if (i.status === 'sending') apply(core, i, 'outcomeUnknown', outcome.reason);
        void core.track(resolveUnknown(core, i));
        return;
      }
      onRejected(core, i, outcome.reason);
      return;
    case 'transient': {
      apply(core, i, 'notSent', outcome.reason);
      const wait = Math.max(0, (outcome.retryAt ?? core.clock.now()) - core.clock.now());
      core.later(wait, () => redispatch(core, i));
      return;
    }
    case 'unknown':
      apply(core, i, 'outcomeUnknown', outcome.reason);
      void core.track(resolveUnknown(core, i));
      return;
  }
}

/** An outcome we could not see: ask the broker by tag before anything else is sent for it. */
async function resolveUnknown(core: EngineCore, i: Intent): Promise<void> {
  const conn = core.connectionOf(i.accountId);
  if (!conn) return;
  const info = core.requireAccount(i.accountId);
  for (let attempt = 0; attempt < 20 && !core.dead; attempt++) {
    try {
      const found = await lookUpTag(conn.connection, info.brokerAccountId, i.tag, (ms) => core.pause(ms));
      if (core.stopped() || i.status !== 'unknown') return;
      if (found) {
        if (i.brokerOrderId === undefined) core.intents.link(i, found.orderId);
        apply(core, i, 'found');
        onFollowerOrder(core, i.accountId, found);
      } else {
        apply(core, i, 'notSent', 'not found at the broker; sending again under the same tag');
        redispatch(core, i);
      }
      return;
    } catch {
      // The connection is down: wait for it (the reconcile after reconnect also resolves this).
      await new Promise<void>((resolve) => core.later(250, resolve));
    }
  }
}

function redispatch(core: EngineCore, i: Intent): void {
  if (isFinal(i.status)) return;
  const conn = core.connectionOf(i.accountId);
  if (conn) core.dispatcher.submit(conn.row.id, { kind: 'place', intent: i });
}

function onCommandOutcome(core: EngineCore, job: Job & { kind: 'modify' | 'cancel' }, outcome: CommandOutcome): void {
  if (core.dead || outcome.ok) return;
  const account = job.kind === 'modify' ? job.request.accountId : job.accountId;
  const orderId = job.kind === 'modify' ? job.request.orderId : job.orderId;
  core.log.warn(`${job.kind} refused by the broker`, { account, orderId, reason: outcome.reason });
  core.emit({ t: 'decision', time: core.clock.now(), groupId: core.groupOfAccount(account)?.id, accountId: account, cause: `${job.kind}:${orderId}`, contract: undefined, kind: `${job.kind}Failed`, reason: outcome.reason, detail: undefined });
  if (outcome.class === 'transient') {
    core.later(Math.max(0, (outcome.retryAt ?? core.clock.now()) - core.clock.now()), () => {
      const conn = core.connectionOf(account);
      if (conn) core.dispatcher.submit(conn.row.id, job);
    });
  } else if (job.kind === 'cancel') {
    resolveCancel(core, job, outcome.class === 'permanent' ? 'refused' : 'lost');
  }
}

/** Asks for a cancel again: the first request was lost (a socket dropped under it). */
export function cancelAgain(core: EngineCore, accountId: AccountId, orderId: string): void {
  const conn = core.connectionOf(accountId);
  if (conn) core.dispatcher.submit(conn.row.id, { kind: 'cancel', accountId, orderId, priority: PRIORITY.protective });
}

/**
 * A cancel refused for good (the order is unknown to the broker, or already final there), or one
 * whose outcome is unknown, would leave our intent `cancelling` forever: ask the broker what became
 * of the order. Still working: a refused cancel leaves it standing, a lost one is asked again.
 */
function resolveCancel(core: EngineCore, job: Job & { kind: 'cancel' }, why: 'refused' | 'lost'): void {
  const { accountId: account, orderId } = job;
  const intent = core.intents.byOrder(orderId);
  const conn = core.connectionOf(account);
  if (!intent || intent.status !== 'cancelling' || !conn) return;
  const brokerAccountId = core.requireAccount(account).brokerAccountId;
  void core.track(
    conn.connection.findOrderByTag(brokerAccountId, intent.tag).then(
      (order) => {
        if (core.dead || intent.status !== 'cancelling') return;
        if (!order || order.status === 'cancelled' || order.status === 'rejected') {
          apply(core, intent, 'cancelled', order ? undefined : 'not found at the broker');
        } else if (order.status === 'filled') {
          intent.filledQty = Math.min(intent.qty, order.filledQty);
          apply(core, intent, 'filled');
        } else if (why === 'lost') {
          cancelAgain(core, account, orderId);
        } else {
          apply(core, intent, 'accepted', 'the broker refused the cancel; the order stands');
        }
      },
      (err: unknown) => core.log.warn('could not look up an order whose cancel was refused', { account, orderId, error: err instanceof Error ? err.message : String(err) }),
    ),
  );
}

/** A follower's order event: link it to its intent, learn bracket legs, notice rejections. */
export function onFollowerOrder(core: EngineCore, account: AccountId, order: BrokerOrder): void {
  const intent = (order.tag !== undefined ? core.intents.get(order.tag) : undefined) ?? core.intents.byOrder(order.orderId);
  if (intent && order.status === 'rejected' && ((intent.brokerOrderId !== undefined && intent.brokerOrderId !== order.orderId) || isTagInUse(order.rejectReason))) {
    // Another order carrying our tag, refused as a duplicate: ours is the one the broker already has.
    core.log.info('a duplicate of our order was refused by the broker', { account, tag: intent.tag, orderId: order.orderId, reason: order.rejectReason });
    return;
  }
  if (intent) {
    if (intent.brokerOrderId === undefined) core.intents.link(intent, order.orderId);
    switch (order.status) {
      case 'rejected':
        if (!isFinal(intent.status)) onRejected(core, intent, order.rejectReason ?? GENERIC_REJECTION);
        break;
      case 'cancelled':
        if (!isFinal(intent.status) && intent.filledQty >= order.filledQty) apply(core, intent, 'cancelled');
        break;
      case 'pending':
      case 'suspended':
      case 'working':
        if (intent.status === 'sending' || intent.status === 'unknown') apply(core, intent, 'accepted');
        break;
      case 'filled':
        // Fills move the intent (and the position) together; the order's own status is only a hint.
        break;
    }
    alignMirror(core, intent);
  } else if (order.parentOrderId !== undefined) {
    const parent = core.intents.byOrder(order.parentOrderId);
    if (parent && (order.type === 'stop' || order.type === 'limit')) linkLeg(core, account, parent.tag, order.type, order.orderId);
  }
  checkGraces(core, account);
}

/**
 * A follower's native bracket leg became known: tied to the leader leg it mirrors and brought in
 * line with it. When no link waits for it (the engine restarted between the entry's copy and its
 * answer, or sent the copy again after the restart), it is tied again from the books the way a
 * reconcile does — or cancelled if the leader's leg has ended (chaos seed 611310748: a take-profit
 * leg left working after the leader's was gone).
 */
function linkLeg(core: EngineCore, account: AccountId, parentTag: string, kind: 'stop' | 'limit', orderId: string): void {
  const resolved = core.mirrors.resolveLeg(parentTag, kind, orderId);
  if (resolved.length > 0) {
    alignLegs(core, account, resolved, orderId);
    return;
  }
  if (!core.mirrors.isMirrorOrder(account, orderId)) settleFollowerLegs(core, account);
}

/** A follower fill: counts toward its intent in the same step as the position (the book already applied it). */
export function onFollowerFill(core: EngineCore, account: AccountId, fill: BrokerFill): void {
  const book = core.books.get(account);
  const bookOrder = book?.order(fill.orderId);
  let intent = core.intents.byOrder(fill.orderId) ?? (bookOrder?.tag !== undefined ? core.intents.get(bookOrder.tag) : undefined);
  // The fill overtook the place response and the order event: it belongs to our in-flight order on
  // that side — unless it is the fill of a bracket leg we know by id (its own events may come later;
  // taken for the in-flight order it left that order 'partial' for ever, chaos seed 387236555).
  if (!intent && !bookOrder && !core.mirrors.isMirrorOrder(account, fill.orderId)) intent = core.intents.unlinkedFor(account, fill.contract, fill.side);
  if (intent) {
    if (intent.brokerOrderId === undefined) core.intents.link(intent, fill.orderId);
    intent.filledQty = Math.min(intent.qty, intent.filledQty + fill.qty);
    apply(core, intent, intent.filledQty >= intent.qty ? 'filled' : 'partialFill');
    core.journal.updateIntent(intent);
  }
  core.emit({ t: 'position', accountId: account, contract: fill.contract, netPos: book?.position(fill.contract) ?? 0 });
  afterLeaderCancel(core, account, fill, intent);
  checkGraces(core, account);
  // A gap closed (a grace's market order done): a flag a reconcile raised meanwhile is looked at again.
  if (intent?.purpose === 'gap' && intent.status === 'filled' && !core.hasGrace(account, fill.contract)) compareWithTargets(core, account);
}

/**
 * A mirror that filled after the trader cancelled the leader's order (the price ran through it
 * inside the cancel's round trip): the leader did not trade, so the follower is brought back to its
 * target at once, as a grace that expired would, and what it lost of its protection is mirrored
 * again (chaos seeds 1169571494, 913358564: left short, its OCO stop gone, nothing on screen).
 */
function afterLeaderCancel(core: EngineCore, account: AccountId, fill: BrokerFill, intent: Intent | undefined): void {
  // Off the usual path (the fill's order not linked to an open intent): the journal tells by tag.
  const tag = intent ? undefined : core.books.get(account)?.order(fill.orderId)?.tag;
  const mirror = intent ?? (tag !== undefined ? core.journal.intentByTag(tag) : undefined);
  // A copy's fill (every leader fill's) stops here; only an order without an intent (a native
  // bracket leg) is looked for in the mirror book.
  const leaderOrderId = mirror ? (mirror.purpose === 'mirror' ? mirror.leaderOrderId : undefined) : core.mirrors.leaderOrderOf(account, fill.orderId);
  const group = core.groupOfFollower(account);
  const leader = group?.leader;
  if (leaderOrderId === undefined || !group || leader === undefined) return;
  if (!leaderOrderCancelled(core, leader, leaderOrderId)) return;
  restoreAfterLeaderCancel(core, account, leaderOrderId, fill.contract, `fill:${fill.fillId}|afterLeaderCancel`, `${fill.side} ${fill.qty} @ ${fill.price}`);
}

/**
 * Whether the leader's book holds that order as cancelled or rejected. An order the book does not
 * hold at all is not taken as cancelled here: a live fill can overtake the leader's own events
 * (chaos seed 889701211: a mirror filled a moment after a restart, the leader's order too, and
 * was undone as if the leader had cancelled). Only the leader's snapshot can tell that an order
 * ended untraded while the engine could not see (settleLeaderOrders → cancelMirrors).
 */
function leaderOrderCancelled(core: EngineCore, leader: AccountId, leaderOrderId: string): boolean {
  const order = core.books.get(leader)?.order(leaderOrderId);
  return order?.status === 'cancelled' || order?.status === 'rejected';
}

/**
 * Whether a leader order a follower mirrors ended without the leader trading it: cancelled or
 * rejected in the leader's book or, once that book has been read from the broker, not in it and
 * without a fill there — it ended while the engine could not see (killed between the trader's
 * cancel and its own cancel of the mirror: chaos seed 1824732131, the mirror filled while the
 * engine was down and the follower was left 4 short, not shown). The broker's snapshot lists the
 * session's fills, the same horizon the recovery of missed leader fills relies on.
 */
export function leaderOrderEndedUntraded(core: EngineCore, leader: AccountId, leaderOrderId: string): boolean {
  const book = core.books.get(leader);
  if (book?.order(leaderOrderId)) return leaderOrderCancelled(core, leader, leaderOrderId);
  return book?.known === true && !book.hasFillOf(leaderOrderId);
}

/** A mirror found filled by the reconcile (the fill itself never seen): the same as a live fill of it. */
export function mirrorFoundFilled(core: EngineCore, intent: Intent): void {
  if (intent.purpose !== 'mirror' || intent.leaderOrderId === undefined || intent.filledQty === 0) return;
  const leader = core.groupOfFollower(intent.accountId)?.leader;
  if (leader === undefined || !leaderOrderCancelled(core, leader, intent.leaderOrderId)) return;
  restoreAfterLeaderCancel(core, intent.accountId, intent.leaderOrderId, intent.contract, `${intent.tag}|afterLeaderCancel`, `${intent.side} ${intent.filledQty} @ ${intent.price ?? '-'}`);
}

/** Brings a follower whose mirror filled on a leader order that was cancelled back to its target, and mirrors again what it lost. */
export function restoreAfterLeaderCancel(core: EngineCore, account: AccountId, leaderOrderId: string, contract: BrokerFill['contract'], cause: string, detail: string): void {
  const group = core.groupOfFollower(account);
  const leader = group?.leader;
  if (!group || leader === undefined) return;
  // The leader's contract names the lifecycle whose target the follower goes back to; an order the
  // leader's book no longer holds is found by the follower's tracked contract.
  const leaderContract = core.books.get(leader)?.order(leaderOrderId)?.contract ?? core.trackedBy(account).find((x) => x.track.contract === contract)?.lifecycle.contract;
  if (leaderContract === undefined) return;
  core.emit({ t: 'decision', time: core.clock.now(), groupId: group.id, accountId: account, cause: `order:${leaderOrderId}`, contract, kind: 'gap', reason: 'mirrorFilledAfterLeaderCancel', detail });
  startGrace(core, { accountId: account, groupId: group.id, leaderAccount: leader, leaderContract, contract, leaderOrderId, cause, graceMs: 0, remirror: true });
}

/** §6: a rejected entry quarantines the root; a rejected exit is retried once, then out of sync. */
export function onRejected(core: EngineCore, i: Intent, reason: string): void {
  if (i.status === 'rejected') {
    // The same rejection reported again (wire brokers answer the place request and send the
    // order's event; either may come first): acted on once. Keep the broker's own words.
    if (reason !== i.reason && reason !== GENERIC_REJECTION) apply(core, i, 'rejected', reason);
    return;
  }
  // Decide entry vs exit against what the account holds without this order.
  const held = core.current(i.accountId, i.contract) - (isFinal(i.status) ? 0 : (i.side === 'buy' ? 1 : -1) * (i.qty - i.filledQty));
  if (!apply(core, i, 'rejected', reason)) return;
  const signed = i.side === 'buy' ? 1 : -1;
  const opensOrGrows = held === 0 || Math.sign(held) === signed;
  const group = i.groupId !== undefined ? core.groups.get(i.groupId) : undefined;

  if (opensOrGrows && i.purpose !== 'flatten') {
    const quarantine = group?.settings.quarantine ?? true;
    if (quarantine && group?.leader !== undefined) setQuarantine(core, group.leader, i.accountId, i.contract, reason);
    core.emit({ t: 'rejection', accountId: i.accountId, tag: i.tag, contract: i.contract, reason, action: quarantine ? 'quarantine' : 'none' });
    return;
  }
  if (i.purpose === 'retry' || i.purpose === 'mirror' || i.purpose === 'flatten') {
    core.setOutOfSync(i.accountId, i.contract, `${i.purpose === 'mirror' ? 'protective order' : 'exit'} ${i.side} ${i.qty} rejected: ${reason}`);
    core.emit({ t: 'rejection', accountId: i.accountId, tag: i.tag, contract: i.contract, reason, action: 'outOfSync' });
    return;
  }
  const retry = core.newIntent({
    accountId: i.accountId,
    groupId: i.groupId,
    purpose: 'retry',
    cause: i.cause,
    contract: i.contract,
    signedQty: signed * (i.qty - i.filledQty),
    priority: PRIORITY.exit,
    tag: retryTag(i.tag, 1),
  });
  core.journal.commitIntents([retry], [{ time: core.clock.now(), groupId: i.groupId, accountId: i.accountId, cause: i.cause, contract: i.contract, kind: 'retry', reason, detail: `exit rejected; retrying once as ${retry.tag}` }]);
  core.emit({ t: 'rejection', accountId: i.accountId, tag: i.tag, contract: i.contract, reason, action: 'retry' });
  core.dispatch([retry]);
}

/** Quarantines the follower in the leader's lifecycle that trades this contract. */
function setQuarantine(core: EngineCore, leader: AccountId, account: AccountId, contract: BrokerOrder['contract'], reason: string): void {
  for (const lc of core.lifecyclesOf(leader)) {
    const t = lc.followers[account];
    if (!t || t.contract !== contract || t.entryBlock === 'quarantine') continue;
    const next = withTrack(lc, { ...t, entryBlock: 'quarantine' });
    core.setLifecycle(leader, lc.contract, next);
    core.journal.saveLifecycle(leader, lc.contract, next);
    core.emit({ t: 'quarantine', accountId: account, root: lc.root, on: true, reason });
    return;
  }
  // No open lifecycle (the leader is already flat): nothing left to hold back.
  core.emit({ t: 'quarantine', accountId: account, root: parseContractCode(contract).root, on: false, reason: 'leader already flat' });
}

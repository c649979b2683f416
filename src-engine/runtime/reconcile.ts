/**
 * After every (re)connect, before anything is sent on that connection (§8): the books are re-based
 * on the broker's snapshot, every open intent is resolved by its tag, leader fills missed during the
 * gap are recovered (exits always; entries per the follower's reconnect policy), and each tracked
 * follower's position is compared with its target; a difference it cannot explain is shown as out
 * of sync, never fixed by a guessed order.
 */
import type { ContractCode } from '../domain/contractCode';
import type { AccountId } from '../domain/group';
import type { AccountSnapshot, BrokerFill, BrokerOrder } from '../orders/broker';
import { isFinal } from '../orders/orderState';
import type { Intent } from '../orders/intent';
import { isOpenOrder } from './accountBook';
import { onLeaderFill } from './copier';
import type { ConnectionRuntime, EngineCore } from './core';
import { whenFollowerBooksKnown } from './followerBooks';
import { catchUpExits, settleFollowerGap } from './followerGap';
import { settleFollowerLegs, settleLeaderOrders } from './leaderOrderGap';
import { lookUpTag } from './lookupByTag';
import { compareWithTargets } from './targetCheck';
import { apply, cancelAgain, GENERIC_REJECTION, mirrorFoundFilled, onFollowerOrder, onRejected } from './orderFlow';

/** Allowance for broker timestamps that run behind our clock. */
const WATERMARK_SLACK_MS = 2_000;

export async function reconcileConnection(core: EngineCore, conn: ConnectionRuntime, generation: number): Promise<void> {
  const snapshots = new Map<AccountId, AccountSnapshot>();
  const startedAt = core.clock.now();
  // Asked all at once: a login's accounts share what a snapshot waits for (the broker's round trip
  // on Tradovate, which twenty accounts asked one by one would spend twenty times over).
  const accounts = [...conn.accounts];
  const taken = await Promise.all(accounts.map(([brokerAccountId]) => conn.connection.snapshot(brokerAccountId)));
  // Read through a function: the engine can stop, or the connection drop, across any await.
  const stale = (): boolean => core.dead || conn.generation !== generation;
  if (stale()) return;
  accounts.forEach(([, account], i) => {
    const snap = taken[i];
    if (snap) snapshots.set(account, snap);
  });

  const openBefore = new Map<AccountId, BrokerOrder[]>();
  for (const [account, snap] of snapshots) {
    const book = core.books.get(account);
    if (!book) continue;
    openBefore.set(account, book.openOrders());
    book.reset(snap);
    book.live = true;
    core.risk.rebase(account, {
      balance: snap.balance,
      positions: snap.positions.map((p) => ({ contract: p.contract, netPos: p.netPos, ...(p.avgPrice !== undefined ? { avgPrice: p.avgPrice } : {}) })),
      fills: snap.fills.map((f) => ({ fillId: f.fillId, contract: f.contract, side: f.side, qty: f.qty, price: f.price, time: f.time, fees: f.fees })),
    });
    core.risk.setConnected(account, true);
    const contracts = new Set<ContractCode>([...snap.positions.map((p) => p.contract), ...snap.openOrders.map((o) => o.contract)]);
    if (contracts.size > 0) conn.connection.subscribeQuotes([...contracts]);
  }
  core.booksChanged();

  await resolveIntents(core, conn, generation);
  if (stale()) return;
  for (const account of snapshots.keys()) {
    const book = core.books.get(account);
    if (book) book.intentsResolved = true;
  }
  core.booksChanged();
  settleFollowerGap(core, conn);
  catchUpExits(core, conn);

  const leaders = [...snapshots.keys()].filter((a) => core.groupOfLeader(a) !== undefined);
  if (leaders.length > 0) {
    await whenFollowerBooksKnown(core, leaders);
    if (core.stopped() || conn.generation !== generation) return;
  }
  for (const leader of leaders) {
    const snap = snapshots.get(leader);
    if (!snap) continue;
    recoverLeaderFills(core, leader, snap, startedAt);
    settleLeaderOrders(core, leader, openBefore.get(leader) ?? [], snap);
  }
  // Followers whose leader is on another connection: their legs against the leader's book as it is.
  for (const account of snapshots.keys()) {
    const leader = core.groupOfFollower(account)?.leader;
    if (leader !== undefined && !leaders.includes(leader)) settleFollowerLegs(core, account);
  }
  for (const account of snapshots.keys()) compareWithTargets(core, account);
}

/** Every open intent of this connection's accounts: what became of it at the broker? */
async function resolveIntents(core: EngineCore, conn: ConnectionRuntime, generation: number): Promise<void> {
  const accounts = new Set(conn.accounts.values());
  const open = core.intents.open().filter((i) => accounts.has(i.accountId) && i.status !== 'planned' && i.status !== 'queued');
  const asked = open.map((i) => i.status);
  // Looked up side by side: each "not found" is asked again over about a second (lookupByTag).
  const found = await Promise.all(
    open.map((intent) => {
      const known = intent.brokerOrderId !== undefined ? core.books.get(intent.accountId)?.order(intent.brokerOrderId) : undefined;
      if (known && isOpenOrder(known)) return Promise.resolve(known);
      return lookUpTag(conn.connection, core.requireAccount(intent.accountId).brokerAccountId, intent.tag, (ms) => core.pause(ms));
    }),
  );
  if (core.dead || conn.generation !== generation) return;
  // One that moved on while the broker was asked (its own outcome lookup settled it, a fill came)
  // is no longer what the answer was about (chaos seed 157536028: re-queued by that lookup, then
  // abandoned here as 'queued', its mirror planned again on top of the first one's resend).
  open.forEach((intent, n) => {
    if (intent.status === asked[n]) settle(core, intent, found[n] ?? null);
  });
}

function settle(core: EngineCore, intent: Intent, order: BrokerOrder | null): void {
  if (!order) {
    if (intent.purpose === 'mirror' && (intent.status === 'sending' || intent.status === 'unknown')) {
      // Never reached the broker. Not sent again as it stands: its leader order may have filled,
      // moved or gone meanwhile (chaos seed 1139861774: a mirror of a leader limit that had filled
      // was sent after the restart and filled on top of the fill's own copy). It is planned again
      // from the leader's order as it is, once both books are read (missingMirrors).
      if (intent.status === 'sending') apply(core, intent, 'outcomeUnknown');
      apply(core, intent, 'notFound', 'not found at the broker after reconnect; mirrored again from the leader order if it still works');
      return;
    }
    if (intent.status === 'sending' || intent.status === 'unknown') {
      // It never reached the broker: send it again under the same tag when the lane opens.
      if (intent.status === 'sending') apply(core, intent, 'outcomeUnknown');
      apply(core, intent, 'notSent', 'not found at the broker after reconnect; sending again');
      const conn = core.connectionOf(intent.accountId);
      if (conn) core.dispatcher.submit(conn.row.id, { kind: 'place', intent });
    } else {
      // The broker had it once and has it no more (a working order gone from its books): it no longer stands.
      apply(core, intent, 'cancelled', 'not found at the broker after reconnect');
    }
    return;
  }
  if (intent.brokerOrderId === undefined) core.intents.link(intent, order.orderId);
  if (intent.status === 'sending' || intent.status === 'unknown') apply(core, intent, intent.status === 'unknown' ? 'found' : 'accepted');
  // The snapshot's positions already include these fills; bring the intent level with the order.
  if (order.filledQty > intent.filledQty) {
    intent.filledQty = Math.min(intent.qty, order.filledQty);
    apply(core, intent, intent.filledQty >= intent.qty ? 'filled' : 'partialFill');
    core.journal.updateIntent(intent);
    mirrorFoundFilled(core, intent);
  }
  if (isFinal(intent.status)) return;
  if (order.status === 'rejected') onRejected(core, intent, order.rejectReason ?? GENERIC_REJECTION);
  else if (order.status === 'cancelled' || order.status === 'filled') apply(core, intent, order.status === 'filled' ? 'filled' : 'cancelled');
  else {
    // A cancel asked before the gap that the broker never carried out: ask again.
    if (intent.status === 'cancelling' && isOpenOrder(order)) cancelAgain(core, intent.accountId, order.orderId);
    onFollowerOrder(core, intent.accountId, order);
  }
}

/**
 * Leader fills at the broker that the engine never processed, oldest first, each with the leader's
 * position just before it (the snapshot's position minus the missed fills that came after).
 */
function recoverLeaderFills(core: EngineCore, leader: AccountId, snap: AccountSnapshot, startedAt: number): void {
  const watermark = core.config.watermark(leader);
  core.config.setWatermark(leader, startedAt);
  // First time this engine sees the account as a leader: its past is not ours to copy.
  if (watermark === undefined) return;
  const missed = snap.fills
    .filter((f) => f.time >= watermark - WATERMARK_SLACK_MS && !core.journal.leaderEventSeen(leader, `fill:${f.fillId}`))
    .sort((a, b) => a.time - b.time || compareIds(a.fillId, b.fillId));
  if (missed.length === 0) return;
  const positionAfter = new Map<ContractCode, number>();
  for (const p of snap.positions) positionAfter.set(p.contract, p.netPos);
  const before = new Map<ContractCode, number>();
  for (const [contract, pos] of positionAfter) before.set(contract, pos);
  for (const f of missed) before.set(f.contract, (before.get(f.contract) ?? 0) - signed(f));
  for (const f of missed) {
    const p0 = before.get(f.contract) ?? 0;
    before.set(f.contract, p0 + signed(f));
    core.log.info('recovering a leader fill missed during a gap', { leader, fillId: f.fillId, ageMs: core.clock.now() - f.time });
    onLeaderFill(core, leader, f, p0, { ageMs: Math.max(0, core.clock.now() - f.time) });
  }
}

function signed(f: BrokerFill): number {
  return f.side === 'buy' ? f.qty : -f.qty;
}

function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * §5: when a leader fill comes from an order the follower mirrors, the follower's mirror should
 * fill at its own broker. The engine waits `mirrorGraceMs`; if the follower is then not at its
 * target, it cancels the mirror's rest and sends a market order for the gap. A grace ends early
 * the moment the follower reaches its target.
 */
import type { ContractCode } from '../domain/contractCode';
import type { AccountId, GroupId } from '../domain/group';
import { PRIORITY } from '../orders/intent';
import { isOpenOrder } from './accountBook';
import type { EngineCore, Grace } from './core';
import { mirrorMissing } from './missingMirrors';
import { compareWithTargets } from './targetCheck';

export function startGrace(
  core: EngineCore,
  spec: {
    accountId: AccountId;
    groupId: GroupId;
    leaderAccount: AccountId;
    leaderContract: ContractCode;
    contract: ContractCode;
    leaderOrderId: string;
    cause: string;
    graceMs: number;
    /** Once the gap is closed, mirror again the leader's orders the follower lost its mirror of (an OCO sibling gone with the fill). */
    remirror?: boolean;
  },
): void {
  const key = `${spec.accountId}|${spec.leaderOrderId}`;
  const existing = core.graces.get(key);
  if (existing?.timer) clearTimeout(existing.timer);
  const grace: Grace = { key, accountId: spec.accountId, leaderAccount: spec.leaderAccount, leaderContract: spec.leaderContract, contract: spec.contract, leaderOrderId: spec.leaderOrderId, cause: spec.cause, timer: undefined };
  grace.timer = setTimeout(() => {
    grace.timer = undefined;
    if (core.dead || core.graces.get(key) !== grace) return;
    core.graces.delete(key);
    void core.track(closeGap(core, grace, spec.groupId).then(() => {
      if (spec.remirror === true && !core.dead) mirrorMissing(core, spec.accountId);
    }));
  }, spec.graceMs);
  core.graces.set(key, grace);
  checkGraces(core, spec.accountId);
}

/**
 * Ends every grace of this account whose mirror is done and whose follower is at target. A mirror
 * still working may fill on top of a follower already at target (two stacked take-profits sized
 * alone at ratio 0.5 take it from 2 to 0 while the target is 1): the grace waits for it.
 */
export function checkGraces(core: EngineCore, account: AccountId): void {
  if (core.graces.size === 0) return;
  for (const g of [...core.graces.values()]) {
    if (g.accountId !== account) continue;
    if (!core.mirrors.isLive(g.leaderOrderId, account, core) && core.current(account, g.contract) === core.graceTarget(g)) {
      if (g.timer) clearTimeout(g.timer);
      core.graces.delete(g.key);
      core.activity++;
      // Back at its target: a flag a reconcile raised while the correction was still to come goes.
      if (!core.hasGrace(account, g.contract)) compareWithTargets(core, account);
    }
  }
  core.checkIdle();
}

/** Whether the leader's order still has quantity to fill (a partial fill): the mirror's rest then matches it. */
function leaderOrderWorking(core: EngineCore, g: Grace): boolean {
  const o = core.books.get(g.leaderAccount)?.order(g.leaderOrderId);
  return o !== undefined && isOpenOrder(o);
}

async function closeGap(core: EngineCore, g: Grace, groupId: GroupId): Promise<void> {
  // At target while the leader's order is still working: the mirror's rest stays, as the
  // follower's side of the leader's rest.
  if (leaderOrderWorking(core, g) && core.current(g.accountId, g.contract) === core.graceTarget(g)) return;
  // Cancel what is left of the mirror first, so it cannot fill on top of the market order.
  const conn = core.connectionOf(g.accountId);
  if (!conn) return;
  const info = core.requireAccount(g.accountId);
  for (const live of core.mirrors.liveOrders(g.leaderOrderId, core)) {
    if (live.account !== g.accountId) continue;
    const outcome = await conn.connection.cancel(info.brokerAccountId, live.orderId).catch((err: unknown) => ({ ok: false as const, class: 'unknown' as const, reason: String(err) }));
    if (!outcome.ok) core.log.warn('could not cancel the rest of a mirror after its grace', { account: g.accountId, orderId: live.orderId, reason: outcome.reason });
  }
  // Let the cancel's (or a last fill's) events land before measuring the gap.
  await conn.connection.barrier().catch(() => undefined);
  if (core.dead) return;
  const target = core.graceTarget(g);
  const current = core.current(g.accountId, g.contract);
  const gap = target - current;
  if (gap === 0) return;
  const intent = core.newIntent({
    accountId: g.accountId,
    groupId,
    purpose: 'gap',
    cause: `${g.cause}|grace`,
    contract: g.contract,
    signedQty: gap,
    priority: Math.abs(target) < Math.abs(current) ? PRIORITY.exit : PRIORITY.entry,
    leaderOrderId: g.leaderOrderId,
  });
  core.journal.commitIntents([intent], [
    { time: core.clock.now(), groupId, accountId: g.accountId, cause: g.cause, contract: g.contract, kind: 'gap', reason: 'mirrorGraceExpired', detail: `target ${target}, held ${current}` },
  ]);
  core.dispatch([intent]);
}

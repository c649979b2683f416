/**
 * §8: each tracked follower's position against its target, after every reconcile and whenever a
 * correction has brought it back; a difference is shown as out of sync with the numbers.
 */
import type { AccountId } from '../domain/group';
import type { EngineCore } from './core';

/** §8: a tracked follower away from its target is shown out of sync with the numbers. */
export function compareWithTargets(core: EngineCore, account: AccountId): void {
  for (const { track: t } of core.trackedBy(account)) {
    const held = core.current(account, t.contract);
    // A follower its reconnect policy kept from an entry is at its (held back) target and still
    // away from the leader's: the decision that held it back owns that flag until the lifecycle ends.
    const heldBack = t.entryBlock === 'catchUpExpired' || t.entryBlock === 'skipEntries' || t.entryBlock === 'budgetExpired';
    if (held === t.lastTarget && heldBack) continue;
    // A mirror grace under way takes it to its target (a mirror that filled on a leader order the
    // trader cancelled is being undone): the grace's own order says what happens.
    if (held !== t.lastTarget && core.hasGrace(account, t.contract)) continue;
    core.setOutOfSync(account, t.contract, held === t.lastTarget ? undefined : `holds ${held} ${t.contract}, target ${t.lastTarget}`);
  }
}

/**
 * The trader's own actions in Activity (app.md: "the user's own actions"): saves, toggles, pause
 * and resume, cancel orders, flatten, sync, unlock — who, what and when, journaled with the
 * decisions so they are in the history and the CSV, not only in the live feed. Recorded by the
 * API host once the action was accepted (a refused command changed nothing and is not recorded).
 */
import type { AccountId, Follower, Group } from '../domain/group';
import { effectiveMode, effectiveRatio, followerRatio } from '../domain/group';
import type { EngineCore } from './core';

let seq = 0;

export interface UserAction {
  /** Short machine name of the action (pause, save, sync…), kept in the row's reason. */
  readonly action: string;
  readonly text: string;
  readonly groupId?: string | undefined;
  readonly accountId?: AccountId | undefined;
}

export function recordUserAction(core: EngineCore, a: UserAction): void {
  seq++;
  const time = core.clock.now();
  core.sendIntents(
    [],
    [{ time, groupId: a.groupId, accountId: a.accountId ?? '', cause: `user:${a.action}:${time}:${seq}`, contract: undefined, kind: 'user', reason: a.action, detail: `You ${a.text}` }],
  );
}

/** "saved group Demo: ratio of DEMO-FUNDED-1 1 → 3; removed PAPER-25K" — what the save changed, in names. */
export function describeSave(core: EngineCore, before: Group | undefined, after: Group): string {
  const name = (a: AccountId | undefined): string => (a === undefined ? 'none' : (core.accounts.get(a)?.name ?? a));
  if (!before) return `created group ${after.name}`;
  const parts: string[] = [];
  if (before.name !== after.name) parts.push(`renamed from ${before.name}`);
  if (before.leader !== after.leader) parts.push(`leader ${name(before.leader)} → ${name(after.leader)}`);
  const old = new Map(before.followers.map((f) => [f.account, f]));
  const now = new Map(after.followers.map((f) => [f.account, f]));
  const added = after.followers.filter((f) => !old.has(f.account)).map((f) => name(f.account));
  const removed = before.followers.filter((f) => !now.has(f.account)).map((f) => name(f.account));
  if (added.length) parts.push(`added ${added.join(', ')}`);
  if (removed.length) parts.push(`removed ${removed.join(', ')}`);
  for (const f of after.followers) {
    const was = old.get(f.account);
    if (was) parts.push(...followerChanges(before, was, after, f).map((c) => `${c} of ${name(f.account)}`));
  }
  if (before.settings.ratio.cmp(after.settings.ratio) !== 0) {
    parts.push(`group ratio ${before.settings.ratio.toDecimalString()} → ${after.settings.ratio.toDecimalString()}`);
  }
  const settingsChanged = JSON.stringify({ ...before.settings, ratio: '' }) !== JSON.stringify({ ...after.settings, ratio: '' });
  if (settingsChanged) parts.push('group settings');
  return `saved group ${after.name}${parts.length ? `: ${parts.join('; ')}` : ''}`;
}

function followerChanges(gb: Group, b: Follower, ga: Group, a: Follower): string[] {
  const out: string[] = [];
  const rb = followerRatio(gb, b);
  const ra = followerRatio(ga, a);
  if (rb.cmp(ra) !== 0) out.push(`ratio ${rb.toDecimalString()} → ${ra.toDecimalString()}`);
  // A root with a ratio of its own, before or after: what that root's trades are now sized with.
  for (const root of [...new Set([...Object.keys(b.ratios), ...Object.keys(a.ratios)])].sort()) {
    const was = effectiveRatio(gb, b, root);
    const is = effectiveRatio(ga, a, root);
    if (was.cmp(is) !== 0) out.push(`${root} ratio ${was.toDecimalString()} → ${is.toDecimalString()}`);
  }
  if (effectiveMode(gb, b) !== effectiveMode(ga, a)) out.push(`sizing mode ${effectiveMode(gb, b)} → ${effectiveMode(ga, a)}`);
  if (b.enabled !== a.enabled) out.push(a.enabled ? 'enabled' : 'disabled');
  if (JSON.stringify(b.cross) !== JSON.stringify(a.cross)) out.push('cross symbols');
  return out;
}

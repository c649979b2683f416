/**
 * Pure helpers for staged group edits: what changed between the saved group and the draft (the
 * "N pending changes" count), and the checks the engine would make, done before sending so the
 * form can point at the field at once. The engine checks again and has the last word (role
 * conflicts, which need every group, are left to it: its refusal names the group).
 */
import type { FollowerInput, GroupInput, GroupSettingsInput } from '../../src-engine/api/config';
import type { ApiIssue } from '../api/errors';
import { normalizeRatio, ratioProblem } from '../lib/decimal';
import { crossChoices, familyOf, knownRoot } from '../lib/families';

export const EMPTY_GROUP: GroupInput = { name: '', leader: null, followers: [], settings: {} };

const ROOT = /^[A-Z0-9]{1,6}$/;

/** Sync toggles are immediate controls (groups.setSync), never part of a staged edit. */
type StagedFollowerKey = Exclude<keyof FollowerInput, 'account' | 'sync'>;
const FOLLOWER_KEYS: readonly StagedFollowerKey[] = ['mode', 'ratio', 'ratios', 'cross', 'enabled', 'reconnectPolicy', 'maxCatchUpMs'];
const SETTINGS_KEYS: readonly (keyof GroupSettingsInput)[] = [
  'mode',
  'ratio',
  'rounding',
  'sizing',
  'autoMiniMicro',
  'partialExit',
  'orderCopy',
  'mirrorGraceMs',
  'quarantine',
  'whitelist',
  'mappings',
  'reconnectPolicy',
  'maxCatchUpMs',
];

function norm(key: string, v: unknown): string {
  if (v === undefined || v === null) return '';
  if (key === 'ratio') return normalizeRatio(v as string | number) ?? '';
  if (key === 'enabled') return v === false ? 'false' : '';
  if (key === 'cross' || key === 'mappings') {
    const entries = Object.entries(v as Record<string, string>).sort(([a], [b]) => a.localeCompare(b));
    return entries.length ? JSON.stringify(entries) : '';
  }
  if (key === 'whitelist') {
    const list = [...(v as string[])].sort();
    return list.length ? JSON.stringify(list) : '';
  }
  return JSON.stringify(v);
}

export interface Change {
  readonly field: string;
  readonly text: string;
}

/** One entry per changed thing a trader would count: a field, a follower added or removed. */
export function diffGroup(base: GroupInput, draft: GroupInput): Change[] {
  const out: Change[] = [];
  if (base.name.trim() !== draft.name.trim()) out.push({ field: 'name', text: base.name ? `rename to "${draft.name.trim()}"` : `name "${draft.name.trim()}"` });
  if ((base.leader ?? null) !== (draft.leader ?? null)) out.push({ field: 'leader', text: draft.leader ? `leader ${draft.leader}` : 'no leader' });
  const bs = base.settings ?? {};
  const ds = draft.settings ?? {};
  for (const k of SETTINGS_KEYS) {
    if (norm(k, bs[k]) !== norm(k, ds[k])) out.push({ field: `settings.${k}`, text: `group ${k}` });
  }
  const bf = new Map((base.followers ?? []).map((f) => [f.account, f]));
  const df = new Map((draft.followers ?? []).map((f) => [f.account, f]));
  (draft.followers ?? []).forEach((f, i) => {
    const old = bf.get(f.account);
    if (!old) {
      out.push({ field: `followers[${i}]`, text: `add follower ${f.account || '(choose an account)'}` });
      return;
    }
    for (const k of FOLLOWER_KEYS) {
      if (k === 'cross') {
        const roots = new Set([...Object.keys(old.cross ?? {}), ...Object.keys(f.cross ?? {})]);
        for (const r of roots) if ((old.cross?.[r] ?? '') !== (f.cross?.[r] ?? '')) out.push({ field: `followers[${i}].cross.${r}`, text: `${f.account} cross ${r}` });
      } else if (k === 'ratios') {
        // One change per root, "2" and "2.0" the same: the count says what the trader touched.
        const roots = new Set([...Object.keys(old.ratios ?? {}), ...Object.keys(f.ratios ?? {})]);
        for (const r of roots) if (norm('ratio', old.ratios?.[r]) !== norm('ratio', f.ratios?.[r])) out.push({ field: `followers[${i}].ratios.${r}`, text: `${f.account} ${r} ratio` });
      } else if (norm(k, old[k]) !== norm(k, f[k])) out.push({ field: `followers[${i}].${k}`, text: `${f.account} ${k}` });
    }
  });
  for (const f of base.followers ?? []) if (!df.has(f.account)) out.push({ field: 'followers', text: `remove follower ${f.account}` });
  return out;
}

export interface GroupCheckContext {
  /** Names of the other groups (unique, case-insensitive). */
  readonly otherNames: readonly string[];
}

/** The engine's rules that can be checked without the other groups' memberships. */
export function validateGroup(g: GroupInput, ctx: GroupCheckContext): ApiIssue[] {
  const issues: ApiIssue[] = [];
  const name = g.name.trim();
  if (name.length === 0) issues.push({ field: 'name', message: 'must not be empty' });
  else if (name.length > 64) issues.push({ field: 'name', message: `must be at most 64 characters (got ${name.length})` });
  const clash = ctx.otherNames.find((n) => n.toLowerCase() === name.toLowerCase());
  if (name && clash !== undefined) issues.push({ field: 'name', message: `a group named "${clash}" already exists` });

  const s = g.settings ?? {};
  const rp = ratioProblem(s.ratio);
  if (rp) issues.push({ field: 'settings.ratio', message: rp });
  if (s.mirrorGraceMs !== undefined && !(Number.isInteger(s.mirrorGraceMs) && s.mirrorGraceMs >= 0 && s.mirrorGraceMs <= 60_000)) issues.push({ field: 'settings.mirrorGraceMs', message: 'must be a whole number of milliseconds from 0 to 60000' });
  if (s.maxCatchUpMs !== undefined && !(Number.isInteger(s.maxCatchUpMs) && s.maxCatchUpMs >= 0 && s.maxCatchUpMs <= 600_000)) issues.push({ field: 'settings.maxCatchUpMs', message: 'must be a whole number of milliseconds from 0 to 600000' });
  (s.whitelist ?? []).forEach((r, i) => {
    if (!ROOT.test(r)) issues.push({ field: `settings.whitelist[${i}]`, message: 'must be a product root such as ES or MNQ' });
    else if (!knownRoot(r)) issues.push({ field: `settings.whitelist[${i}]`, message: `unknown product "${r}"` });
  });
  for (const [from, to] of Object.entries(s.mappings ?? {})) {
    if (!knownRoot(from) || !knownRoot(to)) issues.push({ field: `settings.mappings.${from}`, message: `unknown product "${knownRoot(from) ? to : from}"` });
  }

  const seen = new Set<string>();
  (g.followers ?? []).forEach((f, i) => {
    const field = `followers[${i}]`;
    if (!f.account) issues.push({ field: `${field}.account`, message: 'choose an account' });
    else if (seen.has(f.account)) issues.push({ field: `${field}.account`, message: `account "${f.account}" is listed twice` });
    seen.add(f.account);
    if (f.account && f.account === g.leader) issues.push({ field: `${field}.account`, message: `account "${f.account}" is already the leader of group "${name}"` });
    const fr = ratioProblem(f.ratio);
    if (fr) issues.push({ field: `${field}.ratio`, message: fr });
    for (const [root, r] of Object.entries(f.ratios ?? {})) {
      const rp = r === '' ? 'must be a number from 0.1 to 1000, such as 0.5 or 2' : ratioProblem(r);
      if (rp) issues.push({ field: `${field}.ratios.${root}`, message: `${root} ratio ${rp}` });
      else if (!knownRoot(root)) issues.push({ field: `${field}.ratios.${root}`, message: `a ratio is set for "${root}", which is not a known product root` });
    }
    if (f.maxCatchUpMs !== undefined && !(Number.isInteger(f.maxCatchUpMs) && f.maxCatchUpMs >= 0 && f.maxCatchUpMs <= 600_000)) issues.push({ field: `${field}.maxCatchUpMs`, message: 'must be a whole number of milliseconds from 0 to 600000' });
    for (const [from, to] of Object.entries(f.cross ?? {})) {
      if (!crossChoices(from).includes(to)) {
        issues.push({
          field: `${field}.cross.${from}`,
          message: knownRoot(from) && knownRoot(to) ? `${to} is not in the same family as ${from} (${familyOf(to) ?? '?'} vs ${familyOf(from) ?? '?'})` : `unknown product "${knownRoot(from) ? to : from}"`,
        });
      }
    }
  });
  return issues;
}

/**
 * What Save sends: the draft, with each follower's sync toggles taken from the group as saved now
 * (they are switched immediately on the Dashboard while a draft may be open).
 */
export function rebaseSync(draft: GroupInput, current: GroupInput | undefined): GroupInput {
  if (!current) return draft;
  const now = new Map((current.followers ?? []).map((f) => [f.account, f.sync]));
  return {
    ...draft,
    followers: (draft.followers ?? []).map((f) => {
      const { sync: _old, ...rest } = f;
      const sync = now.has(f.account) ? now.get(f.account) : f.sync;
      return sync && Object.keys(sync).length ? { ...rest, sync } : rest;
    }),
  };
}

/** Removes empty optional values so the saved input stays minimal. */
export function tidyGroup(g: GroupInput): GroupInput {
  const settings = Object.fromEntries((Object.entries(g.settings ?? {}) as [string, unknown][]).filter(([, v]) => v !== undefined && v !== '')) as GroupSettingsInput;
  return {
    name: g.name.trim(),
    leader: g.leader ? g.leader : null,
    followers: (g.followers ?? []).map((f) => Object.fromEntries((Object.entries(f) as [string, unknown][]).filter(([k, v]) => v !== undefined && v !== '' && !((k === 'cross' || k === 'ratios') && Object.keys(v as object).length === 0))) as FollowerInput),
    settings,
  };
}

/**
 * Turns a saved group (GroupInput) into a validated Group, or refuses it naming the field and the
 * conflicting group. Pure: the caller commits the result atomically or not at all.
 */
import type { DecimalInput, FollowerInput, GroupInput, GroupSettingsInput } from '../api/config';
import type { Catalog } from './instruments';
import { DEFAULT_SETTINGS, type AccountId, type Follower, type Group, type GroupId, type GroupSettings } from './group';
import { Rational } from './rational';
import { refuseIf, type Issue } from './refusal';

const MIN_RATIO = Rational.parse('0.1');
const MAX_RATIO = Rational.of(1000);

export interface GroupEditContext {
  readonly id: GroupId;
  /** The group as it is now, when this save edits an existing one. */
  readonly existing: Group | undefined;
  /** Every other group (role exclusivity and name uniqueness are checked against them). */
  readonly others: readonly Group[];
  readonly accountExists: (id: AccountId) => boolean;
  readonly catalog: Catalog;
}

export function buildGroup(input: GroupInput, ctx: GroupEditContext): Group {
  const issues: Issue[] = [];
  const name = input.name.trim();
  if (name.length === 0) issues.push({ field: 'name', message: 'must not be empty' });
  else if (name.length > 64) issues.push({ field: 'name', message: `must be at most 64 characters (got ${name.length})` });
  const clash = ctx.others.find((g) => g.name.toLowerCase() === name.toLowerCase());
  if (clash) issues.push({ field: 'name', message: `a group named "${clash.name}" already exists` });

  const settings = buildSettings(input.settings, ctx.catalog, issues);
  const leader = input.leader ?? undefined;
  if (leader !== undefined) checkAccount('leader', leader, ctx, issues);

  const followers: Follower[] = [];
  const seen = new Set<string>();
  (input.followers ?? []).forEach((f, i) => {
    const field = `followers[${i}]`;
    if (seen.has(f.account)) issues.push({ field: `${field}.account`, message: `account "${f.account}" is listed twice` });
    seen.add(f.account);
    if (f.account === leader) issues.push({ field: `${field}.account`, message: `account "${f.account}" is already the leader of group "${name}"` });
    checkAccount(`${field}.account`, f.account, ctx, issues);
    followers.push(buildFollower(f, field, ctx.catalog, issues));
  });

  refuseIf(issues);
  return {
    id: ctx.id,
    name,
    leader,
    followers,
    settings,
    switchedOff: ctx.existing?.switchedOff,
  };
}

function checkAccount(field: string, account: AccountId, ctx: GroupEditContext, issues: Issue[]): void {
  if (!ctx.accountExists(account)) {
    issues.push({ field, message: `unknown account "${account}"` });
    return;
  }
  // Roles are exclusive across groups: this also rules out copy loops.
  for (const g of ctx.others) {
    if (g.leader === account) issues.push({ field, message: `account "${account}" is already the leader of group "${g.name}"` });
    else if (g.followers.some((f) => f.account === account)) issues.push({ field, message: `account "${account}" is already a follower in group "${g.name}"` });
  }
}

function buildSettings(input: GroupSettingsInput | undefined, catalog: Catalog, issues: Issue[]): GroupSettings {
  const s = input ?? {};
  const whitelist = (s.whitelist ?? []).map((root, i) => {
    checkRoot(`settings.whitelist[${i}]`, root, catalog, issues);
    return root;
  });
  const mappings: Record<string, string> = {};
  for (const [from, to] of Object.entries(s.mappings ?? {})) {
    checkRoot(`settings.mappings.${from}`, from, catalog, issues);
    checkRoot(`settings.mappings.${from}`, to, catalog, issues);
    mappings[from] = to;
  }
  return {
    mode: s.mode ?? DEFAULT_SETTINGS.mode,
    ratio: s.ratio === undefined ? DEFAULT_SETTINGS.ratio : parseRatio('settings.ratio', s.ratio, issues),
    rounding: s.rounding ?? DEFAULT_SETTINGS.rounding,
    sizing: s.sizing ?? DEFAULT_SETTINGS.sizing,
    autoMiniMicro: s.autoMiniMicro ?? DEFAULT_SETTINGS.autoMiniMicro,
    partialExit: s.partialExit ?? DEFAULT_SETTINGS.partialExit,
    orderCopy: s.orderCopy ?? DEFAULT_SETTINGS.orderCopy,
    mirrorGraceMs: s.mirrorGraceMs ?? DEFAULT_SETTINGS.mirrorGraceMs,
    quarantine: s.quarantine ?? DEFAULT_SETTINGS.quarantine,
    whitelist,
    mappings,
    reconnectPolicy: s.reconnectPolicy ?? DEFAULT_SETTINGS.reconnectPolicy,
    maxCatchUpMs: s.maxCatchUpMs ?? DEFAULT_SETTINGS.maxCatchUpMs,
  };
}

function buildFollower(f: FollowerInput, field: string, catalog: Catalog, issues: Issue[]): Follower {
  const cross: Record<string, string> = {};
  for (const [from, to] of Object.entries(f.cross ?? {})) {
    const okFrom = checkRoot(`${field}.cross.${from}`, from, catalog, issues);
    const okTo = checkRoot(`${field}.cross.${from}`, to, catalog, issues);
    if (okFrom && okTo && !catalog.sameFamily(from, to)) {
      issues.push({
        field: `${field}.cross.${from}`,
        message: `${to} is not in the same family as ${from} (${catalog.require(to).family} vs ${catalog.require(from).family}); a cross symbol must track the same underlying`,
      });
    }
    cross[from] = to;
  }
  const ratios: Record<string, Rational> = {};
  for (const [root, value] of Object.entries(f.ratios ?? {})) {
    const at = `${field}.ratios.${root}`;
    if (!catalog.product(root)) {
      issues.push({ field: at, message: `a ratio is set for "${root}", which is not a known product root` });
      continue;
    }
    ratios[root] = parseRatio(at, value, issues, `${root} ratio`);
  }
  const sync: Record<string, boolean> = {};
  for (const [root, on] of Object.entries(f.sync ?? {})) {
    checkRoot(`${field}.sync.${root}`, root, catalog, issues);
    sync[root] = on;
  }
  return {
    account: f.account,
    mode: f.mode,
    ratio: f.ratio === undefined ? undefined : parseRatio(`${field}.ratio`, f.ratio, issues),
    ratios,
    cross,
    sync,
    enabled: f.enabled ?? true,
    reconnectPolicy: f.reconnectPolicy,
    maxCatchUpMs: f.maxCatchUpMs,
  };
}

function checkRoot(field: string, root: string, catalog: Catalog, issues: Issue[]): boolean {
  if (catalog.product(root)) return true;
  issues.push({ field, message: `unknown symbol "${root}"` });
  return false;
}

function parseRatio(field: string, value: DecimalInput | string, issues: Issue[], what = 'ratio'): Rational {
  let r: Rational;
  try {
    r = typeof value === 'number' ? Rational.fromDecimalNumber(value) : Rational.parse(value);
  } catch {
    issues.push({ field, message: `${what} must be a decimal number (got ${JSON.stringify(value)})` });
    return Rational.ONE;
  }
  if (r.cmp(MIN_RATIO) < 0 || r.cmp(MAX_RATIO) > 0) {
    issues.push({ field, message: `${what} must be between 0.1 and 1000 (got ${r.toDecimalString()})` });
  }
  return r;
}

/** The inverse of buildGroup: what is stored and what the UI edits. */
export function toGroupInput(g: Group): GroupInput {
  return {
    name: g.name,
    leader: g.leader ?? null,
    followers: g.followers.map((f) => ({
      account: f.account,
      ...(f.mode ? { mode: f.mode } : {}),
      ...(f.ratio ? { ratio: f.ratio.toDecimalString() } : {}),
      ...(Object.keys(f.ratios).length ? { ratios: Object.fromEntries(Object.entries(f.ratios).map(([root, r]) => [root, r.toDecimalString()])) } : {}),
      ...(Object.keys(f.cross).length ? { cross: { ...f.cross } } : {}),
      ...(Object.keys(f.sync).length ? { sync: { ...f.sync } } : {}),
      ...(f.enabled ? {} : { enabled: false }),
      ...(f.reconnectPolicy ? { reconnectPolicy: f.reconnectPolicy } : {}),
      ...(f.maxCatchUpMs !== undefined ? { maxCatchUpMs: f.maxCatchUpMs } : {}),
    })),
    settings: {
      ...g.settings,
      ratio: g.settings.ratio.toDecimalString(),
      whitelist: [...g.settings.whitelist],
      mappings: { ...g.settings.mappings },
    },
  };
}

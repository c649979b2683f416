/**
 * Groups as the engine holds them: every default resolved, ratios exact. Status is derived from
 * the stored switch and membership, never set by hand (copy-semantics §1).
 */
import type {
  ContractSizing,
  OrderCopy,
  PartialExit,
  ReconnectPolicy,
  Rounding,
  SizingMode,
} from '../api/config';
import { Rational } from './rational';

export type AccountId = string;
export type GroupId = string;

export interface GroupSettings {
  readonly mode: SizingMode;
  readonly ratio: Rational;
  readonly rounding: Rounding;
  readonly sizing: ContractSizing;
  readonly autoMiniMicro: boolean;
  readonly partialExit: PartialExit;
  readonly orderCopy: OrderCopy;
  readonly mirrorGraceMs: number;
  readonly quarantine: boolean;
  /** Empty: every root. */
  readonly whitelist: readonly string[];
  readonly mappings: Readonly<Record<string, string>>;
  readonly reconnectPolicy: ReconnectPolicy;
  readonly maxCatchUpMs: number;
}

export interface Follower {
  readonly account: AccountId;
  /** As given by the user (undefined = the group's). */
  readonly mode: SizingMode | undefined;
  readonly ratio: Rational | undefined;
  /**
   * Ratios per LEADER root (the row's root, before any cross symbol, mapping or micro fallback):
   * `{ MNQ: 2 }` sizes the leader's MNQ trades ×2 whatever contract the follower trades for them.
   */
  readonly ratios: Readonly<Record<string, Rational>>;
  readonly cross: Readonly<Record<string, string>>;
  /** Per leader root; absent = on. */
  readonly sync: Readonly<Record<string, boolean>>;
  readonly enabled: boolean;
  readonly reconnectPolicy: ReconnectPolicy | undefined;
  readonly maxCatchUpMs: number | undefined;
}

export type PauseReason = 'user' | 'noFollowers' | 'leaderBreach' | 'emergencyStop';
/** Reasons a stored switch can carry; `noFollowers` is derived from membership instead. */
export type SwitchOffReason = Exclude<PauseReason, 'noFollowers'>;

export interface Group {
  readonly id: GroupId;
  readonly name: string;
  readonly leader: AccountId | undefined;
  readonly followers: readonly Follower[];
  readonly settings: GroupSettings;
  /** The on/off switch: undefined = on. */
  readonly switchedOff: SwitchOffReason | undefined;
}

export type GroupStatus =
  | { readonly status: 'NotConfigured' }
  | { readonly status: 'Paused'; readonly reason: PauseReason }
  | { readonly status: 'Active' };

export const DEFAULT_SETTINGS: GroupSettings = {
  mode: 'multiplier',
  ratio: Rational.ONE,
  rounding: 'entryDownExitUp',
  sizing: 'contracts',
  autoMiniMicro: true,
  partialExit: 'proportional',
  orderCopy: 'mirror',
  mirrorGraceMs: 1500,
  quarantine: true,
  whitelist: [],
  mappings: {},
  reconnectPolicy: 'catchUp',
  maxCatchUpMs: 3000,
};

export function groupStatus(g: Group): GroupStatus {
  if (g.leader === undefined) return { status: 'NotConfigured' };
  // A user's (or a breach's, or an emergency stop's) pause outranks the automatic one.
  if (g.switchedOff !== undefined) return { status: 'Paused', reason: g.switchedOff };
  if (g.followers.length === 0) return { status: 'Paused', reason: 'noFollowers' };
  return { status: 'Active' };
}

export function isActive(g: Group): boolean {
  return groupStatus(g).status === 'Active';
}

/** A follower's effective sizing, the group's defaults filled in. */
export function effectiveMode(g: Group, f: Follower): SizingMode {
  return f.mode ?? g.settings.mode;
}

/** Where a follower's ratio for one root comes from: that root's own, the follower's, or the group's. */
export type RatioSource = 'root' | 'follower' | 'group';

/** The follower's ratio for roots without one of their own. */
export function followerRatio(g: Group, f: Follower): Rational {
  return f.ratio ?? g.settings.ratio;
}

/**
 * The one place a follower's ratio for a leader root is decided (§3): the root's own ratio wins
 * over the follower's, which wins over the group's. Joining, resizing and pinning all read it here,
 * so a per-root ratio is journaled and pinned per lifecycle exactly like the follower's.
 */
export function ratioFor(g: Group, f: Follower, leaderRoot: string): { readonly ratio: Rational; readonly source: RatioSource } {
  const own = f.ratios[leaderRoot];
  if (own !== undefined) return { ratio: own, source: 'root' };
  if (f.ratio !== undefined) return { ratio: f.ratio, source: 'follower' };
  return { ratio: g.settings.ratio, source: 'group' };
}

export function effectiveRatio(g: Group, f: Follower, leaderRoot: string): Rational {
  return ratioFor(g, f, leaderRoot).ratio;
}
export function effectiveReconnectPolicy(g: Group, f: Follower): ReconnectPolicy {
  return f.reconnectPolicy ?? g.settings.reconnectPolicy;
}
export function effectiveMaxCatchUpMs(g: Group, f: Follower): number {
  return f.maxCatchUpMs ?? g.settings.maxCatchUpMs;
}

export function syncOn(f: Follower, leaderRoot: string): boolean {
  return f.sync[leaderRoot] ?? true;
}

export function whitelisted(g: Group, leaderRoot: string): boolean {
  return g.settings.whitelist.length === 0 || g.settings.whitelist.includes(leaderRoot);
}

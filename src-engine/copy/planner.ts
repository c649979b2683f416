/**
 * Leader fill → follower decisions. Pure: reads the group, the lifecycle and a view of each
 * follower; returns the new lifecycle and one decision per follower. The runtime journals both in
 * one SQLite transaction before anything is sent.
 */
import type { ContractCode } from '../domain/contractCode';
import { parseContractCode } from '../domain/contractCode';
import type { Catalog } from '../domain/instruments';
import {
  effectiveMaxCatchUpMs,
  effectiveReconnectPolicy,
  syncOn,
  whitelisted,
  type AccountId,
  type Follower,
  type Group,
} from '../domain/group';
import type { Money } from '../domain/money';
import { Rational } from '../domain/rational';
import type { Decision, EntryGate, FollowerView } from './decision';
import { absorbLeftovers } from './absorb';
import { joinTrack, microFallback, withCurrentRatio } from './join';
import { stopTracking, withTrack, type FollowerTrack, type Lifecycle, type NotTrackingReason } from './lifecycle';
import type { Direction } from './rounding';
import { blockEntries, clampToCap, exitOnly, targetFor } from './target';

export interface LeaderFillInput {
  readonly group: Group;
  readonly groupActive: boolean;
  readonly leaderAccount: AccountId;
  readonly contract: ContractCode;
  readonly leaderOrderId: string;
  /** Signed fill quantity: positive for a buy. */
  readonly signedQty: number;
  /** Leader position in `contract` before this fill. */
  readonly before: number;
  /** The contract's current lifecycle (undefined when the leader was flat, or nothing was journaled). */
  readonly lifecycle: Lifecycle | undefined;
  readonly followers: readonly FollowerView[];
  readonly leaderBalance: Money;
  readonly catalog: Catalog;
  readonly now: number;
  /** The leader's open lifecycles in other contracts (their follower contracts are not leftovers, §2). */
  readonly otherLifecycles?: readonly Lifecycle[];
  /** Set for a fill recovered from the broker after a gap: its age decides what a missed entry does (§8). */
  readonly recovered?: { readonly ageMs: number };
}

export interface PlanOutput {
  /** The lifecycle after this fill; undefined once the leader is flat. */
  readonly lifecycle: Lifecycle | undefined;
  readonly decisions: readonly Decision[];
  readonly started: boolean;
  readonly ended: boolean;
  /** Followers whose quarantine in this root ended with the lifecycle. */
  readonly quarantineReleased: readonly AccountId[];
}

export function planLeaderFill(input: LeaderFillInput): PlanOutput {
  const P0 = input.before;
  const P1 = P0 + input.signedQty;
  const { root } = parseContractCode(input.contract);
  const reversal = P0 !== 0 && P1 !== 0 && Math.sign(P0) !== Math.sign(P1);
  const starting = (P0 === 0 && P1 !== 0) || reversal;
  const direction: Direction = reversal || Math.abs(P1) > Math.abs(P0) ? 'entry' : 'exit';

  const released: AccountId[] = [];
  let lc = input.lifecycle;
  if (starting) {
    if (lc) released.push(...quarantined(lc));
    lc = startLifecycle(input, P0);
  } else if (!lc) {
    // The leader holds a position this engine never saw begin (no journal): nobody tracks it.
    lc = startLifecycle(input, P0, 'joinedLate');
  }

  // Before counting this fill's entry: fixed mode adds the ratio in force now.
  lc = withCurrentRatios(lc, input.group);
  if (direction === 'entry') lc = countEntry(lc, input.leaderOrderId, reversal ? Math.abs(P1) : Math.abs(P1) - Math.abs(P0));
  lc = { ...lc, leaderPosition: P1 };

  // Each follower's new track goes into one record, built once (not a copy per follower).
  const decisions: Decision[] = [];
  const tracks: Record<AccountId, FollowerTrack> = { ...lc.followers };
  const base = lc;
  for (const view of input.followers) {
    const [next, decision] = decide(input, base, view, P1, direction, root);
    const t = next.followers[view.follower.account];
    if (t) tracks[view.follower.account] = t;
    decisions.push(decision);
    if (starting && t?.tracking === true && view.positionKnown) {
      decisions.push(...absorbLeftovers({ group: input.group, catalog: input.catalog, leaderRoot: root, otherLifecycles: input.otherLifecycles ?? [] }, t, view));
    }
  }
  lc = { ...base, followers: tracks };

  if (P1 === 0) {
    released.push(...quarantined(lc));
    return { lifecycle: undefined, decisions, started: starting, ended: true, quarantineReleased: released };
  }
  return { lifecycle: lc, decisions, started: starting, ended: reversal, quarantineReleased: released };
}

function decide(input: LeaderFillInput, lcIn: Lifecycle, view: FollowerView, P1: number, direction: Direction, root: string): [Lifecycle, Decision] {
  const { group } = input;
  const f = view.follower;
  const account = f.account;
  const skip = (lc: Lifecycle, reason: Decision & { kind: 'skip' }): [Lifecycle, Decision] => [lc, reason];

  if (!whitelisted(group, root)) return skip(lcIn, { kind: 'skip', account, reason: 'notWhitelisted', detail: `${root} is not in the group's whitelist` });
  const off = switchedOff(input, view, root);
  if (off) return skip(stopTracking(lcIn, account, off.notTracking), { kind: 'skip', account, reason: off.reason });

  let track = lcIn.followers[account];
  if (!track) {
    // Added to the group after this lifecycle began: it waits for the next one (or Sync).
    const late: FollowerTrack = { ...join(input, f), tracking: false, notTracking: 'joinedLate' };
    return skip(withTrack(lcIn, late), { kind: 'skip', account, reason: 'notTracking', detail: 'joinedLate' });
  }
  if (!track.tracking) return skip(lcIn, { kind: 'skip', account, reason: 'notTracking', detail: track.notTracking ?? 'joinedLate' });

  if (!view.positionKnown) {
    // Fail closed: with C unknown any order is a guess. The target is still recorded, so the
    // reconcile that reads the account shows it out of sync with the numbers (§8).
    const T = target(track, input, P1, direction, lcIn);
    const held: FollowerTrack = { ...track, lastTarget: T, ...(direction === 'entry' ? { unknownSince: track.unknownSince ?? input.now } : {}) };
    return skip(withTrack(lcIn, held), { kind: 'skip', account, reason: 'positionUnknown', detail: `target ${T}; the account's position at its broker is not known yet` });
  }

  if (input.recovered && direction === 'entry') {
    const policyTrack = applyReconnectPolicy(track, group, f, input.recovered.ageMs);
    if (policyTrack === 'flatten') {
      const current = view.current(track.contract);
      const lc = stopTracking(withTrack(lcIn, { ...track, lastTarget: 0 }), account, 'reconnectFlatten');
      if (current === 0) return skip(lc, { kind: 'skip', account, reason: 'atTarget', detail: 'reconnect policy flatten: already flat' });
      return [lc, { kind: 'order', account, contract: track.contract, delta: -current, target: 0, current }];
    }
    track = policyTrack;
  }

  let current = view.current(track.contract);
  if (!track.contractSettled && direction === 'entry' && P1 !== 0) {
    if (target(track, input, P1, direction, lcIn) === 0 && current === 0 && group.settings.autoMiniMicro) {
      const micro = microFallback(track, input.contract, input.catalog, input.now);
      if (micro) {
        track = micro;
        current = view.current(track.contract);
      }
    }
    if (track.microFallback || target(track, input, P1, direction, lcIn) !== 0) track = { ...track, contractSettled: true };
  }

  const ruleTarget = target(track, input, P1, direction, lcIn);
  // While its mirrors of orders the leader already filled are still to fill, the follower's
  // position is where they take it, not C: every order is sized from there, and an exit never
  // grows it (chaos seed 195296498: a take-profit right behind a stop clamped to the pre-stop size,
  // and the grace then bought back what the mirrors had correctly sold; seed 757874588: a market
  // reversal right behind a take-profit whose bracket copy was still on its way was sized from C,
  // which held the bracket's entry but not its take-profit, and bought 4 too many).
  const settling = view.settlingTarget(track.contract) ?? current;
  // A follower on the other side of the leader is not one the trader cut back by hand: it was
  // taken there by a fill the leader never had (a native leg that filled after the leader's was
  // cancelled, while the engine was down: chaos seed 512850357). Clamped, it stayed flat against a
  // leader still holding; the exit takes it to the target like any other order (§3: T − C).
  const wrongSide = settling !== 0 && ruleTarget !== 0 && Math.sign(settling) !== Math.sign(ruleTarget);
  let T = direction === 'exit' && !wrongSide ? exitOnly(ruleTarget, settling) : ruleTarget;

  let limitedBy: EntryGate | 'maxContracts' | undefined;
  const gate: EntryGate | undefined = view.entryGate ?? track.entryBlock;
  // While a gate holds this follower back, every decision says where the leader's rules put it, so
  // the screen can show it away from that until the lifecycle ends (§8), not only the one that cut.
  const heldBack = gate !== undefined ? { heldBack: gate, ruleTarget, current } : {};
  if (gate !== undefined) {
    const blocked = blockEntries(T, settling);
    if (blocked !== T) {
      limitedBy = gate;
      // A soft lock that held the follower back keeps holding it until the leader is flat.
      if (gate === 'softLock' && track.entryBlock === undefined) track = { ...track, entryBlock: 'softLock' };
    }
    T = blocked;
  }
  if (view.maxContracts !== undefined) {
    const capped = clampToCap(T, settling, view.maxContracts, view.openContractsExcept(track.contract));
    if (capped !== T) limitedBy = 'maxContracts';
    T = capped;
  }

  // Decided on a known position: whatever was held back while it was unknown is in this order.
  const { unknownSince: _decided, ...known } = track;
  const lc = withTrack(lcIn, { ...known, lastTarget: T });
  const delta = T - settling;
  // The fill comes from an order this follower mirrors: its mirror will fill at its own broker,
  // which C (positions plus in-flight market orders) does not count. Stacked mirrors, each sized
  // alone, can leave it off target even when C equals T now; the grace checks after it (§5).
  if (view.hasLiveMirror(input.leaderOrderId)) {
    return [lc, { kind: 'awaitMirror', account, contract: track.contract, target: T, current, leaderOrderId: input.leaderOrderId }];
  }
  if (delta === 0) {
    if (limitedBy === 'maxContracts') return [lc, { kind: 'skip', account, reason: 'capReached', gate: limitedBy, detail: `maxContracts ${view.maxContracts}`, ...heldBack, current }];
    if (limitedBy) return [lc, { kind: 'skip', account, reason: 'entriesBlocked', gate: limitedBy, ...heldBack, current }];
    if (T === 0 && P1 !== 0 && direction === 'entry') {
      return [lc, { kind: 'skip', account, reason: 'belowOneContract', detail: belowOneDetail(track, input) }];
    }
    return [lc, { kind: 'skip', account, reason: 'atTarget', ...heldBack }];
  }
  return [lc, { kind: 'order', account, contract: track.contract, delta, target: T, current, ...(limitedBy ? { limitedBy } : {}), ...(gate !== undefined ? { heldBack: gate, ruleTarget } : {}) }];
}

function target(track: FollowerTrack, input: LeaderFillInput, P1: number, direction: Direction, lc: Lifecycle): number {
  return targetFor({
    track,
    leaderPosition: P1,
    leaderEntered: lc.leaderEntered,
    direction,
    rounding: input.group.settings.rounding,
    partialExit: input.group.settings.partialExit,
  });
}

/** A follower switched off for this root receives nothing for it, exits included (§2). */
function switchedOff(input: LeaderFillInput, view: FollowerView, root: string): { reason: 'groupPaused' | 'disabled' | 'syncOff' | 'locked'; notTracking: NotTrackingReason } | undefined {
  if (!input.groupActive) return { reason: 'groupPaused', notTracking: 'groupPaused' };
  if (!view.follower.enabled) return { reason: 'disabled', notTracking: 'disabled' };
  if (!syncOn(view.follower, root)) return { reason: 'syncOff', notTracking: 'syncOff' };
  if (view.hardLocked) return { reason: 'locked', notTracking: 'locked' };
  return undefined;
}

function startLifecycle(input: LeaderFillInput, P0: number, forceNotTracking?: NotTrackingReason): Lifecycle {
  const { root } = parseContractCode(input.contract);
  const followers: Record<AccountId, FollowerTrack> = {};
  for (const view of input.followers) {
    const f = view.follower;
    const base = join(input, f);
    // A root outside the whitelist is not joined: adding it later must not open mid-trade (§2).
    const off: { notTracking: NotTrackingReason } | undefined = forceNotTracking
      ? { notTracking: forceNotTracking }
      : whitelisted(input.group, root)
        ? switchedOff(input, view, root)
        : { notTracking: 'notWhitelisted' };
    if (off) followers[f.account] = { ...base, tracking: false, notTracking: off.notTracking };
    // Soft-locked at the start: it tracks for exits only, for this whole lifecycle.
    else followers[f.account] = view.entryGate === 'softLock' ? { ...base, entryBlock: 'softLock' } : base;
  }
  return {
    id: `${input.leaderAccount}|${input.contract}|${input.now}`,
    leaderAccount: input.leaderAccount,
    contract: input.contract,
    root,
    startedAt: input.now,
    leaderPosition: P0 === 0 || forceNotTracking ? P0 : 0,
    leaderEntered: 0,
    countedEntryOrders: [],
    followers,
  };
}

function join(input: LeaderFillInput, f: Follower): FollowerTrack {
  return joinTrack({
    group: input.group,
    follower: f,
    leaderContract: input.contract,
    leaderBalance: input.leaderBalance,
    followerBalance: input.followers.find((v) => v.follower.account === f.account)?.balance ?? input.leaderBalance,
    catalog: input.catalog,
    now: input.now,
  });
}

/** Every tracking follower sized with the group's ratios as they are now (§1: an edit takes effect at once). */
function withCurrentRatios(lc: Lifecycle, group: Group): Lifecycle {
  let changed = false;
  const byAccount = new Map(group.followers.map((f) => [f.account, f]));
  const followers: Record<AccountId, FollowerTrack> = {};
  for (const [account, t] of Object.entries(lc.followers)) {
    const f = t.tracking ? byAccount.get(account) : undefined;
    const next = f ? withCurrentRatio(t, group, f, lc.root) : t;
    if (next !== t) changed = true;
    followers[account] = next;
  }
  return changed ? { ...lc, followers } : lc;
}

/** Fixed mode: El grows by the contracts entered; Ef by `ratio` once per leader order (partial fills count once). */
function countEntry(lc: Lifecycle, leaderOrderId: string, entered: number): Lifecycle {
  const firstFillOfOrder = !lc.countedEntryOrders.includes(leaderOrderId);
  const followers: Record<AccountId, FollowerTrack> = {};
  for (const [account, t] of Object.entries(lc.followers)) {
    followers[account] =
      firstFillOfOrder && t.mode === 'fixed' && t.tracking
        ? { ...t, fixedEntered: Rational.fromString(t.fixedEntered).add(Rational.fromString(t.fixedRatio)).toString() }
        : t;
  }
  return {
    ...lc,
    leaderEntered: lc.leaderEntered + entered,
    countedEntryOrders: firstFillOfOrder ? [...lc.countedEntryOrders, leaderOrderId] : lc.countedEntryOrders,
    followers,
  };
}

function applyReconnectPolicy(track: FollowerTrack, group: Group, f: Follower, ageMs: number): FollowerTrack | 'flatten' {
  switch (effectiveReconnectPolicy(group, f)) {
    case 'catchUp':
      return ageMs <= effectiveMaxCatchUpMs(group, f) ? track : { ...track, entryBlock: 'catchUpExpired' };
    case 'skipEntries':
      return { ...track, entryBlock: 'skipEntries' };
    case 'flatten':
      return 'flatten';
  }
}

function quarantined(lc: Lifecycle): AccountId[] {
  return Object.values(lc.followers)
    .filter((t) => t.entryBlock === 'quarantine')
    .map((t) => t.account);
}

function belowOneDetail(track: FollowerTrack, input: LeaderFillInput): string {
  const root = parseContractCode(track.contract).root;
  const hasMicro = input.catalog.require(root).micro !== undefined;
  if (!hasMicro) return `target rounds to 0 ${root} and ${root} has no micro contract`;
  return input.group.settings.autoMiniMicro ? `target rounds to 0 even in the micro contract` : `target rounds to 0 ${root} (micro fallback is off)`;
}

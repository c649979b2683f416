/**
 * What the UI sees: plain, serialisable views. Money is in dollars as numbers for display only
 * (the engine computes in exact units); secrets never appear — a connection only says hasSecret.
 *
 * Part of the api contract: imports nothing else of the engine.
 */
import type { GroupInput, RiskRulesInput } from './config';

export type BrokerKind = 'paper' | 'tradovate' | 'projectx';

export type ConnectionStateView =
  | { readonly state: 'connecting' }
  | { readonly state: 'connected' }
  | { readonly state: 'reconnecting'; readonly attempt: number; readonly nextTryAt: number; readonly reason: string }
  | { readonly state: 'failed'; readonly reason: string }
  | { readonly state: 'closed' }
  | { readonly state: 'stopped' };

export interface BudgetViewDto {
  /** Requests a window the engine plans against: the broker's figure (or a lower one it showed) less a margin. */
  readonly limit: number;
  readonly remaining: number;
  readonly windowMs: number;
  /** The broker's published figure for the window, where it has one. */
  readonly brokerLimit?: number;
  /** The lower figure the broker showed by refusing a request (penalty ticket, 429). */
  readonly learnedLimit?: number;
  readonly penaltyUntil?: number;
}

/**
 * Leader fills a minute this login's followers can all have copied at once, from its request
 * limits and the followers under it (copy-semantics §8a); more wait, exits first.
 */
export interface CapacityView {
  /** Enabled followers under the login, in groups with a leader. */
  readonly followers: number;
  readonly perMinute: number;
  readonly perHour?: number;
  /** Undefined while no follower is copied through the login. */
  readonly fillsPerMinute: number | undefined;
  readonly limitedBy: 'minute' | 'hour' | undefined;
}

/** A login's capacity as a group save would leave it. */
export interface LoginCapacityView extends CapacityView {
  readonly connectionId: string;
  /** The connection's name. */
  readonly connection: string;
}

export interface ConnectionView {
  readonly id: string;
  readonly broker: BrokerKind;
  readonly name: string;
  /** Non-secret settings (URLs, user name, app id). */
  readonly settings: Readonly<Record<string, string>>;
  readonly hasSecret: boolean;
  readonly status: ConnectionStateView;
  readonly budget: BudgetViewDto | undefined;
  /** What the login can carry (absent for paper, which keeps no budget). */
  readonly capacity?: CapacityView | undefined;
  /** Requests waiting for the login's budget, and since when (engine clock, epoch ms) the oldest waits. */
  readonly queue?: { readonly queued: number; readonly oldestSince?: number } | undefined;
  readonly accountIds: readonly string[];
  /** Copy latency over this connection's follower accounts. */
  readonly latency?: LatencyView | undefined;
}

export interface PositionView {
  readonly contract: string;
  readonly root: string;
  readonly netPos: number;
}

export interface WorkingOrderView {
  readonly orderId: string;
  readonly contract: string;
  readonly root: string;
  readonly side: 'buy' | 'sell';
  readonly qty: number;
  readonly type: 'market' | 'limit' | 'stop';
  readonly price: number | undefined;
  readonly status: string;
}

/** Copy latency: leader fill received → follower order acknowledged by its broker (p50/p99/last), and → order written (sent*). */
export interface LatencyView {
  readonly samples: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly lastMs: number;
  readonly sentP50Ms: number | undefined;
  readonly sentP99Ms: number | undefined;
}

export interface AccountView {
  readonly id: string;
  readonly name: string;
  readonly connectionId: string;
  readonly broker: BrokerKind;
  readonly balance: number;
  readonly live: boolean;
  readonly positions: readonly PositionView[];
  readonly workingOrders: readonly WorkingOrderView[];
  readonly role: { readonly groupId: string; readonly groupName: string; readonly role: 'leader' | 'follower' } | undefined;
  readonly locked: false | 'breach' | 'soft';
  readonly lockRule: string | undefined;
  readonly riskUnknown: string | undefined;
  readonly quarantined: readonly string[];
  readonly outOfSync: readonly { readonly root: string; readonly detail: string }[];
  readonly risk: RiskRulesInput;
  readonly latency: LatencyView | undefined;
}

export type GroupStatusView =
  | { readonly status: 'NotConfigured' }
  | { readonly status: 'Paused'; readonly reason: 'user' | 'noFollowers' | 'leaderBreach' | 'emergencyStop' }
  | { readonly status: 'Active' };

/** An open position priced for the screens: entry, current price and open PnL (dollars). */
export interface HoldingView {
  readonly contract: string;
  readonly netPos: number;
  readonly avgPrice: number | undefined;
  readonly mark: number | undefined;
  readonly openPnl: number | undefined;
}

/**
 * Why a follower row copies nothing now. `detail` carries the code behind it: the pause reason
 * (paused), the lock rule (locked), the reason tracking stopped (waitsForNextEntry).
 */
export type NotCopyingReason = 'paused' | 'locked' | 'disabled' | 'syncOff' | 'disconnected' | 'quarantined' | 'waitsForNextEntry';

/**
 * The one state of a follower row, decided in the engine so every screen and the summary counts
 * agree. `copying` only when the follower copies and holds its target (or the leader is flat and
 * so is it); everything that stops copying wins over the numbers.
 */
export type FollowerRowState =
  | { readonly kind: 'copying'; readonly leaderFlat: boolean }
  | { readonly kind: 'outOfSync'; readonly holds: number; readonly target: number; readonly reason: string | undefined }
  | {
      readonly kind: 'notCopying';
      readonly why: NotCopyingReason;
      readonly detail: string | undefined;
      /** With `disconnected`: the follower's connection, so the row says its own reason. */
      readonly connection?: RowConnectionView;
    };

/**
 * Why a follower's connection does not copy now, as the row says it: the connection's own state
 * and reason (failed: the broker's words; reconnecting: attempt, next try, last error), whether a
 * lost sign-in is renewed by signing in again, a broker's penalty wait, and whether the connection
 * is up but this account is still being read from the broker.
 */
export interface RowConnectionView {
  readonly name: string;
  readonly status: ConnectionStateView;
  /** Signs in with Tradovate: a failed login is renewed by signing in again, not by a secret. */
  readonly signIn: boolean;
  /** A penalty the broker imposed, running when the views were read (engine clock, epoch ms). */
  readonly penaltyUntil?: number;
  /** The connection is up but this account's book is not read (reconciled) yet. */
  readonly reading: boolean;
}

/** One order the row's Sync would send now: the contract from one size to another. */
export interface SyncStepView {
  readonly contract: string;
  readonly from: number;
  readonly to: number;
}

/**
 * One follower row per leader root: the follower's holdings in whatever contract it trades for
 * that root (cross symbol, mapping, micro fallback) are on this row, never on a row of their own.
 */
export interface FollowerRowView {
  /** The leader's root: the row's key. */
  readonly root: string;
  /** The contract the follower trades for this root now (undefined while it holds and trades none). */
  readonly contract: string | undefined;
  /** The root the follower trades for this leader root (cross symbol or mapping applied). */
  readonly followerRoot: string;
  /** Net position in `contract`. */
  readonly position: number;
  readonly target: number | undefined;
  readonly tracking: boolean;
  readonly notTracking: string | undefined;
  /** Same as `state.kind === 'copying'`; kept for older readers. */
  readonly inSync: boolean;
  readonly syncOn: boolean;
  readonly quarantined: boolean;
  readonly state: FollowerRowState;
  /** The leader's net position in this root. */
  readonly leaderPosition: number;
  /** Every contract of this row the follower holds (usually one). */
  readonly holdings: readonly HoldingView[];
  /** The follower's own working orders in this row's contracts (mirrored stops and targets). */
  readonly workingOrders: readonly WorkingOrderView[];
  /** What Sync would send now; empty when the follower already holds its target. */
  readonly syncWould: readonly SyncStepView[];
}

/** A fill of a follower or the leader today, with the PnL it realized. */
export interface TradeFillView {
  readonly accountId: string;
  readonly contract: string;
  readonly side: 'buy' | 'sell';
  readonly qty: number;
  readonly price: number;
  readonly time: number;
  /** Undefined for an opening fill, or one learnt from a broker snapshot. */
  readonly realized: number | undefined;
}

export interface GroupView {
  readonly id: string;
  readonly name: string;
  readonly status: GroupStatusView;
  /** The saved group, as edited in the Groups screen. */
  readonly input: GroupInput;
  /** Per follower account: rows by root. */
  readonly followerRows: Readonly<Record<string, readonly FollowerRowView[]>>;
  /** Roots the leader currently holds or has working orders in. */
  readonly leaderRoots: readonly string[];
  /** Every root the follower rows are keyed by: the leader's now and today, and those set up in the group. */
  readonly roots: readonly string[];
  /** The leader's open positions priced (entry, current, open PnL). */
  readonly leaderHoldings: readonly HoldingView[];
  /** The group's latest fills that closed something (leader and followers), newest first. */
  readonly recentTrades: readonly TradeFillView[];
  readonly todayPnl: number | undefined;
}

export interface GaugeView {
  readonly label: string;
  readonly value: number;
  readonly limit: number;
  /** 0..1 toward the limit. */
  readonly use: number;
}

export interface RiskAccountView {
  readonly accountId: string;
  readonly dayPnl: number | undefined;
  readonly netLiq: number | undefined;
  readonly highWaterMark: number | undefined;
  readonly trailingThreshold: number | undefined;
  readonly openContracts: number;
  readonly gauges: readonly GaugeView[];
  readonly rules: RiskRulesInput;
  readonly riskUnknown: string | undefined;
  /** Fees in today's figures, dollars, and where the latest fill's figure came from. */
  readonly fees: FeesView;
  /** The broker's and Mirrorfill's cash balance while they differ by more than a cent; the rules act on the lower. */
  readonly balanceDrift: { readonly broker: number; readonly engine: number } | undefined;
  /** The last broker snapshot whose balance differed from Mirrorfill's; the broker's was taken. */
  readonly snapshotDrift?: { readonly broker: number; readonly engine: number; readonly at: number } | undefined;
}

export interface FeesView {
  readonly today: number;
  /** 'none': no broker figure and no schedule for that product, so fees are not counted. Undefined before the day's first fill. */
  readonly source: 'broker' | 'preset' | 'account' | 'none' | undefined;
  /** The schedule used when the broker gives no figure: a preset's (named) or the trader's own. */
  readonly schedule: { readonly kind: 'preset' | 'account'; readonly label: string } | undefined;
}

export interface LockView {
  readonly id: string;
  readonly accountId: string;
  readonly kind: 'breach' | 'soft';
  readonly rule: string;
  readonly startedAt: number;
  readonly tradingDay: string;
  readonly endedAt: number | undefined;
  readonly endReason: string | undefined;
  readonly acknowledgement: string | undefined;
  readonly threshold: number;
  readonly value: number;
  readonly values: Readonly<Record<string, number>>;
}

export interface LockEvidenceView extends LockView {
  readonly fills: readonly { readonly fillId: string; readonly contract: string; readonly side: 'buy' | 'sell'; readonly qty: number; readonly price: number; readonly time: number; readonly realized: number | undefined }[];
  readonly pnlPath: readonly { readonly time: number; readonly dayPnl: number; readonly netLiq: number }[];
}

export interface PresetView {
  readonly id: string;
  readonly firm: string;
  readonly name: string;
  readonly startBalance: number;
  readonly lastChecked: string;
  readonly note: string;
  /** The date the figures are known to hold, and whether that is over 90 days ago. */
  readonly asOf?: string;
  readonly stale?: boolean;
  readonly confidence?: 'high' | 'medium' | 'low';
  readonly sources?: readonly { readonly url: string; readonly asOf?: string | undefined; readonly says: string }[];
  /** For accounts bought in this window only (a firm's rules by purchase date). */
  readonly boughtFrom?: string | undefined;
  readonly boughtBefore?: string | undefined;
  /** Dollars per contract per side by root, when the preset has a fee schedule. */
  readonly fees?: Readonly<Record<string, number>> | undefined;
}

/** `leaderFill`: a fill of a group's leader; `user`: the trader's own action (save, toggle, pause, flatten…). */
export type ActivityKind = 'order' | 'skip' | 'rejection' | 'lock' | 'quarantine' | 'outOfSync' | 'control' | 'connection' | 'info' | 'leaderFill' | 'user';

export interface ActivityRow {
  readonly id: string;
  readonly time: number;
  readonly kind: ActivityKind;
  readonly groupId: string | undefined;
  readonly accountId: string | undefined;
  readonly root: string | undefined;
  /** Short, human: "buy 2 MNQ (copy) filled", "skipped: notTracking (joinedLate)". */
  readonly text: string;
  /** The broker's own words, for failures. */
  readonly brokerReason: string | undefined;
  readonly status: string | undefined;
  /** The engine's reason code and detail, for the screen to put in words (decisions, locks). */
  readonly reason?: string | undefined;
  readonly detail?: string | undefined;
  /** Orders: why it was sent (copy, mirror, flatten, sync, gap, retry); engine actions: what it did (cancel, modify, sync…). */
  readonly purpose?: string | undefined;
  /** Orders: side, quantity, type and price, for the screen's own sentence. */
  readonly order?: { readonly side: string; readonly qty: number; readonly type: string; readonly price: number | undefined; readonly filledQty: number } | undefined;
}

export interface SettingsView {
  readonly startWithOs: boolean;
  readonly startPaused: boolean;
  readonly soundOnLock: boolean;
  readonly notifyOnLock: boolean;
  readonly notifyOnRejection: boolean;
  readonly dataFolder: string;
  readonly logFolder: string;
}

export interface EngineInfoView {
  readonly version: string;
  readonly startedAt: number;
  readonly host: 'desktop' | 'serve' | 'demo' | 'test';
  readonly keychain: { readonly available: boolean; readonly detail: string };
  readonly recoveredFrom: string | undefined;
  /** The demo only: its simulated brokers' addresses and logins (not real secrets), for Add connection. */
  readonly demo?: DemoBrokersView | undefined;
  /** Whether Sign in with Tradovate can be offered (an OAuth client is configured), and if not, why. */
  readonly tradovateSignIn?: { readonly available: boolean; readonly detail: string } | undefined;
}

export interface DemoBrokersView {
  readonly tradovate: { readonly settings: Readonly<Record<string, string>>; readonly password: string };
  readonly projectx: { readonly settings: Readonly<Record<string, string>>; readonly apiKey: string };
  readonly paper: { readonly login: string; readonly password: string };
}

export interface SnapshotView {
  readonly info: EngineInfoView;
  readonly connections: readonly ConnectionView[];
  readonly accounts: readonly AccountView[];
  readonly groups: readonly GroupView[];
  readonly locks: readonly LockView[];
  readonly risk: readonly RiskAccountView[];
  readonly settings: SettingsView;
}

/**
 * What a group save (or delete) would leave open or resize, asked before it is applied: removed
 * followers that hold positions or working orders, and followers whose open position a sizing
 * change would resize (`from` → `to`, signed contracts of `contract`).
 */
export interface SaveImpactView {
  readonly removed: readonly {
    readonly account: string;
    readonly name: string;
    readonly positions: readonly { readonly contract: string; readonly root: string; readonly qty: number }[];
    readonly workingOrders: number;
  }[];
  readonly resized: readonly { readonly account: string; readonly contract: string; readonly root: string; readonly from: number; readonly to: number }[];
  /** For each login the group copies to, what it carries after the save (leader fills a minute copied at once). */
  readonly capacity?: readonly LoginCapacityView[];
}

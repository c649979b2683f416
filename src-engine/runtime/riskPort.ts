/**
 * What the runtime needs of the risk engine (src-engine/risk). Kept narrow so the copy path
 * depends on a gate, not on how PnL is computed.
 */
import type { RiskRulesInput } from '../api/config';
import type { ContractCode } from '../domain/contractCode';
import type { Money } from '../domain/money';

export interface RiskGateView {
  /** A breach lock: no copies at all. */
  readonly hardLocked: boolean;
  /** Orders that open or grow are held back. */
  readonly entryGate: 'softLock' | 'riskUnknown' | undefined;
  readonly maxContracts: number | undefined;
}

export interface RiskFillInput {
  readonly fillId: string;
  readonly contract: ContractCode;
  readonly side: 'buy' | 'sell';
  readonly qty: number;
  readonly price: number;
  readonly time: number;
  /** The broker's figure for the fill's fees, when it came with the fill. */
  readonly fees?: Money | undefined;
}

/** A lock as the views need it; evidence amounts in Money units. */
export interface RiskLockRecord {
  readonly id: string;
  readonly accountId: string;
  readonly kind: 'breach' | 'soft';
  readonly rule: string;
  readonly startedAt: number;
  readonly tradingDay: string;
  readonly endedAt?: number;
  readonly endReason?: string;
  readonly acknowledgement?: string;
  readonly evidence: {
    readonly threshold: Money;
    readonly value: Money;
    readonly values: Readonly<Record<string, Money>>;
    readonly fills: readonly (RiskFillInput & { readonly realized?: Money })[];
    readonly pnlPath: readonly { readonly time: number; readonly dayPnl: Money; readonly netLiq: Money }[];
  };
}

/** Live numbers behind the Risk screen's gauges. */
export interface RiskNumbers {
  readonly dayPnl: Money | undefined;
  readonly netLiq: Money | undefined;
  readonly highWaterMark: Money | undefined;
  readonly trailingThreshold: Money | undefined;
  readonly openContracts: number;
  readonly riskUnknown: string | undefined;
  /** Fees in today's figures; `source` is where the latest fill's figure came from. */
  readonly fees: {
    readonly today: Money;
    readonly source: 'broker' | 'preset' | 'account' | 'none' | undefined;
    readonly schedule: 'preset' | 'account' | undefined;
    readonly preset: string | undefined;
  };
  /** The broker's balance and the engine's while they differ by more than a cent; the rules use the lower. */
  readonly drift: { readonly broker: Money; readonly engine: Money; readonly difference: Money } | undefined;
  /** The day PnL at which the consistency rule locks now. */
  readonly consistencyThreshold: Money | undefined;
  /** The last broker snapshot whose balance differed from the engine's cash (the broker's was taken). */
  readonly snapshotDrift: { readonly broker: Money; readonly engine: Money; readonly at: number } | undefined;
}

/** One open position as the risk engine prices it (Dashboard): entry from its lots, the latest mark. */
export interface OpenPositionNumbers {
  readonly contract: ContractCode;
  readonly netPos: number;
  /** Average entry price of the open lots; undefined when the broker gave none. */
  readonly avgPrice: number | undefined;
  readonly mark: number | undefined;
  /** Undefined until the contract has a price (or its entry is unknown). */
  readonly openPnl: Money | undefined;
}

/** A fill of the current trading day, with what it realized (undefined: learnt from a snapshot). */
export type DayFillRecord = RiskFillInput & { readonly realized?: Money | undefined };

export interface RiskPort {
  setAccount(accountId: string, rules: RiskRulesInput): void;
  removeAccount(accountId: string): void;
  rebase(
    accountId: string,
    snapshot: {
      readonly balance: Money;
      readonly positions: readonly { readonly contract: ContractCode; readonly netPos: number; readonly avgPrice?: number }[];
      readonly fills: readonly RiskFillInput[];
    },
  ): void;
  onFill(accountId: string, fill: RiskFillInput): void;
  /** The broker's fees for a fill delivered without them. */
  onFee(accountId: string, fillId: string, fees: Money): void;
  /** The broker's live cash balance, compared with the engine's own. */
  onBalance(accountId: string, balance: Money): void;
  onQuote(contract: ContractCode, price: number, time: number): void;
  setConnected(accountId: string, connected: boolean): void;
  gate(accountId: string): RiskGateView;
  /** Open locks of an account, breach first. */
  openLocks(accountId: string): readonly { readonly id: string; readonly kind: 'breach' | 'soft'; readonly rule: string }[];
  unlock(accountId: string, acknowledgement: string, lockId?: string): { readonly ok: true } | { readonly ok: false; readonly message: string };
  numbers(accountId: string): RiskNumbers;
  /** Open positions with entry, mark and open PnL (views only, never the copy path). */
  openPositions(accountId: string): readonly OpenPositionNumbers[];
  /** The last `limit` fills of the trading day, newest last. */
  dayFills(accountId: string, limit: number): readonly DayFillRecord[];
  locks(filter?: { readonly accountId?: string; readonly open?: boolean }): readonly RiskLockRecord[];
  lock(id: string): RiskLockRecord | undefined;
  dispose(): void;
}

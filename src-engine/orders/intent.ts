import type { ContractCode } from '../domain/contractCode';
import type { OrderType, Side } from './broker';
import type { IntentStatus } from './orderState';

/** Why an order exists; drives its priority and what its rejection means. */
export type IntentPurpose =
  /** Market order for a leader fill (target rule). */
  | 'copy'
  /** Follower copy of a leader working order. */
  | 'mirror'
  /** Closing a position by control or risk. */
  | 'flatten'
  /** Sent by Sync. */
  | 'sync'
  /** Market order for the gap after a mirror's grace, or a resumed decision after a restart. */
  | 'gap'
  /** The single retry of a rejected exit. */
  | 'retry';

/** Dispatch order when the request budget is tight (copy-semantics §8a). */
export const PRIORITY = { exit: 0, protective: 1, entry: 2, modify: 3 } as const;
export type Priority = (typeof PRIORITY)[keyof typeof PRIORITY];

export interface Intent {
  readonly tag: string;
  readonly accountId: string;
  readonly groupId: string | undefined;
  readonly purpose: IntentPurpose;
  /** The leader event or control that caused it (for the activity log and tag derivation). */
  readonly cause: string;
  readonly contract: ContractCode;
  readonly side: Side;
  readonly qty: number;
  readonly type: OrderType;
  readonly price: number | undefined;
  readonly bracket: { readonly stopLoss?: number; readonly takeProfit?: number } | undefined;
  /** For mirrors and grace: the leader order this follows. */
  readonly leaderOrderId: string | undefined;
  readonly priority: Priority;
  status: IntentStatus;
  brokerOrderId: string | undefined;
  filledQty: number;
  reason: string | undefined;
  readonly createdAt: number;
  updatedAt: number;
}

export function signedRemaining(i: Intent): number {
  const rest = Math.max(0, i.qty - i.filledQty);
  return i.side === 'buy' ? rest : -rest;
}

/** Whether this intent still moves C (the follower's position plus what in-flight orders will add). */
export function countsInFlight(i: Intent): boolean {
  return i.type === 'market' && !['filled', 'cancelled', 'rejected', 'abandoned'].includes(i.status);
}

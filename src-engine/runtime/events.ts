/**
 * What the engine tells its host (UI, scenario runner, logs) as it happens. Plain data.
 */
import type { ContractCode } from '../domain/contractCode';
import type { AccountId, GroupId, GroupStatus } from '../domain/group';
import type { ConnectionState } from '../orders/broker';
import type { IntentPurpose } from '../orders/intent';
import type { IntentStatus } from '../orders/orderState';

export interface IntentView {
  readonly tag: string;
  readonly accountId: AccountId;
  readonly groupId: GroupId | undefined;
  readonly purpose: IntentPurpose;
  readonly cause: string;
  readonly contract: ContractCode;
  readonly side: 'buy' | 'sell';
  readonly qty: number;
  readonly type: 'market' | 'limit' | 'stop';
  readonly price: number | undefined;
  readonly status: IntentStatus;
  readonly filledQty: number;
  readonly brokerOrderId: string | undefined;
  readonly reason: string | undefined;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export type EngineEvent =
  | { readonly t: 'intent'; readonly intent: IntentView }
  | {
      readonly t: 'decision';
      readonly time: number;
      readonly groupId: GroupId | undefined;
      readonly accountId: AccountId;
      readonly cause: string;
      readonly contract: ContractCode | undefined;
      readonly kind: string;
      readonly reason: string | undefined;
      readonly detail: string | undefined;
    }
  | { readonly t: 'rejection'; readonly accountId: AccountId; readonly tag: string; readonly contract: ContractCode; readonly reason: string; readonly action: 'quarantine' | 'retry' | 'outOfSync' | 'none' }
  | { readonly t: 'quarantine'; readonly accountId: AccountId; readonly root: string; readonly on: boolean; readonly reason: string }
  | { readonly t: 'outOfSync'; readonly accountId: AccountId; readonly root: string; readonly on: boolean; readonly detail: string }
  | { readonly t: 'groupStatus'; readonly groupId: GroupId; readonly name: string; readonly status: GroupStatus }
  | { readonly t: 'groupsChanged' }
  | { readonly t: 'connection'; readonly connectionId: string; readonly status: ConnectionState }
  | { readonly t: 'protocolError'; readonly connectionId: string; readonly detail: string }
  | { readonly t: 'lock'; readonly accountId: AccountId; readonly lockId: string; readonly kind: 'breach' | 'soft'; readonly rule: string; readonly on: boolean }
  | { readonly t: 'riskUnknown'; readonly accountId: AccountId; readonly on: boolean; readonly reason: string | undefined }
  | { readonly t: 'risk'; readonly accountId: AccountId }
  | { readonly t: 'position'; readonly accountId: AccountId; readonly contract: ContractCode; readonly netPos: number }
  /** Leader fill received → follower order written (sentMs) → broker acknowledged (ackMs). */
  | { readonly t: 'copyLatency'; readonly accountId: AccountId; readonly sentMs: number | undefined; readonly ackMs: number };

export type EngineListener = (e: EngineEvent) => void;

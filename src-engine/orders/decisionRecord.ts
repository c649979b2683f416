/**
 * What the journal keeps of a decision (copy-semantics §8): a row for every outcome that is not an
 * order of its own, and a leader event with the lifecycle it moved and the intents it decided,
 * written together (store/journal.ts) before any order is sent.
 */
import type { ContractCode } from '../domain/contractCode';
import type { Lifecycle } from '../copy/lifecycle';
import type { Intent } from './intent';

export interface DecisionRow {
  readonly time: number;
  readonly groupId: string | undefined;
  readonly accountId: string;
  readonly cause: string;
  readonly contract: ContractCode | undefined;
  readonly kind: string;
  readonly reason: string | undefined;
  readonly detail: string | undefined;
}

export interface LeaderDecision {
  readonly leaderAccount: string;
  /** Deduplication key of the leader event (e.g. `fill:<fillId>`). */
  readonly eventKey: string;
  readonly lifecycle: { readonly contract: ContractCode; readonly state: Lifecycle | undefined } | undefined;
  readonly intents: readonly Intent[];
  readonly decisions: readonly DecisionRow[];
}

/**
 * The open follower intents, indexed for the hot path: by tag, by broker order id, and the signed
 * quantity in flight per (account, contract) that makes up C = position + in-flight (§3).
 */
import type { ContractCode } from '../domain/contractCode';
import type { AccountId } from '../domain/group';
import { countsInFlight, signedRemaining, type Intent } from '../orders/intent';
import { isFinal } from '../orders/orderState';

export class IntentBook {
  private readonly byTag = new Map<string, Intent>();
  private readonly byOrderId = new Map<string, Intent>();

  add(intent: Intent): void {
    this.byTag.set(intent.tag, intent);
    if (intent.brokerOrderId !== undefined) this.byOrderId.set(intent.brokerOrderId, intent);
  }

  get(tag: string): Intent | undefined {
    return this.byTag.get(tag);
  }

  byOrder(orderId: string): Intent | undefined {
    return this.byOrderId.get(orderId);
  }

  link(intent: Intent, orderId: string): void {
    intent.brokerOrderId = orderId;
    this.byOrderId.set(orderId, intent);
  }

  /** Drops final intents from the index (they stay in the journal). */
  prune(intent: Intent): void {
    if (!isFinal(intent.status)) return;
    this.byTag.delete(intent.tag);
    if (intent.brokerOrderId !== undefined) this.byOrderId.delete(intent.brokerOrderId);
  }

  open(): Intent[] {
    return [...this.byTag.values()].filter((i) => !isFinal(i.status));
  }

  openFor(account: AccountId): Intent[] {
    return this.open().filter((i) => i.accountId === account);
  }

  /** Signed contracts that in-flight market orders of this account will still add in this contract. */
  inFlight(account: AccountId, contract: ContractCode): number {
    let sum = 0;
    for (const i of this.byTag.values()) {
      if (i.accountId === account && i.contract === contract && countsInFlight(i)) sum += signedRemaining(i);
    }
    return sum;
  }

  /** Per contract, for an account (maxContracts counts across every symbol). */
  inFlightByContract(account: AccountId): Map<ContractCode, number> {
    const out = new Map<ContractCode, number>();
    for (const i of this.byTag.values()) {
      if (i.accountId === account && countsInFlight(i)) out.set(i.contract, (out.get(i.contract) ?? 0) + signedRemaining(i));
    }
    return out;
  }

  /** An in-flight market intent not yet linked to a broker order: where an early fill belongs. */
  unlinkedFor(account: AccountId, contract: ContractCode, side: 'buy' | 'sell'): Intent | undefined {
    for (const i of this.byTag.values()) {
      if (i.accountId === account && i.contract === contract && i.side === side && i.brokerOrderId === undefined && countsInFlight(i)) return i;
    }
    return undefined;
  }
}

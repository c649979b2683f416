/**
 * Which scenario accounts share a connection. A budget belongs to a login, not an account
 * (copy-semantics §8a), so accounts of one broker under one login are one connection in the engine,
 * as the Connections screen makes them: one login listing all its accounts.
 */
import type { BrokerKind } from '../orders/broker';

export interface ScenarioConnection {
  readonly id: string;
  readonly broker: BrokerKind;
  readonly login: string;
  /** Scenario account ids, in file order. */
  readonly accounts: readonly string[];
}

/** An account's login: its own id unless it names a shared one. */
export function loginOf(account: { readonly id: string; readonly login?: string | undefined }): string {
  return account.login ?? account.id;
}

/**
 * One connection per (broker, login), in the order of each login's first account. Ids stay
 * `conn-LOGIN` (what scenarios without shared logins always had) unless the same login name is
 * used on two brokers, where the broker is added to keep them apart.
 */
export function scenarioConnections(accounts: readonly { readonly id: string; readonly login?: string | undefined }[], brokerOf: (accountId: string) => BrokerKind): ScenarioConnection[] {
  const byKey = new Map<string, { broker: BrokerKind; login: string; accounts: string[] }>();
  const brokersOfLogin = new Map<string, Set<BrokerKind>>();
  for (const a of accounts) {
    const broker = brokerOf(a.id);
    const login = loginOf(a);
    const key = `${broker}\u0000${login.toLowerCase()}`;
    const entry = byKey.get(key) ?? { broker, login, accounts: [] };
    entry.accounts.push(a.id);
    byKey.set(key, entry);
    const brokers = brokersOfLogin.get(login.toLowerCase()) ?? new Set<BrokerKind>();
    brokers.add(broker);
    brokersOfLogin.set(login.toLowerCase(), brokers);
  }
  return [...byKey.values()].map((c) => {
    const ambiguous = (brokersOfLogin.get(c.login.toLowerCase())?.size ?? 0) > 1;
    return { id: ambiguous ? `conn-${c.broker}-${c.login}` : `conn-${c.login}`, broker: c.broker, login: c.login, accounts: c.accounts };
  });
}

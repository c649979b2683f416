/** Which engine connections the chaos child configures for its accounts. */
import { scenarioConnections } from '../scenario/scenarioLogins';
import type { ChildAccount } from './protocol';

/** One engine connection and the accounts it lists. */
export interface ChildConnection {
  readonly id: string;
  readonly broker: ChildAccount['broker'];
  readonly name: string;
  readonly login: string;
  readonly accounts: readonly ChildAccount[];
}

/**
 * One connection per broker login with all its accounts, as the Connections screen makes them: a
 * budget belongs to a login (copy-semantics §8a). An account alone under its own login keeps the
 * id `conn-KEY` and name `broker:KEY` it always had, so the standard world configures as before.
 */
export function childConnections(accounts: readonly ChildAccount[]): ChildConnection[] {
  const byKey = new Map(accounts.map((a) => [a.key, a]));
  return scenarioConnections(
    accounts.map((a) => ({ id: a.key, login: a.login })),
    (key) => byKey.get(key)?.broker ?? 'tradovate',
  ).map((c) => ({
    id: c.id,
    broker: c.broker === 'projectx' ? 'projectx' : 'tradovate',
    name: `${c.broker}:${c.login}`,
    login: c.login,
    accounts: c.accounts.flatMap((k) => byKey.get(k) ?? []),
  }));
}

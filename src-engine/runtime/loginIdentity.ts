/**
 * Which broker login a connection signs in as. A broker counts requests per login, not per
 * connection (copy-semantics §8a), so two connections of one login would each keep a budget the
 * broker sees as one and spend it twice, and would list the same accounts twice. The engine keeps
 * one connection per login; its accounts all live under it.
 */
import type { ConnectionRow } from '../store/configRepository';

/**
 * Broker, server and user name, case-folded; undefined where the login is not known from the
 * settings (Sign in with Tradovate learns it only at sign-in) or the broker keeps no budget (paper).
 */
export function loginIdentity(row: Pick<ConnectionRow, 'broker' | 'settings'>): string | undefined {
  const s = row.settings;
  const text = (key: string): string | undefined => (typeof s[key] === 'string' && s[key] !== '' ? s[key].toLowerCase() : undefined);
  const user = text('username');
  if (user === undefined) return undefined;
  if (row.broker === 'tradovate') return `tradovate ${text('restUrl') ?? ''} ${user}`;
  if (row.broker === 'projectx') return `projectx ${text('apiUrl') ?? ''} ${user}`;
  return undefined;
}

/** Another stored connection that signs in as the same login as `row`, if any. */
export function connectionOfSameLogin(rows: readonly ConnectionRow[], row: Pick<ConnectionRow, 'id' | 'broker' | 'settings'>): ConnectionRow | undefined {
  const identity = loginIdentity(row);
  if (identity === undefined) return undefined;
  return rows.find((r) => r.id !== row.id && loginIdentity(r) === identity);
}

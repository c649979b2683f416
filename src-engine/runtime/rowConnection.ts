/**
 * The follower's connection as a "not connected" row says it (RowConnectionView): read from the
 * connection's runtime, so the row gives the same reason the Connections screen shows, not a bare
 * "not connected".
 */
import type { RowConnectionView } from '../api/views';
import type { BrokerConnection } from '../orders/broker';
import type { ConnectionRow } from '../store/configRepository';
import type { ConnectionRuntime } from './core';

export interface RowConnectionFacts {
  /** The connection's runtime; undefined when it could not even be created (no secret, bad settings). */
  readonly runtime: { readonly row: ConnectionRow; readonly status: ConnectionRuntime['status']; readonly connection: Pick<BrokerConnection, 'budget'> } | undefined;
  /** Its name when there is no runtime. */
  readonly name: string;
  readonly now: number;
}

export function rowConnection(f: RowConnectionFacts): RowConnectionView {
  const rt = f.runtime;
  if (!rt) return { name: f.name, status: { state: 'stopped' }, signIn: false, reading: false };
  const penaltyUntil = rt.connection.budget().penaltyUntil;
  return {
    name: rt.row.name,
    status: rt.status,
    signIn: rt.row.broker === 'tradovate' && rt.row.settings['auth'] === 'oauth',
    ...(penaltyUntil !== undefined && penaltyUntil > f.now ? { penaltyUntil } : {}),
    // Not live while connected: the engine is still reading (reconciling) the account.
    reading: rt.status.state === 'connected',
  };
}

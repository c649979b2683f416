import type { BrokerKind } from '../../orders/broker';

/** The scenario faults that act on the wire; each front-end applies them in its own broker's terms. */
export type WireFault =
  | { readonly kind: 'disconnect'; readonly ms: number }
  | { readonly kind: 'duplicateNextEvent' }
  | { readonly kind: 'delay'; readonly ms: number }
  | { readonly kind: 'expireToken' }
  | { readonly kind: 'rateLimit'; readonly ms: number };

/**
 * A broker simulator's wire front-end over the shared SimExchange: Tradovate (REST + SockJS-style
 * WebSocket), ProjectX (REST + SignalR JSON hubs), or paper (in-process, no socket).
 */
export interface SimFrontEnd {
  readonly broker: BrokerKind;
  /** Starts listening on 127.0.0.1 (port 0 = any free port). */
  start(port?: number): Promise<void>;
  /** Closes every socket and timer. */
  stop(): Promise<void>;
  /** Registers a login able to authenticate (its accounts are the exchange accounts with that login). */
  addLogin(login: string, secret: string): void;
  /** Applies a wire fault to the connections of the exchange account `accountId`, now. */
  applyFault(accountId: number, fault: WireFault): void;
  /** Work still scheduled at the wire level: held (delayed) messages, open disconnect windows, pending penalties. */
  pendingWork(): number;
  /** Resolves when pendingWork() reaches 0. */
  whenIdle(): Promise<void>;
}

/**
 * The SignalR client (@microsoft/signalr) can reject its internal handshake promise before it has
 * attached a handler to it, when a frame reaches it ahead of the handshake answer; Node then ends
 * the process for an "unhandled rejection" (chaos seeds 710061011, 1517800929: the whole engine
 * died). The connection itself is already failing over to a reconnect, so that one rejection is
 * logged and dropped. Every other unhandled rejection ends the process as Node's default does (the
 * supervisor restarts the engine): nothing of ours is swallowed.
 */
import type { Logger } from '../domain/log';

const SIGNALR_HANDSHAKE_RACE = /^Error parsing handshake response: |^HttpConnection\.stopConnection\(.*\) was called while the connection is still in the connecting state\.$/s;

/** Reasons the guard passed on: the uncaught exception they become can say it was a rejection. */
const passedOn = new WeakSet<object>();

export function wasUnhandledRejection(err: unknown): boolean {
  return typeof err === 'object' && err !== null && passedOn.has(err);
}

export function isSignalRHandshakeRace(reason: unknown): boolean {
  return reason instanceof Error && SIGNALR_HANDSHAKE_RACE.test(reason.message);
}

interface RejectionSource {
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
  off(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
}

/** Installs the guard on `proc` (the process by default); returns its removal. */
export function guardLibraryRejections(log: Logger, proc: RejectionSource = process): () => void {
  const onRejection = (reason: unknown): void => {
    if (isSignalRHandshakeRace(reason)) {
      log.warn('the ProjectX hub client failed a handshake; its connection retries', { error: reason instanceof Error ? reason.message : String(reason) });
      return;
    }
    if (typeof reason === 'object' && reason !== null) passedOn.add(reason);
    throw reason;
  };
  proc.on('unhandledRejection', onRejection);
  return () => proc.off('unhandledRejection', onRejection);
}

/**
 * Failures classified at the adapter edge (architecture practice 6). The class says what a caller
 * may do: permanent = never retry, transient = certainly not executed (retry later, from
 * `retryAt` when set), unknown = may have been executed (resolve by tag, never resend blindly).
 * `message` is the broker's own text when it gave one, for the user, scrubbed of secrets: an error
 * answer can echo the request (a password, the API secret, a p-ticket, the access token), and the
 * message is logged and shown.
 */
import { redactText } from '../../api/redact';
import type { OutcomeClass } from '../../orders/broker';

export class BrokerError extends Error {
  constructor(
    readonly outcome: OutcomeClass,
    message: string,
    readonly retryAt?: number,
    /** The HTTP-like status when the broker answered (401, 404, ...). */
    readonly status?: number,
  ) {
    super(redactText(message));
    this.name = 'BrokerError';
  }
}

export function asBrokerError(err: unknown, fallback: OutcomeClass): BrokerError {
  if (err instanceof BrokerError) return err;
  return new BrokerError(fallback, err instanceof Error ? err.message : String(err));
}

/** Thrown into pending work by stop()/abandon(). */
export function stoppedError(): BrokerError {
  return new BrokerError('transient', 'connection stopped');
}

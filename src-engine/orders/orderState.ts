/**
 * The life of one follower order (an intent), as one exhaustive table (status, event) → status.
 * An event the table does not allow is reported by the caller, never silently applied.
 */
export type IntentStatus =
  /** Journaled with its decision; not yet handed to the connection. */
  | 'planned'
  /** Waiting for the connection (reconnecting, budget exhausted, broker penalty). */
  | 'queued'
  /** The request is on the wire. */
  | 'sending'
  /** The request may or may not have been executed (timeout after writing): resolve by tag. */
  | 'unknown'
  /** The broker has it (pending, suspended or working). */
  | 'accepted'
  | 'partial'
  | 'filled'
  /** We asked the broker to cancel it. */
  | 'cancelling'
  | 'cancelled'
  | 'rejected'
  /** It never reached the broker and was superseded (after a restart, or a lifecycle that ended). */
  | 'abandoned';

export type IntentEvent =
  | 'queue'
  | 'send'
  | 'accepted'
  | 'rejected'
  /** Certainly not executed (socket down before sending, penalty before acceptance). */
  | 'notSent'
  | 'outcomeUnknown'
  /** Lookup by tag found it / certainly found nothing. */
  | 'found'
  | 'notFound'
  | 'partialFill'
  | 'filled'
  | 'cancelRequested'
  | 'cancelled'
  | 'abandon';

export const FINAL_STATUSES: ReadonlySet<IntentStatus> = new Set(['filled', 'cancelled', 'rejected', 'abandoned']);

const T: Readonly<Record<IntentStatus, Partial<Record<IntentEvent, IntentStatus>>>> = {
  planned: { queue: 'queued', send: 'sending', abandon: 'abandoned' },
  queued: { send: 'sending', abandon: 'abandoned', queue: 'queued' },
  sending: {
    accepted: 'accepted',
    rejected: 'rejected',
    notSent: 'queued',
    outcomeUnknown: 'unknown',
    // Fill events can overtake the place response on another socket.
    partialFill: 'partial',
    filled: 'filled',
    cancelled: 'cancelled',
  },
  unknown: {
    found: 'accepted',
    notFound: 'abandoned',
    // The lookup proved it never reached the broker: it may be sent again under the same tag.
    notSent: 'queued',
    accepted: 'accepted',
    rejected: 'rejected',
    partialFill: 'partial',
    filled: 'filled',
    cancelled: 'cancelled',
  },
  accepted: {
    accepted: 'accepted',
    found: 'accepted',
    partialFill: 'partial',
    filled: 'filled',
    cancelRequested: 'cancelling',
    cancelled: 'cancelled',
    // A broker may accept a request and reject the order afterwards (risk check, exchange).
    rejected: 'rejected',
  },
  partial: { partialFill: 'partial', filled: 'filled', cancelRequested: 'cancelling', cancelled: 'cancelled', accepted: 'partial', found: 'partial' },
  cancelling: {
    cancelled: 'cancelled',
    // Fill after cancel request: the order filled before the cancel reached the exchange.
    filled: 'filled',
    partialFill: 'cancelling',
    // The cancel was refused (already final) or lost: the order stands.
    accepted: 'accepted',
    cancelRequested: 'cancelling',
    found: 'cancelling',
  },
  filled: { filled: 'filled', accepted: 'filled', found: 'filled' },
  cancelled: { cancelled: 'cancelled', accepted: 'cancelled', found: 'cancelled', cancelRequested: 'cancelled' },
  rejected: { rejected: 'rejected', accepted: 'rejected', found: 'rejected' },
  abandoned: { abandon: 'abandoned' },
};

export type Transition = { readonly ok: true; readonly next: IntentStatus } | { readonly ok: false; readonly error: string };

export function transition(status: IntentStatus, event: IntentEvent): Transition {
  const next = T[status][event];
  return next === undefined ? { ok: false, error: `intent in status ${status} cannot take event ${event}` } : { ok: true, next };
}

export function isFinal(status: IntentStatus): boolean {
  return FINAL_STATUSES.has(status);
}

export const ALL_STATUSES = Object.keys(T) as IntentStatus[];

/**
 * What the browser brought back to the redirect address, decided before anything is sent: the
 * state must be the pending sign-in's (compared in constant time), within its time limit, and
 * carry a code; an `error` from Tradovate becomes its failure. Pure.
 */
import { timingSafeEqual } from 'node:crypto';
import { signInError, type SignInError } from './signInFailure';

export interface PendingSignIn {
  readonly state: string;
  readonly expiresAt: number;
}

export type CallbackOutcome = { readonly kind: 'exchange'; readonly code: string } | { readonly kind: 'failed'; readonly error: SignInError };

export function callbackOutcome(pending: PendingSignIn | undefined, query: URLSearchParams, now: number): CallbackOutcome {
  const state = query.get('state') ?? '';
  if (!pending || !sameText(state, pending.state)) return failed(signInError('stateMismatch'));
  if (now >= pending.expiresAt) return failed(signInError('timedOut'));
  const error = query.get('error');
  if (error !== null) return failed(errorOf(error, query.get('error_description') ?? undefined));
  const code = query.get('code');
  if (code === null || code.length === 0 || code.length > 4096) return failed(signInError('refused', 'no code in the answer'));
  return { kind: 'exchange', code };
}

/** RFC 6749 §4.1.2.1's error codes, as the trader's failure. */
function errorOf(error: string, description: string | undefined): SignInError {
  switch (error) {
    case 'access_denied':
      return signInError('cancelled');
    case 'invalid_redirect_uri':
    case 'redirect_uri_mismatch':
      return signInError('wrongRedirect', description ?? error);
    default:
      return signInError('refused', description ?? error);
  }
}

function failed(error: SignInError): CallbackOutcome {
  return { kind: 'failed', error };
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Every way a Sign in with Tradovate can end without a token, each with the sentence the trader
 * reads. Nothing in a message comes from the broker verbatim except its short error description,
 * which never holds a secret (the code and tokens are never echoed).
 */
export type SignInFailure =
  /** Tradovate refused the app (unknown client, wrong client secret, unsupported request). */
  | 'refused'
  /** The trader pressed Cancel on Tradovate's page. */
  | 'cancelled'
  /** The redirect URI is not the one the app started with, or Tradovate refused it. */
  | 'wrongRedirect'
  /** The code was used too late (or a second time). */
  | 'codeExpired'
  /** An answer that does not belong to a sign-in this app started. */
  | 'stateMismatch'
  /** No answer within the time limit. */
  | 'timedOut'
  /** Tradovate could not be reached, or answered something unreadable. */
  | 'unreachable'
  /** The user signed in is already another connection's login (one connection per login, §8a). */
  | 'loginInUse';

export interface SignInError {
  readonly failure: SignInFailure;
  readonly message: string;
}

const FIRST: Record<SignInFailure, string> = {
  refused: 'Tradovate refused the sign-in',
  cancelled: 'Sign-in cancelled on Tradovate\'s page: nothing was connected',
  wrongRedirect: 'Tradovate did not accept the address it was to send you back to',
  codeExpired: 'The sign-in code expired before Mirrorfill could use it: sign in again',
  stateMismatch: 'This answer does not belong to a sign-in Mirrorfill started, so it was ignored (nothing was saved)',
  timedOut: 'The sign-in took too long and was abandoned: sign in again',
  unreachable: 'Tradovate could not be reached to finish the sign-in',
  loginInUse: 'This Tradovate user is already connected in Mirrorfill: its accounts share that connection and its request budget, so nothing was added',
};

export function signInError(failure: SignInFailure, detail?: string): SignInError {
  const d = detail?.trim().slice(0, 300);
  return { failure, message: d ? `${FIRST[failure]} (${d})` : FIRST[failure] };
}

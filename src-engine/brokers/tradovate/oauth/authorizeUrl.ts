/** The address of Tradovate's sign-in page for one sign-in (RFC 6749 §4.1.1, RFC 7636 §4.3). */
export interface AuthorizeRequest {
  readonly authorizeUrl: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly state: string;
  /** S256 challenge; absent when the client is set not to send PKCE. */
  readonly codeChallenge?: string | undefined;
}

export function authorizeUrlOf(r: AuthorizeRequest): string {
  const u = new URL(r.authorizeUrl);
  u.searchParams.set('response_type', 'code');
  u.searchParams.set('client_id', r.clientId);
  u.searchParams.set('redirect_uri', r.redirectUri);
  u.searchParams.set('state', r.state);
  if (r.codeChallenge !== undefined) {
    u.searchParams.set('code_challenge', r.codeChallenge);
    u.searchParams.set('code_challenge_method', 'S256');
  }
  return u.toString();
}

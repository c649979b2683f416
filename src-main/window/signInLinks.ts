/**
 * Sign in with Tradovate on the desktop: the page asks for the sign-in address to open, main opens
 * it in the trader's own browser (where their password manager and 2FA live), never in the app's
 * window. Only an OAuth authorization request whose answer comes back to this machine is let
 * through, so the renderer cannot use this to open arbitrary addresses.
 */
const CALLBACK_PATH = '/oauth/tradovate/callback';

function isLoopback(u: URL): boolean {
  return u.hostname === '127.0.0.1' || u.hostname === '[::1]' || u.hostname === 'localhost';
}

export function isSignInUrl(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  // https for Tradovate; plain http only for a simulator on this machine (the demo).
  if (!(u.protocol === 'https:' || (u.protocol === 'http:' && isLoopback(u)))) return false;
  if (u.username !== '' || u.password !== '') return false;
  const q = u.searchParams;
  if (q.get('response_type') !== 'code' || !q.get('client_id') || !q.get('state')) return false;
  let back: URL;
  try {
    back = new URL(q.get('redirect_uri') ?? '');
  } catch {
    return false;
  }
  // Back to the engine's loopback listener, or to a registered https bounce page.
  return (back.protocol === 'http:' && isLoopback(back) && back.pathname === CALLBACK_PATH) || back.protocol === 'https:';
}

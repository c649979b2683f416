/**
 * The https bounce, for a Tradovate that refuses plain loopback redirect URIs: the app registers
 * one https page (bouncePage.html, hosted at `redirectUri`), Tradovate sends the trader there, and
 * the page forwards the answer, query untouched, to the app's loopback listener. The listener's
 * port rides in front of `state` (`<port>.<random>`), the one value Tradovate hands back verbatim;
 * the whole state is still checked by the app, and PKCE keeps a code forwarded to some other local
 * program useless to it.
 */
import { CALLBACK_PATH_OF_LOOPBACK } from './callbackPath';

export function stateWithPort(port: number, random: string): string {
  return `${port}.${random}`;
}

/** Where the bounce page sends the browser (the same logic as bouncePage.html's script). */
export function bounceTarget(search: string): string | undefined {
  const q = new URLSearchParams(search);
  const m = /^(\d{1,5})\./.exec(q.get('state') ?? '');
  const port = m ? Number(m[1]) : 0;
  if (!(port > 0 && port < 65536)) return undefined;
  return `http://127.0.0.1:${port}${CALLBACK_PATH_OF_LOOPBACK}${search.startsWith('?') ? search : `?${search}`}`;
}

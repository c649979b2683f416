/**
 * How the headless page proves it holds the server's token when it opens the API socket: as a
 * WebSocket subprotocol, next to the protocol name the server answers with.
 *
 * Why not a cookie: cookies are scoped by host, not port, so a cookie set by 127.0.0.1:PORT is sent
 * to every other server on 127.0.0.1. The page keeps the token in its own memory instead (taken from
 * the address it was opened with), and a subprotocol is the one header a browser lets a page set on
 * a WebSocket. The token is base64url-encoded because a subprotocol must be an HTTP token (no `=`).
 */
export const SOCKET_PROTOCOL = 'mirrorfill.v1';
const TOKEN_PREFIX = 'mirrorfill.token.';

/** The subprotocols a client offers: the protocol, then its token. */
export function socketProtocols(token: string): string[] {
  const bytes = new TextEncoder().encode(token);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  const encoded = btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return [SOCKET_PROTOCOL, `${TOKEN_PREFIX}${encoded}`];
}

/** The token a client offered in its `Sec-WebSocket-Protocol` header, if it offered one. */
export function tokenFromProtocols(header: string | undefined): string | undefined {
  for (const p of (header ?? '').split(',')) {
    const name = p.trim();
    if (!name.startsWith(TOKEN_PREFIX)) continue;
    const encoded = name.slice(TOKEN_PREFIX.length);
    if (!/^[A-Za-z0-9_-]*$/.test(encoded)) return undefined;
    try {
      const binary = atob(encoded.replace(/-/g, '+').replace(/_/g, '/'));
      return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
    } catch {
      return undefined; // not base64: no token offered
    }
  }
  return undefined;
}

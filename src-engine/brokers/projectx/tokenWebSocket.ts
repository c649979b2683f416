/**
 * The WebSocket class handed to @microsoft/signalr. Under Node the SignalR client sends the token
 * only as an `Authorization: Bearer` header, but the gateway requires it as the `access_token`
 * query parameter (§12.1); this class copies whatever token the client was given for *this*
 * attempt into the URL, so a reconnect always carries the current token. It also reports a 401 on
 * the upgrade, which SignalR would otherwise flatten into a generic "failed to connect".
 */
import WebSocket from 'ws';
import type { ClientRequestArgs } from 'node:http';

type Options = WebSocket.ClientOptions | ClientRequestArgs;

export function withAccessToken(address: string, token: string): string {
  const url = new URL(address);
  url.searchParams.set('access_token', token);
  return url.toString();
}

function bearerFrom(options: Options | undefined): string | undefined {
  const headers = options?.headers;
  if (!headers || Array.isArray(headers)) return undefined;
  const value = (headers as Record<string, unknown>).Authorization ?? (headers as Record<string, unknown>).authorization;
  if (typeof value !== 'string') return undefined;
  return /^Bearer\s+(.+)$/i.exec(value)?.[1];
}

export function tokenWebSocketClass(onUnauthorized: (token: string | undefined) => void, onListenerError: (error: unknown) => void = () => undefined) {
  return class TokenWebSocket extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[], options?: Options) {
      const token = bearerFrom(options);
      const target = token === undefined ? String(address) : withAccessToken(String(address), token);
      super(target, protocols, options);
      this.on('error', (e: Error) => {
        if (/Unexpected server response: 401\b/.test(e.message)) onUnauthorized(token);
      });
    }

    /**
     * The SignalR client throws from inside its socket listeners on a frame it cannot take (seen:
     * an event ahead of the handshake answer makes it throw "stopConnection ... still in the
     * connecting state"); thrown there, it would end the whole engine process (chaos seed
     * 1812819565). Such a socket is dropped instead and the hub channel connects again.
     */
    override emit(event: string | symbol, ...args: unknown[]): boolean {
      try {
        return super.emit(event, ...args);
      } catch (error) {
        onListenerError(error);
        if (this.readyState !== WebSocket.CLOSED) this.terminate();
        return true;
      }
    }
  };
}

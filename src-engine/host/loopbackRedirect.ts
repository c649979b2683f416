/**
 * The desktop app's redirect address (RFC 8252 §7.3): a one-sign-in HTTP listener on 127.0.0.1 at
 * a port the OS picks, answering only the callback path, closed when the sign-in ends. The system
 * browser brings Tradovate's answer here; nothing else is served.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CALLBACK_PATH, writeCallbackPage, type CallbackPage } from './signInCallbackPage';

export interface RedirectEndpoint {
  readonly redirectUri: string;
  close(): void;
}

/** Where a sign-in's answer arrives: a fresh loopback listener, or a path of a server already running. */
export type RedirectSource = (onAnswer: (query: URLSearchParams) => Promise<CallbackPage>) => Promise<RedirectEndpoint>;

export const loopbackRedirect: RedirectSource = async (onAnswer) => {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    if (req.method !== 'GET' || url.pathname !== CALLBACK_PATH || host !== '127.0.0.1') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    void onAnswer(url.searchParams).then((page) => writeCallbackPage(res, page));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    redirectUri: `http://127.0.0.1:${port}${CALLBACK_PATH}`,
    close: () => {
      server.close();
      server.closeIdleConnections();
    },
  };
};

/** Serve and demo: the headless server answers the callback path itself (its own address). */
export function servedRedirect(baseUrl: string): RedirectSource {
  return () => Promise.resolve({ redirectUri: `${baseUrl.replace(/\/+$/, '')}${CALLBACK_PATH}`, close: () => undefined });
}

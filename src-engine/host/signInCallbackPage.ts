/**
 * The page the browser shows after Tradovate sends the trader back: what happened, and where to
 * go next. Static text, no script, the strictest CSP: the address it answers carries the code.
 */
import type { ServerResponse } from 'node:http';
import { CALLBACK_PATH_OF_LOOPBACK } from '../brokers/tradovate/oauth/callbackPath';

export interface CallbackPage {
  readonly ok: boolean;
  readonly message: string;
}

export const CALLBACK_PATH = CALLBACK_PATH_OF_LOOPBACK;

export function writeCallbackPage(res: ServerResponse, page: CallbackPage): void {
  const title = page.ok ? 'Signed in to Tradovate' : 'Tradovate sign-in failed';
  const next = page.ok ? 'You can close this tab and go back to Mirrorfill.' : 'Go back to Mirrorfill to try again.';
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title></head><body><main><h1>${esc(title)}</h1><p role="status">${esc(page.message)}</p><p>${esc(next)}</p></main></body></html>`;
  res
    .writeHead(page.ok ? 200 : 400, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    })
    .end(body);
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

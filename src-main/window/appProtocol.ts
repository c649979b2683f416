/**
 * The renderer is served from `app://mirrorfill/`, a privileged custom scheme, instead of file://
 * (Electron's security checklist: file:// pages get broad file access and no response headers).
 * Serving it ourselves lets every response carry a strict Content-Security-Policy header, and
 * confines the page to the built renderer folder.
 */
import { readFile as fsReadFile } from 'node:fs/promises';
import { extname, normalize, resolve, sep } from 'node:path';
import type { ProtocolSeam } from '../seams';

export const APP_SCHEME = 'app';
export const APP_HOST = 'mirrorfill';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_URL = `${APP_ORIGIN}/index.html`;

/**
 * Same policy as the headless server's: only our own scripts, no inline script, no eval, no
 * plugins, no framing. Inline styles are allowed for React's `style` attributes.
 */
export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/** Must run before the app is ready (Electron's rule for privileged schemes). */
export function registerAppScheme(protocol: ProtocolSeam): void {
  // standard: relative URLs and an origin ('self' in the CSP); secure: treated like https.
  // Deliberately not bypassCSP, not corsEnabled.
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/**
 * The file a request asks for, inside `root` only; undefined for another host, a path that leaves
 * the folder, or a malformed URL.
 */
export function rendererFileFor(root: string, url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return undefined;
  let path: string;
  try {
    path = decodeURIComponent(u.pathname);
  } catch {
    return undefined;
  }
  if (path.includes('\0')) return undefined;
  const base = resolve(root);
  const full = normalize(resolve(base, `.${path === '/' ? '/index.html' : path}`));
  return full.startsWith(base + sep) ? full : undefined;
}

export type ReadFile = (path: string) => Promise<Uint8Array>;

/** Answers `app://mirrorfill/…` from the built renderer, with the CSP on every response. */
export function rendererResponse(root: string, readFile: ReadFile = fsReadFile): (request: Request) => Promise<Response> {
  const headers = (type?: string): Record<string, string> => ({
    'content-security-policy': CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    ...(type ? { 'content-type': type } : {}),
  });
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response(null, { status: 405, headers: headers() });
    const file = rendererFileFor(root, request.url);
    if (!file) return new Response(null, { status: 404, headers: headers() });
    const found = await readOrUndefined(readFile, file);
    if (found) return new Response(request.method === 'HEAD' ? null : toBody(found), { status: 200, headers: headers(TYPES[extname(file)] ?? 'application/octet-stream') });
    // A client-side route (no extension) gets the app shell; a missing asset is a 404.
    if (!extname(file)) {
      const index = await readOrUndefined(readFile, resolve(root, 'index.html'));
      if (index) return new Response(toBody(index), { status: 200, headers: headers(TYPES['.html']) });
    }
    return new Response(null, { status: 404, headers: headers() });
  };
}

export function serveRenderer(protocol: ProtocolSeam, root: string, readFile?: ReadFile): void {
  protocol.handle(APP_SCHEME, rendererResponse(root, readFile));
}

async function readOrUndefined(readFile: ReadFile, path: string): Promise<Uint8Array | undefined> {
  try {
    return await readFile(path);
  } catch {
    return undefined;
  }
}

/** A copy in a plain ArrayBuffer: what Response's body type accepts. */
function toBody(bytes: Uint8Array): ArrayBuffer {
  const copy = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(copy).set(bytes);
  return copy;
}

/**
 * One HTTP round trip to Tradovate's REST API, reduced to what the callers classify: an answer
 * (status and body), or a failure that says whether the request may have reached the server.
 * That distinction is the whole point: a place that failed before the connection was made is safe
 * to send again, one that failed after is "unknown" (architecture practice 5).
 */

import { poolFor } from '../jsonHttp';

export type HttpMethod = 'GET' | 'POST';

export interface HttpRequest {
  readonly method: HttpMethod;
  readonly url: string;
  readonly token?: string;
  readonly body?: unknown;
  readonly timeoutMs: number;
  /** Aborted by stop()/abandon(). */
  readonly signal: AbortSignal;
  /** performance.now() when the request's bytes were handed to the socket (latency measurement). */
  readonly onWritten?: (atMs: number) => void;
}

export type HttpResult =
  | { readonly kind: 'answer'; readonly status: number; readonly json: unknown; readonly text: string; readonly retryAfterMs?: number }
  | { readonly kind: 'failure'; readonly maybeExecuted: boolean; readonly timedOut: boolean; readonly aborted: boolean; readonly reason: string };

/** Errors raised before any byte could have reached the server. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'ERR_INVALID_URL']);

export async function httpCall(req: HttpRequest): Promise<HttpResult> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (req.body !== undefined) headers['Content-Type'] = 'application/json';
  if (req.token !== undefined) headers.Authorization = `Bearer ${req.token}`;
  let pool: ReturnType<typeof poolFor>;
  try {
    pool = poolFor(req.url, req.signal);
  } catch (err) {
    return { kind: 'failure', maybeExecuted: false, timedOut: false, aborted: false, reason: describe(err, 'ERR_INVALID_URL') };
  }
  const r = await pool.client.send({
    method: req.method,
    path: pool.path,
    headers,
    ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
    timeoutMs: req.timeoutMs,
    signal: req.signal,
    ...(req.onWritten ? { onWritten: req.onWritten } : {}),
  });
  if (r.kind === 'failure') {
    const timedOut = r.timedOut && !req.signal.aborted;
    const aborted = req.signal.aborted;
    return {
      kind: 'failure',
      maybeExecuted: !(r.code !== undefined && NOT_SENT_CODES.has(r.code)),
      timedOut,
      aborted,
      reason: timedOut ? `no answer within ${req.timeoutMs} ms` : aborted ? 'connection stopped' : describe(new Error(r.message), r.code),
    };
  }
  let json: unknown = undefined;
  if (r.text.length > 0) {
    try {
      json = JSON.parse(r.text) as unknown;
    } catch {
      json = undefined;
    }
  }
  const retryAfter = Number(r.retryAfter ?? null);
  return { kind: 'answer', status: r.status, json, text: r.text, ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}) };
}

function describe(err: unknown, code: string | undefined): string {
  const msg = err instanceof Error ? err.message : String(err);
  return code !== undefined ? `${msg} (${code})` : msg;
}

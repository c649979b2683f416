/**
 * One HTTP round trip to Tradovate's REST API, reduced to what the callers classify: an answer
 * (status and body), or a failure that says whether the request may have reached the server.
 * That distinction is the whole point: a place that failed before the connection was made is safe
 * to send again, one that failed after is "unknown" (architecture practice 5).
 */

export type HttpMethod = 'GET' | 'POST';

export interface HttpRequest {
  readonly method: HttpMethod;
  readonly url: string;
  readonly token?: string;
  readonly body?: unknown;
  readonly timeoutMs: number;
  /** Aborted by stop()/abandon(). */
  readonly signal: AbortSignal;
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
  const timeout = AbortSignal.timeout(req.timeoutMs);
  const signal = AbortSignal.any([req.signal, timeout]);
  try {
    const res = await fetch(req.url, {
      method: req.method,
      headers,
      ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
      signal,
    });
    const text = await res.text();
    let json: unknown = undefined;
    if (text.length > 0) {
      try {
        json = JSON.parse(text) as unknown;
      } catch {
        json = undefined;
      }
    }
    const retryAfter = Number(res.headers.get('retry-after'));
    return { kind: 'answer', status: res.status, json, text, ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}) };
  } catch (err) {
    const timedOut = timeout.aborted && !req.signal.aborted;
    const aborted = req.signal.aborted;
    const code = errorCode(err);
    return {
      kind: 'failure',
      maybeExecuted: !(code !== undefined && NOT_SENT_CODES.has(code)),
      timedOut,
      aborted,
      reason: timedOut ? `no answer within ${req.timeoutMs} ms` : aborted ? 'connection stopped' : describe(err, code),
    };
  }
}

/** fetch() wraps the socket error as `cause` (undici); dig for its code. */
function errorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && typeof e === 'object' && e !== null; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function describe(err: unknown, code: string | undefined): string {
  const msg = err instanceof Error ? err.message : String(err);
  return code !== undefined ? `${msg} (${code})` : msg;
}

/**
 * `POST /auth/oauthtoken`: the code, the redirect URI it was issued for, the client's id and
 * secret and the PKCE verifier, for the access token. Sent as a form (the official example and
 * RFC 6749); a server that answers 415 gets the same fields as JSON (the partner reference), and a
 * 404 moves on to the next candidate address. Nothing here is logged: the body holds the secret.
 */
import { readTokenAnswer, type TokenAnswer } from './tokenAnswer';
import { signInError } from './signInFailure';

export interface CodeExchangeRequest {
  readonly tokenUrls: readonly string[];
  readonly code: string;
  readonly redirectUri: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly codeVerifier: string | undefined;
  readonly timeoutMs: number;
  readonly now: () => number;
}

export async function exchangeCode(r: CodeExchangeRequest): Promise<TokenAnswer> {
  const fields: Record<string, string> = { grant_type: 'authorization_code', code: r.code, redirect_uri: r.redirectUri, client_id: r.clientId, client_secret: r.clientSecret };
  if (r.codeVerifier !== undefined) fields.code_verifier = r.codeVerifier;
  let last: TokenAnswer = { ok: false, error: signInError('unreachable', 'no token address') };
  for (const url of r.tokenUrls) {
    let answer = await post(url, 'form', fields, r.timeoutMs);
    if (answer.status === 415) answer = await post(url, 'json', fields, r.timeoutMs);
    if (answer.status === 0) return { ok: false, error: signInError('unreachable', answer.text) };
    last = readTokenAnswer(answer.status, answer.json, r.now());
    if (answer.status !== 404) return last;
  }
  return last;
}

interface Posted {
  /** 0: no answer (the text says why). */
  readonly status: number;
  readonly json: unknown;
  readonly text: string;
}

async function post(url: string, as: 'form' | 'json', fields: Record<string, string>, timeoutMs: number): Promise<Posted> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': as === 'form' ? 'application/x-www-form-urlencoded' : 'application/json' },
      body: as === 'form' ? new URLSearchParams(fields).toString() : JSON.stringify(fields),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text) as unknown;
    } catch {
      json = res.status === 404 ? {} : undefined;
    }
    return { status: res.status, json, text: text.slice(0, 200) };
  } catch (err) {
    const timedOut = err instanceof Error && err.name === 'TimeoutError';
    return { status: 0, json: undefined, text: timedOut ? `no answer within ${timeoutMs} ms` : `${new URL(url).host} unreachable` };
  }
}

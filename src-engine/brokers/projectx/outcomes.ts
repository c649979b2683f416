/**
 * REST answers to write requests, classified at the adapter edge (architecture practice 6):
 * permanent (the broker said no), transient (certainly not executed: safe to send later) or
 * unknown (may have executed: look it up, never resend blindly).
 */
import type { CommandOutcome } from '../../orders/broker';
import { describeFailure } from './gatewayQueries';
import type { RestOutcome } from './restClient';
import type { Decoded, Envelope } from './restCodec';
import type { AuthAttempt } from './tokenManager';
import { isAmbiguousCode, type Endpoint } from './wireEnums';

/** How soon a request refused before execution (401 after renewal, socket not connected) may go again. */
const SOON_MS = 1_000;

export type Failure = Extract<CommandOutcome, { ok: false }>;

/** Every non-envelope answer, for any write. */
export function transportFailure(r: Exclude<RestOutcome, { kind: 'envelope' }>, nowMs: number): Failure {
  switch (r.kind) {
    case 'rateLimited':
      return { ok: false, class: 'transient', reason: 'rate limited by the broker', retryAt: r.retryAt };
    case 'unauthorized':
      // A 401 means the request was not executed (§3.3).
      return { ok: false, class: 'transient', reason: r.detail, retryAt: nowMs + SOON_MS };
    case 'noAnswer':
      return r.sent ? { ok: false, class: 'unknown', reason: r.detail } : { ok: false, class: 'transient', reason: r.detail, retryAt: nowMs + SOON_MS };
    case 'httpError':
      return { ok: false, class: r.status >= 500 ? 'unknown' : 'permanent', reason: `HTTP ${r.status}: ${r.detail}` };
    case 'malformed':
      return { ok: false, class: 'unknown', reason: `unreadable answer: ${r.detail}` };
  }
}

/** A business failure: permanent, unless the code says the outcome is not known (Pending, UnknownError). */
export function businessFailure(endpoint: Endpoint, env: Envelope): Failure {
  const reason = describeFailure(endpoint, env);
  return { ok: false, class: isAmbiguousCode(endpoint, env.errorCode) ? 'unknown' : 'permanent', reason };
}

export function commandOutcome(endpoint: Endpoint, r: RestOutcome, nowMs: number): CommandOutcome {
  if (r.kind !== 'envelope') return transportFailure(r, nowMs);
  return r.env.success ? { ok: true } : businessFailure(endpoint, r.env);
}

/** A login or validate answer for the token manager: `refused` means the user must act. */
export function authAttempt(endpoint: 'Auth/loginKey' | 'Auth/validate', r: RestOutcome, decode: (env: Envelope) => Decoded<string>): AuthAttempt {
  switch (r.kind) {
    case 'envelope': {
      if (!r.env.success) return { ok: false, refused: true, reason: describeFailure(endpoint, r.env) };
      const t = decode(r.env);
      return t.ok ? { ok: true, token: t.value } : { ok: false, refused: false, reason: t.error };
    }
    case 'unauthorized':
      return { ok: false, refused: endpoint === 'Auth/loginKey', reason: `${endpoint}: ${r.detail}` };
    case 'httpError':
      // 400 on login is a body the gateway will never accept: no point retrying it.
      return { ok: false, refused: endpoint === 'Auth/loginKey' && r.status === 400, reason: `${endpoint}: HTTP ${r.status} ${r.detail}` };
    case 'rateLimited':
      return { ok: false, refused: false, reason: `${endpoint}: rate limited` };
    case 'noAnswer':
    case 'malformed':
      return { ok: false, refused: false, reason: `${endpoint}: ${r.detail}` };
  }
}

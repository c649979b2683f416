/**
 * Reads the code exchange's answer, tolerant of both shapes sources show: OAuth's `access_token`
 * / `expires_in` (seconds) with `error` / `error_description` (the official example, the partner
 * reference), and Tradovate's own `accessToken` / `expirationTime` / `errorText` (its other auth
 * answers). Pure.
 */
import { z } from 'zod';
import { signInError, type SignInError } from './signInFailure';

export interface ExchangedToken {
  readonly accessToken: string;
  /** Absent in OAuth's shape; the md socket accepts the access token too (§3.3). */
  readonly mdAccessToken: string | undefined;
  readonly expiresAt: number;
  readonly userId: number | undefined;
  readonly userName: string | undefined;
}

export type TokenAnswer = { readonly ok: true; readonly token: ExchangedToken } | { readonly ok: false; readonly error: SignInError };

const answerSchema = z.looseObject({
  access_token: z.string().min(1).optional(),
  expires_in: z.union([z.number(), z.string().regex(/^\d+$/)]).optional(),
  accessToken: z.string().min(1).optional(),
  mdAccessToken: z.string().min(1).optional(),
  expirationTime: z.string().optional(),
  userId: z.number().int().optional(),
  name: z.string().optional(),
  error: z.string().optional(),
  error_description: z.string().optional(),
  errorText: z.string().optional(),
});

/** When an answer gives no lifetime at all: Tradovate's documented 80 to 90 minutes, the shorter. */
const DEFAULT_LIFETIME_MS = 80 * 60_000;

export function readTokenAnswer(status: number, json: unknown, now: number): TokenAnswer {
  const parsed = answerSchema.safeParse(json);
  if (!parsed.success) return { ok: false, error: signInError('unreachable', `HTTP ${status}, unreadable answer`) };
  const a = parsed.data;
  if (a.error !== undefined) return { ok: false, error: errorOf(a.error, a.error_description) };
  if (a.errorText !== undefined && a.errorText.length > 0) return { ok: false, error: signInError('refused', a.errorText) };
  if (status === 401 || status === 403) return { ok: false, error: signInError('refused', `HTTP ${status}`) };
  if (status < 200 || status >= 300) return { ok: false, error: signInError(status >= 500 ? 'unreachable' : 'refused', `HTTP ${status}`) };
  const accessToken = a.access_token ?? a.accessToken;
  if (accessToken === undefined) return { ok: false, error: signInError('unreachable', 'the answer holds no token') };
  const expiresAt = a.expires_in !== undefined ? now + Number(a.expires_in) * 1000 : a.expirationTime !== undefined && Number.isFinite(Date.parse(a.expirationTime)) ? Date.parse(a.expirationTime) : now + DEFAULT_LIFETIME_MS;
  return { ok: true, token: { accessToken, mdAccessToken: a.mdAccessToken, expiresAt, userId: a.userId, userName: a.name } };
}

function errorOf(error: string, description: string | undefined): SignInError {
  const d = description ?? error;
  switch (error) {
    case 'invalid_grant':
      // One error code covers a spent or expired code and a redirect mismatch (RFC 6749 §5.2); the description tells them apart.
      if (/redirect/i.test(d)) return signInError('wrongRedirect', d);
      return signInError('codeExpired', d);
    case 'invalid_client':
    case 'unauthorized_client':
      return signInError('refused', `Mirrorfill's OAuth client was not accepted: ${d}`);
    default:
      return signInError('refused', d);
  }
}

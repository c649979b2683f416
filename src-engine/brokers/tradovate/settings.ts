/**
 * What the user configures for a Tradovate login, and the secret kept in the OS keychain. The
 * secret never reaches a log line or an error text.
 */
import { z } from 'zod';

const url = (schemes: readonly string[]) =>
  z.string().refine((s) => {
    try {
      return schemes.includes(new URL(s).protocol);
    } catch {
      return false;
    }
  }, `must be a ${schemes.join(' or ')} URL`);

export const tradovateSettingsSchema = z.object({
  /** Human name of the connection, for logs and the UI. */
  name: z.string().min(1),
  /** REST base including `/v1`, e.g. https://demo.tradovateapi.com/v1 */
  restUrl: url(['http:', 'https:']),
  /** Trading socket, e.g. wss://demo.tradovateapi.com/v1/websocket */
  wsUrl: url(['ws:', 'wss:']),
  /** Market-data socket, e.g. wss://md.tradovateapi.com/v1/websocket */
  mdUrl: url(['ws:', 'wss:']),
  /**
   * How the connection signs in: `oauth` (Sign in with Tradovate: the trader signs in on
   * Tradovate's page, the app holds the token) or `apiKey` (the default: user, password and the
   * trader's own API key). The user, app id, app version and cid are the API key's and required
   * for it only (tradovateLoginProblems).
   */
  auth: z.enum(['apiKey', 'oauth']).optional(),
  username: z.string().min(1).max(64).optional(),
  appId: z.string().min(1).max(64).optional(),
  appVersion: z.string().min(1).max(64).optional(),
  /** The API key's client id; a number in every example, a string in the spec. */
  cid: z.string().min(1).max(64).optional(),
  /** Stable per device; live trading answers 401 when it is missing or changes (§2.1). */
  deviceId: z.string().min(1).max(64),
});

export type TradovateSettings = z.infer<typeof tradovateSettingsSchema>;

const API_KEY_FIELDS = ['username', 'appId', 'appVersion', 'cid'] as const;

/** The fields an API-key login cannot do without, as field → message (none for OAuth). */
export function tradovateLoginProblems(s: Readonly<Record<string, string | undefined>>): { readonly field: string; readonly message: string }[] {
  if (s.auth === 'oauth') return [];
  return API_KEY_FIELDS.filter((f) => s[f] === undefined || s[f] === '').map((field) => ({ field, message: 'required for an API-key login' }));
}

export interface TradovateSecret {
  readonly password: string;
  /** The API key's secret. */
  readonly sec: string;
}

export const tradovateSecretSchema = z.object({ password: z.string().min(1).max(64), sec: z.string().min(1).max(8192) });

/**
 * What Sign in with Tradovate leaves in the keychain: the access token (renewed before expiry
 * and saved again each time) and who it belongs to. The keychain holds strings only.
 */
export interface TradovateOAuthToken {
  readonly accessToken: string;
  readonly mdAccessToken: string;
  /** Epoch ms. */
  readonly expiresAt: number;
  readonly userId: number;
  readonly userName: string;
}

export const tradovateOAuthSecretSchema = z
  .object({ auth: z.literal('oauth'), accessToken: z.string().min(1), mdAccessToken: z.string().min(1), expiresAt: z.string().regex(/^\d+$/), userId: z.string().regex(/^\d+$/), userName: z.string() })
  .transform((s): TradovateOAuthToken => ({ accessToken: s.accessToken, mdAccessToken: s.mdAccessToken, expiresAt: Number(s.expiresAt), userId: Number(s.userId), userName: s.userName }));

export function oauthTokenSecret(t: TradovateOAuthToken): Record<string, string> {
  return { auth: 'oauth', accessToken: t.accessToken, mdAccessToken: t.mdAccessToken, expiresAt: String(t.expiresAt), userId: String(t.userId), userName: t.userName };
}

/** How a connection proves who it is: the API key's login, or a token from Sign in with Tradovate. */
export type TradovateCredentials =
  | { readonly kind: 'apiKey'; readonly secret: TradovateSecret }
  | {
      readonly kind: 'oauth';
      readonly token: TradovateOAuthToken;
      /** Keeps a renewed token (the keychain), so a restart resumes with it. */
      readonly save: (token: TradovateOAuthToken) => Promise<void>;
    };

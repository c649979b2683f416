/**
 * The OAuth client Mirrorfill signs in as: its id and secret (registered with Tradovate) and the
 * broker's addresses. From the environment or a settings file in the data folder; the product's
 * own registered client, once it has one, goes in BUILT_IN_CLIENT. The secret is the app's, not the
 * trader's: it never reaches a log line, the renderer or the database.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { rememberSecret } from '../../../api/redact';

export interface TradovateOAuthClient {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Tradovate's sign-in page. */
  readonly authorizeUrl: string;
  /** The code exchange; absent, derived from the connection's REST address (tokenUrlsFor). */
  readonly tokenUrl?: string | undefined;
  /** Send a PKCE challenge (default on; off for a server that refuses unknown parameters). */
  readonly pkce: boolean;
  /**
   * A registered https redirect (a bounce page that forwards to the loopback address in `state`'s
   * place) for a server that refuses plain loopback URIs; absent, the loopback URI is sent.
   */
  readonly redirectUri?: string | undefined;
  /** Where it came from, for the Connections screen ("environment", a file path, "built in"). */
  readonly source: string;
}

/** The official example's sign-in page. */
export const TRADOVATE_AUTHORIZE_URL = 'https://trader.tradovate.com/oauth';

/** The product's own registered client: none yet (see the README's Tradovate section). */
const BUILT_IN_CLIENT: Omit<TradovateOAuthClient, 'source'> | undefined = undefined;

export const OAUTH_SETTINGS_FILE = 'tradovate-oauth.json';

const fileSchema = z.strictObject({
  clientId: z.string().min(1).max(200),
  clientSecret: z.string().min(1).max(2000),
  authorizeUrl: z.url().optional(),
  tokenUrl: z.url().optional(),
  pkce: z.boolean().optional(),
  redirectUri: z.url().optional(),
});

export type OAuthClientLookup = { readonly client: TradovateOAuthClient } | { readonly client: undefined; readonly why: string };

/** The environment first (MIRRORFILL_TRADOVATE_CLIENT_ID / _SECRET, _AUTH_URL, _TOKEN_URL, _PKCE=0, _REDIRECT_URI), then the file, then the built-in client. */
export function findOAuthClient(env: NodeJS.ProcessEnv, dataDir: string | undefined): OAuthClientLookup {
  const id = env.MIRRORFILL_TRADOVATE_CLIENT_ID;
  const secret = env.MIRRORFILL_TRADOVATE_CLIENT_SECRET;
  if (id && secret) {
    return {
      client: remembered({
        clientId: id,
        clientSecret: secret,
        authorizeUrl: env.MIRRORFILL_TRADOVATE_AUTH_URL || TRADOVATE_AUTHORIZE_URL,
        tokenUrl: env.MIRRORFILL_TRADOVATE_TOKEN_URL || undefined,
        pkce: env.MIRRORFILL_TRADOVATE_PKCE !== '0',
        redirectUri: env.MIRRORFILL_TRADOVATE_REDIRECT_URI || undefined,
        source: 'environment',
      }),
    };
  }
  if (dataDir !== undefined) {
    const path = join(dataDir, OAUTH_SETTINGS_FILE);
    let text: string | undefined;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      text = undefined;
    }
    if (text !== undefined) {
      let parsed: z.infer<typeof fileSchema>;
      try {
        parsed = fileSchema.parse(JSON.parse(text));
      } catch (err) {
        // The file's content is not repeated: it holds the client secret.
        return { client: undefined, why: `${path} is not a valid OAuth client file (${err instanceof SyntaxError ? 'not JSON' : 'expected clientId, clientSecret and optional authorizeUrl, tokenUrl, pkce, redirectUri'})` };
      }
      return { client: remembered({ ...parsed, authorizeUrl: parsed.authorizeUrl ?? TRADOVATE_AUTHORIZE_URL, pkce: parsed.pkce ?? true, source: path }) };
    }
  }
  if (BUILT_IN_CLIENT) return { client: { ...BUILT_IN_CLIENT, source: 'built in' } };
  return {
    client: undefined,
    why: `Sign in with Tradovate needs an OAuth client registered with Tradovate: set MIRRORFILL_TRADOVATE_CLIENT_ID and MIRRORFILL_TRADOVATE_CLIENT_SECRET, or put them in ${dataDir !== undefined ? join(dataDir, OAUTH_SETTINGS_FILE) : OAUTH_SETTINGS_FILE}`,
  };
}

function remembered(c: TradovateOAuthClient): TradovateOAuthClient {
  rememberSecret(c.clientSecret);
  return c;
}

/**
 * Where to exchange the code, in the order tried: the client's own setting; else the host root of
 * the connection's REST address (the official example, `https://live.tradovateapi.com/auth/oauthtoken`),
 * then under `/v1` (the partner reference). A 404 moves on to the next.
 */
export function tokenUrlsFor(client: TradovateOAuthClient, restUrl: string): string[] {
  if (client.tokenUrl !== undefined) return [client.tokenUrl];
  const rest = new URL(restUrl);
  const root = `${rest.origin}/auth/oauthtoken`;
  const underRest = `${restUrl.replace(/\/+$/, '')}/auth/oauthtoken`;
  return root === underRest ? [root] : [root, underRest];
}

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
  username: z.string().min(1).max(64),
  appId: z.string().min(1).max(64),
  appVersion: z.string().min(1).max(64),
  /** The API key's client id; a number in every example, a string in the spec. */
  cid: z.string().min(1).max(64),
  /** Stable per device; live trading answers 401 when it is missing or changes (§2.1). */
  deviceId: z.string().min(1).max(64),
});

export type TradovateSettings = z.infer<typeof tradovateSettingsSchema>;

export interface TradovateSecret {
  readonly password: string;
  /** The API key's secret. */
  readonly sec: string;
}

export const tradovateSecretSchema = z.object({ password: z.string().min(1).max(64), sec: z.string().min(1).max(8192) });

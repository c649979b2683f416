/**
 * Stored connection rows → live production adapters. Settings are validated at save time against
 * a strict schema per broker (so the form shows the field, and nothing unknown, a password least
 * of all, is saved in plain settings); what is stored is the parsed value. The secret is read from
 * the keychain only at connect time and handed to the adapter, never stored elsewhere.
 */
import { z } from 'zod';
import type { Catalog } from '../domain/instruments';
import type { Clock } from '../domain/clock';
import type { Logger } from '../domain/log';
import { Refusal, type Issue } from '../domain/refusal';
import { isSecretKey } from '../api/redact';
import type { BrokerConnection } from '../orders/broker';
import { createTradovateConnection, tradovateSecretSchema, tradovateSettingsSchema } from '../brokers/tradovate/adapter';
import { oauthTokenSecret, tradovateLoginProblems, tradovateOAuthSecretSchema } from '../brokers/tradovate/settings';
import { createProjectXConnection, projectXSecretSchema, projectXSettingsSchema } from '../brokers/projectx/adapter';
import { PaperConnection, type PaperSim } from '../brokers/paper/paperBroker';
import type { ConnectionRow } from '../store/configRepository';
import type { SecretStore } from '../secrets/secretStore';

/** Well-known hosts, offered in the Connections form (the user may enter others). */
export const BROKER_HOSTS = {
  tradovate: {
    demo: { restUrl: 'https://demo.tradovateapi.com/v1', wsUrl: 'wss://demo.tradovateapi.com/v1/websocket', mdUrl: 'wss://md.tradovateapi.com/v1/websocket' },
    live: { restUrl: 'https://live.tradovateapi.com/v1', wsUrl: 'wss://live.tradovateapi.com/v1/websocket', mdUrl: 'wss://md.tradovateapi.com/v1/websocket' },
  },
  projectx: {
    topstepx: { apiUrl: 'https://api.topstepx.com', userHubUrl: 'https://rtc.topstepx.com/hubs/user', marketHubUrl: 'https://rtc.topstepx.com/hubs/market' },
  },
} as const;

// Reading a stored row drops keys it does not know (rows saved before the schemas were strict);
// saving refuses them.
const tradovateStored = tradovateSettingsSchema.omit({ name: true });
const projectxStored = projectXSettingsSchema.omit({ name: true });
const paperStored = z.object({ login: z.string().min(1).max(64) });
const SAVED = {
  tradovate: z.strictObject(tradovateStored.shape),
  projectx: z.strictObject(projectxStored.shape),
  paper: z.strictObject(paperStored.shape),
} as const;

/** The settings to store: exactly the broker's known keys, checked; refuses anything else, naming the field. */
export function checkConnectionSettings(broker: 'paper' | 'tradovate' | 'projectx', settings: Readonly<Record<string, string>>): Record<string, string> {
  const r = SAVED[broker].safeParse(settings);
  if (r.success) {
    const missing = broker === 'tradovate' ? tradovateLoginProblems(r.data) : [];
    if (missing.length === 0) return r.data;
    throw new Refusal(missing.map((m) => ({ field: `settings.${m.field}`, message: m.message })));
  }
  const issues: Issue[] = [];
  for (const i of r.error.issues) {
    if (i.code === 'unrecognized_keys') {
      for (const key of i.keys) {
        const why = isSecretKey(key) ? ' (a secret is entered separately and kept in the OS keychain, never in settings)' : '';
        issues.push({ field: `settings.${key}`, message: `unknown setting "${key}" for a ${broker} connection${why}` });
      }
    } else issues.push({ field: `settings.${i.path.map(String).join('.')}`, message: i.message });
  }
  throw new Refusal(issues);
}

export interface ConnectionFactoryDeps {
  readonly secrets: SecretStore;
  readonly catalog: Catalog;
  readonly clock: Clock;
  readonly log: Logger;
  /** A local paper exchange (demo); without one, paper connections are refused. */
  readonly paper?: PaperSim;
}

export function connectionFactory(deps: ConnectionFactoryDeps): (row: ConnectionRow) => Promise<BrokerConnection> {
  return async (row) => {
    const adapterDeps = { catalog: deps.catalog, clock: deps.clock, log: deps.log.child(row.name) };
    const settings = Object.fromEntries(Object.entries(row.settings).map(([k, v]) => [k, String(v)]));
    const secret = await deps.secrets.get(row.id);
    switch (row.broker) {
      case 'tradovate': {
        const s = tradovateStored.parse(settings);
        if (s.auth === 'oauth') {
          const token = tradovateOAuthSecretSchema.safeParse(secret);
          if (!token.success) throw new Error('not signed in to Tradovate: use Sign in with Tradovate in Connections');
          const save = (t: Parameters<typeof oauthTokenSecret>[0]): Promise<void> => deps.secrets.set(row.id, oauthTokenSecret(t));
          return createTradovateConnection({ ...s, name: row.name }, { kind: 'oauth', token: token.data, save }, adapterDeps);
        }
        const sec = tradovateSecretSchema.safeParse(secret);
        if (!sec.success) throw new Error('no password and API secret are stored for this connection; enter them in Connections');
        return createTradovateConnection({ ...s, name: row.name }, sec.data, adapterDeps);
      }
      case 'projectx': {
        const s = projectxStored.parse(settings);
        const sec = projectXSecretSchema.safeParse(secret);
        if (!sec.success) throw new Error('no API key is stored for this connection; enter it in Connections');
        return createProjectXConnection({ ...s, name: row.name }, sec.data, adapterDeps);
      }
      case 'paper': {
        if (!deps.paper) throw new Error('paper trading needs the local simulated market (run the demo)');
        const s = paperStored.parse(settings);
        return new PaperConnection({ name: row.name, login: s.login }, secret?.password ?? '', deps.paper, adapterDeps);
      }
    }
  };
}

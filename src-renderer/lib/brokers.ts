/**
 * What the Connections form asks per broker. Hosts mirror the engine's well-known hosts
 * (src-engine/host/connectionFactory.ts BROKER_HOSTS; the renderer may only import the api
 * contract, so they are repeated here). Checks mirror the engine's settings schemas.
 */
import type { ApiIssue } from '../api/errors';

export type Broker = 'tradovate' | 'projectx' | 'paper';

export const TRADOVATE_HOSTS = {
  demo: { restUrl: 'https://demo.tradovateapi.com/v1', wsUrl: 'wss://demo.tradovateapi.com/v1/websocket', mdUrl: 'wss://md.tradovateapi.com/v1/websocket' },
  live: { restUrl: 'https://live.tradovateapi.com/v1', wsUrl: 'wss://live.tradovateapi.com/v1/websocket', mdUrl: 'wss://md.tradovateapi.com/v1/websocket' },
} as const;

export const PROJECTX_FIRMS = {
  topstepx: { label: 'TopstepX', apiUrl: 'https://api.topstepx.com', userHubUrl: 'https://rtc.topstepx.com/hubs/user', marketHubUrl: 'https://rtc.topstepx.com/hubs/market' },
} as const;

export interface FieldSpec {
  readonly key: string;
  readonly label: string;
  /** 'http' / 'ws': a URL with that scheme (or its secure variant). */
  readonly kind: 'text' | 'http' | 'ws';
  readonly max?: number;
  readonly hint?: string;
}

export const SETTINGS_FIELDS: Record<Broker, readonly FieldSpec[]> = {
  tradovate: [
    { key: 'restUrl', label: 'REST URL', kind: 'http', hint: 'including /v1' },
    { key: 'wsUrl', label: 'Trading WebSocket URL', kind: 'ws' },
    { key: 'mdUrl', label: 'Market data WebSocket URL', kind: 'ws' },
    { key: 'username', label: 'User name', kind: 'text', max: 64 },
    { key: 'appId', label: 'App id', kind: 'text', max: 64 },
    { key: 'appVersion', label: 'App version', kind: 'text', max: 64 },
    { key: 'cid', label: 'CID (API key client id)', kind: 'text', max: 64 },
    { key: 'deviceId', label: 'Device id', kind: 'text', max: 64, hint: 'Generated once; keep it stable (live trading checks it)' },
  ],
  projectx: [
    { key: 'apiUrl', label: 'API URL', kind: 'http' },
    { key: 'userHubUrl', label: 'User hub URL', kind: 'http' },
    { key: 'marketHubUrl', label: 'Market hub URL', kind: 'http' },
    { key: 'username', label: 'User name', kind: 'text', max: 64 },
  ],
  paper: [{ key: 'login', label: 'Login', kind: 'text', max: 64 }],
};

export interface SecretSpec {
  readonly key: string;
  readonly label: string;
  readonly max: number;
  /** Paper logins may have none. */
  readonly optional?: boolean;
}

export const SECRET_FIELDS: Record<Broker, readonly SecretSpec[]> = {
  tradovate: [
    { key: 'password', label: 'Password', max: 64 },
    { key: 'sec', label: 'API secret', max: 8192 },
  ],
  projectx: [{ key: 'apiKey', label: 'API key', max: 8192 }],
  paper: [{ key: 'password', label: 'Password', max: 8192, optional: true }],
};

function urlOk(s: string, schemes: readonly string[]): boolean {
  try {
    return schemes.includes(new URL(s).protocol);
  } catch {
    return false;
  }
}

/** A Tradovate API key's own fields: Sign in with Tradovate needs none of them. */
export const TRADOVATE_API_KEY_FIELDS: readonly string[] = ['username', 'appId', 'appVersion', 'cid'];

/** The settings fields a form shows: Sign in with Tradovate leaves out the API key's. */
export function settingsFieldsFor(broker: Broker, signIn: boolean): readonly FieldSpec[] {
  return broker === 'tradovate' && signIn ? SETTINGS_FIELDS.tradovate.filter((f) => !TRADOVATE_API_KEY_FIELDS.includes(f.key)) : SETTINGS_FIELDS[broker];
}

/** `signIn`: a Tradovate connection made with Sign in with Tradovate (no API-key fields, no secret). */
export function checkConnectionForm(broker: Broker, name: string, settings: Readonly<Record<string, string>>, secret: Readonly<Record<string, string>>, requireSecret: boolean, signIn = false): ApiIssue[] {
  const issues: ApiIssue[] = [];
  const n = name.trim();
  if (n.length === 0) issues.push({ field: 'name', message: 'must not be empty' });
  else if (n.length > 64) issues.push({ field: 'name', message: 'must be at most 64 characters' });
  if (broker === 'tradovate' && signIn) {
    for (const f of settingsFieldsFor(broker, true)) {
      const v = (settings[f.key] ?? '').trim();
      if (!v) issues.push({ field: `settings.${f.key}`, message: 'required' });
    }
    return issues;
  }
  for (const f of SETTINGS_FIELDS[broker]) {
    const v = (settings[f.key] ?? '').trim();
    const field = `settings.${f.key}`;
    if (!v) issues.push({ field, message: 'required' });
    else if (f.kind === 'http' && !urlOk(v, ['http:', 'https:'])) issues.push({ field, message: 'must be a http: or https: URL' });
    else if (f.kind === 'ws' && !urlOk(v, ['ws:', 'wss:'])) issues.push({ field, message: 'must be a ws: or wss: URL' });
    else if (f.max !== undefined && v.length > f.max) issues.push({ field, message: `must be at most ${f.max} characters` });
  }
  const anySecret = SECRET_FIELDS[broker].some((s) => (secret[s.key] ?? '') !== '');
  for (const s of SECRET_FIELDS[broker]) {
    const v = secret[s.key] ?? '';
    const field = `secret.${s.key}`;
    if (!v && !s.optional && (requireSecret || anySecret)) issues.push({ field, message: 'required' });
    else if (v.length > s.max) issues.push({ field, message: `must be at most ${s.max} characters` });
  }
  return issues;
}

export function newDeviceId(): string {
  return `mirrorfill-${crypto.randomUUID()}`;
}

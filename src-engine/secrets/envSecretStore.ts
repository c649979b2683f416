/**
 * For a headless VPS without a keychain: secrets come from the environment at start
 * (MIRRORFILL_SECRET_<CONNECTION_ID> = JSON, e.g. {"apiKey":"…"}), held in memory only and never
 * written anywhere. Reads first from the keychain when there is one.
 *
 * The variables are taken out of the environment when the store is made, so no child process
 * (a browser the user opens, a helper, a crash reporter) inherits them.
 */
import { rememberSecret } from '../api/redact';
import { parseSecret } from './keytarStore';
import { NoKeychainError, type KeychainStatus, type Secret, type SecretStore } from './secretStore';

const PREFIX = 'MIRRORFILL_SECRET_';

export function envName(connectionId: string): string {
  return `${PREFIX}${connectionId.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** What was taken from each environment object: a second store on the same one still sees it. */
const taken = new WeakMap<NodeJS.ProcessEnv, Map<string, string>>();

function takeSecrets(env: NodeJS.ProcessEnv): Map<string, string> {
  const known = taken.get(env) ?? new Map<string, string>();
  taken.set(env, known);
  for (const name of Object.keys(env)) {
    if (!name.startsWith(PREFIX)) continue;
    const raw = env[name];
    if (raw !== undefined) known.set(name, raw);
    Reflect.deleteProperty(env, name);
  }
  for (const raw of known.values()) {
    try {
      for (const v of Object.values(JSON.parse(raw) as Record<string, unknown>)) if (typeof v === 'string') rememberSecret(v);
    } catch {
      rememberSecret(raw); // not JSON: get() says so when it is needed; the text is still secret
    }
  }
  return known;
}

export class EnvBackedSecretStore implements SecretStore {
  private readonly fromEnv: Map<string, string>;

  constructor(
    private readonly keychain: SecretStore,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.fromEnv = takeSecrets(env);
  }

  status(): Promise<KeychainStatus> {
    return this.keychain.status();
  }

  async get(connectionId: string): Promise<Secret | undefined> {
    const raw = this.fromEnv.get(envName(connectionId));
    if (raw !== undefined) return parseSecret(raw, connectionId);
    if (!(await this.keychain.status()).available) return undefined;
    return this.keychain.get(connectionId);
  }

  async has(connectionId: string): Promise<boolean> {
    if (this.fromEnv.has(envName(connectionId))) return true;
    return this.keychain.has(connectionId);
  }

  async set(connectionId: string, secret: Secret): Promise<void> {
    const st = await this.keychain.status();
    if (!st.available) throw new NoKeychainError(`${st.detail} Set ${envName(connectionId)} in the environment of the Mirrorfill service instead.`);
    await this.keychain.set(connectionId, secret);
  }

  clear(connectionId: string): Promise<void> {
    return this.keychain.clear(connectionId);
  }
}

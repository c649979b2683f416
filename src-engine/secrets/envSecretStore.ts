/**
 * For a headless VPS without a keychain: secrets come from the environment at start
 * (MIRRORFILL_SECRET_<CONNECTION_ID> = JSON, e.g. {"apiKey":"…"}), held in memory only and never
 * written anywhere. Reads first from the keychain when there is one.
 */
import { parseSecret } from './keytarStore';
import { NoKeychainError, type KeychainStatus, type Secret, type SecretStore } from './secretStore';

export function envName(connectionId: string): string {
  return `MIRRORFILL_SECRET_${connectionId.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

export class EnvBackedSecretStore implements SecretStore {
  constructor(
    private readonly keychain: SecretStore,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  status(): Promise<KeychainStatus> {
    return this.keychain.status();
  }

  async get(connectionId: string): Promise<Secret | undefined> {
    const raw = this.env[envName(connectionId)];
    if (raw !== undefined) return parseSecret(raw, connectionId);
    if (!(await this.keychain.status()).available) return undefined;
    return this.keychain.get(connectionId);
  }

  async has(connectionId: string): Promise<boolean> {
    if (this.env[envName(connectionId)] !== undefined) return true;
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

/**
 * SecretStore on keytar: macOS Keychain, Windows Credential Manager, the Secret Service on Linux
 * (GNOME Keyring, KWallet). When none answers, nothing is stored and the user is told why.
 */
import { createRequire } from 'node:module';
import { rememberSecret } from '../api/redact';
import { NoKeychainError, type KeychainStatus, type Secret, type SecretStore } from './secretStore';

interface Keytar {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

const SERVICE = 'Mirrorfill';

export class KeytarSecretStore implements SecretStore {
  private keytar: Keytar | undefined;
  private loadError: string | undefined;
  private checked: KeychainStatus | undefined;

  constructor(private readonly service: string = SERVICE) {
    try {
      // keytar is a native CommonJS module; load it lazily so a missing build degrades to "no keychain".
      this.keytar = createRequire(import.meta.url)('keytar') as Keytar;
    } catch (err) {
      this.loadError = err instanceof Error ? err.message : String(err);
    }
  }

  async status(): Promise<KeychainStatus> {
    if (this.checked) return this.checked;
    if (!this.keytar) return (this.checked = { available: false, detail: `The keychain module could not load (${this.loadError ?? 'unknown'}).` });
    try {
      // A read of a name that does not exist proves the keychain answers.
      await this.keytar.getPassword(this.service, '__mirrorfill_probe__');
      this.checked = { available: true, detail: keychainName() };
    } catch (err) {
      this.checked = { available: false, detail: `${keychainName()} did not answer (${err instanceof Error ? err.message : String(err)}). On a headless Linux VPS, pass secrets through MIRRORFILL_SECRET_<CONNECTION> environment variables instead.` };
    }
    return this.checked;
  }

  async get(connectionId: string): Promise<Secret | undefined> {
    const k = await this.require();
    const raw = await k.getPassword(this.service, connectionId);
    if (raw === null) return undefined;
    return parseSecret(raw, connectionId);
  }

  async has(connectionId: string): Promise<boolean> {
    const st = await this.status();
    if (!st.available) return false;
    return (await this.get(connectionId)) !== undefined;
  }

  async set(connectionId: string, secret: Secret): Promise<void> {
    const k = await this.require();
    for (const v of Object.values(secret)) rememberSecret(v);
    await k.setPassword(this.service, connectionId, JSON.stringify(secret));
  }

  async clear(connectionId: string): Promise<void> {
    const k = await this.require();
    await k.deletePassword(this.service, connectionId);
  }

  private async require(): Promise<Keytar> {
    const st = await this.status();
    if (!st.available || !this.keytar) throw new NoKeychainError(st.detail);
    return this.keytar;
  }
}

export function parseSecret(raw: string, connectionId: string): Secret {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new Error(`the stored secret of connection ${connectionId} is not readable; set it again`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    throw new Error(`the stored secret of connection ${connectionId} has an unexpected shape; set it again`);
  }
  // From now on this value is scrubbed from any log line or error text it turns up in.
  for (const v of Object.values(value as Secret)) rememberSecret(v);
  return value as Secret;
}

function keychainName(): string {
  switch (process.platform) {
    case 'darwin':
      return 'macOS Keychain';
    case 'win32':
      return 'Windows Credential Manager';
    default:
      return 'Secret Service (GNOME Keyring / KWallet)';
  }
}

/**
 * Where connection secrets live: the OS keychain, never the database, never a log, never the
 * renderer. A secret is a small record (Tradovate: password + API secret; ProjectX: API key).
 */
export type Secret = Readonly<Record<string, string>>;

export interface KeychainStatus {
  readonly available: boolean;
  /** Plain words for the user: which keychain, or why there is none. */
  readonly detail: string;
}

export interface SecretStore {
  status(): Promise<KeychainStatus>;
  get(connectionId: string): Promise<Secret | undefined>;
  has(connectionId: string): Promise<boolean>;
  set(connectionId: string, secret: Secret): Promise<void>;
  clear(connectionId: string): Promise<void>;
}

export class NoKeychainError extends Error {
  constructor(detail: string) {
    super(`No OS keychain is available, so Mirrorfill will not store this secret (it never writes secrets in plain text). ${detail}`);
    this.name = 'NoKeychainError';
  }
}

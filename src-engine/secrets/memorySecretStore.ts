/**
 * Secrets held in this process only, for tests that run the engine host where no keychain is
 * wanted (the keychain itself is tested against a real Secret Service in keytarStore.keychain.test.ts).
 */
import type { KeychainStatus, Secret, SecretStore } from './secretStore';

export class MemorySecretStore implements SecretStore {
  private readonly map = new Map<string, Secret>();
  status(): Promise<KeychainStatus> {
    return Promise.resolve({ available: true, detail: 'memory (test)' });
  }
  get(id: string): Promise<Secret | undefined> {
    return Promise.resolve(this.map.get(id));
  }
  has(id: string): Promise<boolean> {
    return Promise.resolve(this.map.has(id));
  }
  set(id: string, s: Secret): Promise<void> {
    this.map.set(id, s);
    return Promise.resolve();
  }
  clear(id: string): Promise<void> {
    this.map.delete(id);
    return Promise.resolve();
  }
}

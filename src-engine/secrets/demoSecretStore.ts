/**
 * The demo's simulator logins are not real secrets: they are held in memory for the demo's own
 * connections, and everything else goes to the real store (the keychain).
 */
import type { KeychainStatus, Secret, SecretStore } from './secretStore';

export class DemoSecretStore implements SecretStore {
  constructor(
    private readonly base: SecretStore,
    private readonly demo: ReadonlyMap<string, Secret>,
  ) {}

  status(): Promise<KeychainStatus> {
    return this.base.status();
  }

  async get(id: string): Promise<Secret | undefined> {
    return this.demo.get(id) ?? (await this.base.get(id).catch(() => undefined));
  }

  async has(id: string): Promise<boolean> {
    return this.demo.has(id) || (await this.base.has(id).catch(() => false));
  }

  set(id: string, secret: Secret): Promise<void> {
    return this.base.set(id, secret);
  }

  clear(id: string): Promise<void> {
    return this.base.clear(id);
  }
}

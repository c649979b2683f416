/**
 * The demo's simulator logins are not real secrets: they are held in memory for the demo's own
 * connections, and everything else goes to the real store (the keychain). Where there is no
 * keychain (a VPS, a desktop without a Secret Service), a secret typed in the demo is kept in
 * memory for this run only, so Add connection works against the demo's simulators; it is never
 * written anywhere.
 */
import type { KeychainStatus, Secret, SecretStore } from './secretStore';

export class DemoSecretStore implements SecretStore {
  constructor(
    private readonly base: SecretStore,
    private readonly demo: ReadonlyMap<string, Secret>,
  ) {}

  private readonly typed = new Map<string, Secret>();

  async status(): Promise<KeychainStatus> {
    const base = await this.base.status();
    return base.available ? base : { available: true, detail: 'memory, for this demo run only (no keychain here)' };
  }

  async get(id: string): Promise<Secret | undefined> {
    return this.demo.get(id) ?? this.typed.get(id) ?? (await this.base.get(id).catch(() => undefined));
  }

  async has(id: string): Promise<boolean> {
    return this.demo.has(id) || this.typed.has(id) || (await this.base.has(id).catch(() => false));
  }

  async set(id: string, secret: Secret): Promise<void> {
    if ((await this.base.status()).available) return this.base.set(id, secret);
    this.typed.set(id, secret);
  }

  async clear(id: string): Promise<void> {
    this.typed.delete(id);
    if ((await this.base.status()).available) await this.base.clear(id);
  }
}

/**
 * The demo's secret store: with a keychain, a typed secret goes to it; without one, it is kept in
 * memory for the run (so the demo's Add connection works) and never reported as refused.
 */
import { describe, expect, it } from 'vitest';
import { DemoSecretStore } from './demoSecretStore';
import { MemorySecretStore } from './memorySecretStore';
import { NoKeychainError, type KeychainStatus } from './secretStore';

class NoKeychain extends MemorySecretStore {
  override status(): Promise<KeychainStatus> {
    return Promise.resolve({ available: false, detail: 'the Secret Service did not answer' });
  }
  override set(): Promise<void> {
    return Promise.reject(new NoKeychainError('no keychain'));
  }
}

describe('the demo secret store', () => {
  it('keeps a typed secret in memory when there is no keychain', async () => {
    const store = new DemoSecretStore(new NoKeychain(), new Map([['demo-paper', { password: 'demo-paper' }]]));
    expect((await store.status()).available).toBe(true);
    await store.set('paper-1', { password: 'demo-paper' });
    expect(await store.has('paper-1')).toBe(true);
    expect(await store.get('paper-1')).toEqual({ password: 'demo-paper' });
    await store.clear('paper-1');
    expect(await store.has('paper-1')).toBe(false);
  });

  it('uses the keychain when there is one', async () => {
    const base = new MemorySecretStore();
    const store = new DemoSecretStore(base, new Map());
    await store.set('tv-1', { password: 'p', sec: 's' });
    expect(await base.get('tv-1')).toEqual({ password: 'p', sec: 's' });
  });
});

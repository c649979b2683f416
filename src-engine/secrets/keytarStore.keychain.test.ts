/**
 * Runs against a real Secret Service: `npm run test:keychain` starts a private D-Bus session with
 * an unlocked GNOME Keyring around it (see package.json), so these tests touch a real keyring.
 */
import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { EnvBackedSecretStore, envName } from './envSecretStore';
import { KeytarSecretStore } from './keytarStore';

const service = `Mirrorfill-test-${randomUUID()}`;
const created: string[] = [];

afterEach(async () => {
  const store = new KeytarSecretStore(service);
  for (const id of created.splice(0)) await store.clear(id).catch(() => undefined);
});

describe('KeytarSecretStore on a real Secret Service', () => {
  it('is available inside the test D-Bus session', async () => {
    expect(process.env.DBUS_SESSION_BUS_ADDRESS, 'run through `npm run test:keychain`').toBeTruthy();
    await expect(new KeytarSecretStore(service).status()).resolves.toMatchObject({ available: true });
  });

  it('stores, reads back, reports and clears a secret', async () => {
    const store = new KeytarSecretStore(service);
    const id = `conn-${randomUUID()}`;
    created.push(id);
    expect(await store.has(id)).toBe(false);
    await store.set(id, { password: 'hunter2', sec: 'abc' });
    expect(await store.has(id)).toBe(true);
    expect(await store.get(id)).toEqual({ password: 'hunter2', sec: 'abc' });
    // A second store instance (another process would do the same) sees it: it is in the keyring, not in memory.
    expect(await new KeytarSecretStore(service).get(id)).toEqual({ password: 'hunter2', sec: 'abc' });
    await store.clear(id);
    expect(await store.has(id)).toBe(false);
  });

  it('the secret is in the keyring as the Secret Service sees it (secret-tool)', async () => {
    const store = new KeytarSecretStore(service);
    const id = `conn-${randomUUID()}`;
    created.push(id);
    await store.set(id, { apiKey: 'k-123' });
    const found = spawnSync('secret-tool', ['lookup', 'service', service, 'account', id], { encoding: 'utf8' });
    if (found.error) return; // secret-tool is optional (libsecret-tools); the keytar round trip above already proves it.
    expect(found.stdout).toContain('k-123');
  });

  it('environment secrets win and are never written to the keychain', async () => {
    const keychain = new KeytarSecretStore(service);
    const id = `vps-${randomUUID()}`;
    const store = new EnvBackedSecretStore(keychain, { [envName(id)]: JSON.stringify({ apiKey: 'from-env' }) });
    expect(await store.get(id)).toEqual({ apiKey: 'from-env' });
    expect(await keychain.has(id)).toBe(false);
  });
});

/**
 * With no Secret Service reachable the store says so plainly and stores nothing. Its own file, so
 * its own process: libsecret keeps the first D-Bus connection it makes.
 */
import { describe, expect, it } from 'vitest';
import { EnvBackedSecretStore } from './envSecretStore';
import { KeytarSecretStore } from './keytarStore';
import { NoKeychainError } from './secretStore';

process.env.DBUS_SESSION_BUS_ADDRESS = 'unix:path=/nonexistent/mirrorfill-bus';

describe('without a keychain', () => {
  it('says so plainly and stores nothing', async () => {
    const store = new KeytarSecretStore('Mirrorfill-test-none');
    const st = await store.status();
    expect(st.available).toBe(false);
    expect(st.detail).toMatch(/did not answer|could not load/);
    await expect(store.set('x', { password: 'p' })).rejects.toBeInstanceOf(NoKeychainError);
    expect(await store.has('x')).toBe(false);
  });

  it('points a headless VPS at the environment variable for that connection', async () => {
    const store = new EnvBackedSecretStore(new KeytarSecretStore('Mirrorfill-test-none'), {});
    await expect(store.set('tv-1', { password: 'p' })).rejects.toThrow(/MIRRORFILL_SECRET_TV_1/);
    const fromEnv = new EnvBackedSecretStore(new KeytarSecretStore('Mirrorfill-test-none'), { MIRRORFILL_SECRET_TV_1: '{"password":"p"}' });
    expect(await fromEnv.get('tv-1')).toEqual({ password: 'p' });
  });
});

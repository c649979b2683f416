/** Secrets from the environment are read once and taken out of it, so no child process inherits them. */
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { forgetSecrets, redactText } from '../api/redact';
import { EnvBackedSecretStore, envName } from './envSecretStore';
import { MemorySecretStore } from './memorySecretStore';

afterEach(() => forgetSecrets());

describe('EnvBackedSecretStore', () => {
  it('takes MIRRORFILL_SECRET_* out of the environment and still answers from memory', async () => {
    const env: NodeJS.ProcessEnv = { [envName('tv-1')]: '{"password":"hunter2-pw","sec":"api-secret-xyz"}', PATH: '/bin' };
    const store = new EnvBackedSecretStore(new MemorySecretStore(), env);
    expect(env).toEqual({ PATH: '/bin' });
    expect(await store.has('tv-1')).toBe(true);
    expect(await store.get('tv-1')).toEqual({ password: 'hunter2-pw', sec: 'api-secret-xyz' });
    expect(await store.get('tv-1')).toEqual({ password: 'hunter2-pw', sec: 'api-secret-xyz' }); // every reconnect
    // A second store on the same environment (the desktop host opens one per engine) sees them too.
    expect(await new EnvBackedSecretStore(new MemorySecretStore(), env).get('tv-1')).toEqual({ password: 'hunter2-pw', sec: 'api-secret-xyz' });
    // And the values are scrubbed from any text from now on.
    expect(redactText('login failed for hunter2-pw')).toBe('login failed for [redacted]');
  });

  it('leaves nothing for a child process to inherit', () => {
    const name = envName('px-1');
    process.env[name] = '{"apiKey":"k-from-env-123"}';
    try {
      const store = new EnvBackedSecretStore(new MemorySecretStore());
      const child = spawnSync(process.execPath, ['-e', `process.stdout.write(String(process.env[${JSON.stringify(name)}]))`], { encoding: 'utf8' });
      expect(child.stdout).toBe('undefined');
      return expect(store.get('px-1')).resolves.toEqual({ apiKey: 'k-from-env-123' });
    } finally {
      Reflect.deleteProperty(process.env, name);
    }
  });
});

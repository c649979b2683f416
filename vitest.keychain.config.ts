import { defineConfig } from 'vitest/config';

// Keychain tests need a Secret Service; `npm run test:keychain` runs them inside a private D-Bus
// session with an unlocked GNOME Keyring.
export default defineConfig({
  test: {
    include: ['src-engine/secrets/**/*.keychain.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 30_000,
  },
});

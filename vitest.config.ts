import { defineConfig } from 'vitest/config';

// Unit, property and scenario tests run under plain Node: the engine never needs Electron.
export default defineConfig({
  test: {
    include: ['src-engine/**/*.test.ts', 'src-main/**/*.test.ts', 'src-renderer/**/*.test.{ts,tsx}', 'scenarios/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/*.keychain.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Leaked sockets or timers keep a fork alive: fail loudly rather than hang CI.
    teardownTimeout: 10_000,
  },
});

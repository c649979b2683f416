import { defineConfig } from 'vitest/config';
import { isSignalRHandshakeRace } from './src-engine/host/libraryRejections';

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
    // The SignalR client rejects its own handshake promise, unobserved, on a frame ahead of its
    // handshake answer; the engine processes drop exactly that rejection (libraryRejections.ts), and
    // the hub tests that provoke it on purpose do the same. Any other unhandled error fails the run.
    // (The error arrives serialised from the test fork: matched on its message.)
    onUnhandledError: (error) => !isSignalRHandshakeRace(Object.assign(new Error(error.message), error)),
  },
});

/**
 * The unhandled-rejection guard drops only the SignalR handshake race and ends the process for
 * anything else, in a real child process.
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isSignalRHandshakeRace } from './libraryRejections';

const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const GUARD = pathToFileURL(fileURLToPath(new URL('./libraryRejections.ts', import.meta.url))).href;

function runWith(rejection: string): { code: number; stdout: string } {
  const script = `
    import { guardLibraryRejections } from ${JSON.stringify(GUARD)};
    guardLibraryRejections({ warn: (m) => console.log('warned: ' + m), info() {}, debug() {}, error() {}, child() { return this; } });
    void Promise.reject(new Error(${JSON.stringify(rejection)}));
    setTimeout(() => console.log('still running'), 50);
  `;
  try {
    const stdout = execFileSync(process.execPath, ['--import', TSX, '--input-type=module', '-e', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return { code: 0, stdout };
  } catch (err) {
    const e = err as { status?: number; stdout?: string };
    return { code: e.status ?? -1, stdout: e.stdout ?? '' };
  }
}

describe('unhandled rejections in the engine process', () => {
  it('recognises the SignalR handshake race and nothing else', () => {
    expect(isSignalRHandshakeRace(new Error('Error parsing handshake response: Error: Expected a handshake response from the server.'))).toBe(true);
    expect(isSignalRHandshakeRace(new Error('HttpConnection.stopConnection(Error: x) was called while the connection is still in the connecting state.'))).toBe(true);
    expect(isSignalRHandshakeRace(new Error('database is locked'))).toBe(false);
    expect(isSignalRHandshakeRace('Error parsing handshake response: x')).toBe(false);
  });

  it('logs the handshake race and keeps the process running', () => {
    const r = runWith('Error parsing handshake response: Error: Expected a handshake response from the server.');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('warned: the ProjectX hub client failed a handshake');
    expect(r.stdout).toContain('still running');
  });

  it('ends the process on any other unhandled rejection, as Node does', () => {
    const r = runWith('something of ours went wrong');
    expect(r.code).not.toBe(0);
    expect(r.stdout).not.toContain('still running');
  });
});

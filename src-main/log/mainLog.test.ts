/** Main's log: bounded by size while the app runs, scrubbed, and never failing the app. */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openMainLog } from './mainLog';

describe('openMainLog', () => {
  it('rotates by size while running and keeps at most three old files', () => {
    const d = mkdtempSync(join(tmpdir(), 'mirrorfill-mainlog-'));
    const log = openMainLog(join(d, 'main.log'), undefined, 200);
    for (let i = 0; i < 60; i++) log.info(`line ${i}`);
    expect(readdirSync(d).sort()).toEqual(['main.log', 'main.log.1', 'main.log.2', 'main.log.3']);
    for (const f of readdirSync(d)) {
      expect(statSync(join(d, f)).size).toBeLessThanOrEqual(200);
      expect((statSync(join(d, f)).mode & 0o777).toString(8)).toBe('600');
    }
    expect(readFileSync(join(d, 'main.log'), 'utf8')).toContain('line 59');
  });

  it('scrubs what the engine printed', () => {
    const d = mkdtempSync(join(tmpdir(), 'mirrorfill-mainlog-'));
    const log = openMainLog(join(d, 'main.log'));
    log.engineOutput('stderr', 'request failed: Authorization: Bearer abc.def.ghi');
    log.warn('engine said', { detail: '{"password":"hunter2"}' });
    const text = readFileSync(join(d, 'main.log'), 'utf8');
    expect(text).not.toMatch(/abc\.def|hunter2/);
    expect(text).toContain('Bearer [redacted]');
  });

  it('never throws when a line cannot be written', () => {
    const d = mkdtempSync(join(tmpdir(), 'mirrorfill-mainlog-'));
    const log = openMainLog(join(d, 'main.log'));
    mkdirSync(join(d, 'main.log')); // EISDIR on every append
    expect(() => log.error('lost, not thrown')).not.toThrow();
  });
});

/** The engine's log file: batched async writes, bounded rotation, failures that never reach the caller. */
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RotatingLogFile } from './rotatingLogFile';

const dir = (): string => mkdtempSync(join(tmpdir(), 'mirrorfill-log-'));

describe('RotatingLogFile', () => {
  it('writes lines asynchronously, in order, after the caller returns', async () => {
    const file = join(dir(), 'engine.log');
    const log = new RotatingLogFile({ file, maxBytes: 1 << 20, keep: 3 });
    for (let i = 0; i < 100; i++) log.write(`line ${i}`);
    expect(existsSync(file)).toBe(false); // nothing written synchronously
    await log.flush();
    expect(readFileSync(file, 'utf8').split('\n').slice(0, 3)).toEqual(['line 0', 'line 1', 'line 2']);
    expect(readFileSync(file, 'utf8').split('\n')).toHaveLength(101);
    await log.close();
  });

  it('creates its files readable by their owner only', async () => {
    const d = dir();
    const file = join(d, 'engine.log');
    const log = new RotatingLogFile({ file, maxBytes: 10, keep: 1 });
    log.write('first line');
    await log.flush();
    log.write('second line, after a rotation');
    await log.close();
    log.flushSync();
    for (const f of readdirSync(d)) expect((statSync(join(d, f)).mode & 0o777).toString(8)).toBe('600');
    const sync = join(d, 'sync.log');
    const other = new RotatingLogFile({ file: sync, maxBytes: 10, keep: 1 });
    other.write('x');
    other.flushSync();
    expect((statSync(sync).mode & 0o777).toString(8)).toBe('600');
  });

  it('rotates by size and keeps a bounded number of files, newest lines in the current one', async () => {
    const d = dir();
    const file = join(d, 'engine.log');
    const log = new RotatingLogFile({ file, maxBytes: 100, keep: 2 });
    for (let i = 0; i < 50; i++) {
      log.write(`line ${String(i).padStart(3, '0')} ${'x'.repeat(20)}`);
      await log.flush();
    }
    await log.close();
    expect(readdirSync(d).sort()).toEqual(['engine.log', 'engine.log.1', 'engine.log.2']);
    for (const f of readdirSync(d)) expect(statSync(join(d, f)).size).toBeLessThanOrEqual(100);
    expect(readFileSync(file, 'utf8')).toContain('line 049');
    expect(readFileSync(`${file}.2`, 'utf8')).not.toContain('line 000');
  });

  it('continues an existing file and rotates it when it is already full', async () => {
    const d = dir();
    const file = join(d, 'engine.log');
    writeFileSync(file, `${'old'.repeat(40)}\n`);
    const log = new RotatingLogFile({ file, maxBytes: 100, keep: 1 });
    log.write('new');
    await log.close();
    expect(readFileSync(file, 'utf8')).toBe('new\n');
    expect(readFileSync(`${file}.1`, 'utf8')).toContain('oldold');
  });

  it('never throws into the caller when the folder is unwritable; counts the loss and reports it once', async () => {
    const d = dir();
    const notADir = join(d, 'a-file');
    writeFileSync(notADir, '');
    const reports: Error[] = [];
    const log = new RotatingLogFile({ file: join(notADir, 'engine.log'), maxBytes: 1000, keep: 2, onFailure: (e) => reports.push(e) });
    for (let round = 0; round < 3; round++) {
      expect(() => log.write(`line ${round}`)).not.toThrow();
      await log.flush();
    }
    expect(() => {
      log.write('last words');
      log.flushSync();
    }).not.toThrow();
    expect(reports).toHaveLength(1);
    expect(reports[0]?.message).toMatch(/ENOTDIR/);
    expect(log.stats()).toEqual({ droppedLines: 4, failedWrites: 4 });
    await log.close();
  });

  it.runIf(existsSync('/dev/full'))('survives a full disk (ENOSPC)', async () => {
    const reports: Error[] = [];
    const log = new RotatingLogFile({ file: '/dev/full', maxBytes: 1 << 30, keep: 0, onFailure: (e) => reports.push(e) });
    log.write('does not fit');
    await log.flush();
    expect(reports.map((e) => (e as { code?: string }).code)).toEqual(['ENOSPC']);
    expect(log.stats().droppedLines).toBe(1);
    await log.close();
  });

  it('drops lines beyond its buffer rather than growing without bound', async () => {
    const file = join(dir(), 'engine.log');
    const log = new RotatingLogFile({ file, maxBytes: 1 << 20, keep: 1, maxBufferedBytes: 50 });
    for (let i = 0; i < 10; i++) log.write(`line ${i} ${'y'.repeat(10)}`);
    expect(log.stats().droppedLines).toBe(8); // 18 bytes a line: two fit in 50
    await log.close();
    expect(readFileSync(file, 'utf8').split('\n')).toHaveLength(3);
  });

  it('writes what is queued synchronously for a dying process', () => {
    const file = join(dir(), 'engine.log');
    const log = new RotatingLogFile({ file, maxBytes: 1 << 20, keep: 1 });
    log.write('fatal: reason');
    log.flushSync();
    expect(readFileSync(file, 'utf8')).toBe('fatal: reason\n');
  });

  it('refuses nonsense limits, naming the file', () => {
    expect(() => new RotatingLogFile({ file: 'x.log', maxBytes: 0, keep: 1 })).toThrow(/log file x\.log: maxBytes/);
    expect(() => new RotatingLogFile({ file: 'x.log', maxBytes: 10, keep: -1 })).toThrow(/log file x\.log: keep/);
  });
});

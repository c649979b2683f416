/** A logger says which levels it writes, so a hot path can skip building a line nobody reads. */
import { describe, expect, it } from 'vitest';
import { createLogger, type LogSink } from './log';

describe('logger levels', () => {
  it('writes and reports the levels at or above its minimum, children alike', () => {
    const lines: string[] = [];
    const sink: LogSink = (l) => lines.push(`${l.level} ${l.scope} ${l.msg}`);
    const log = createLogger(sink, 'engine', 'info');
    expect(['debug', 'info', 'warn', 'error'].map((l) => log.enabled(l as 'debug'))).toEqual([false, true, true, true]);
    log.debug('hidden');
    log.info('shown');
    const child = log.child('copier');
    expect(child.enabled('debug')).toBe(false);
    child.warn('also shown');
    expect(lines).toEqual(['info engine shown', 'warn engine.copier also shown']);
    const verbose = createLogger(sink, 'engine', 'debug');
    expect(verbose.enabled('debug')).toBe(true);
  });
});

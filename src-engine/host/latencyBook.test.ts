/**
 * The latency book behind the per-follower and per-connection figures (engine API → Dashboard):
 * percentiles over a bounded ring of recent copies, "sent" and "ack" kept apart, and nothing
 * invented for an account that has not copied yet. Samples are given, never timed.
 */
import { describe, expect, it } from 'vitest';
import { LatencyBook, percentile } from './latencyBook';

describe('LatencyBook', () => {
  it('has no figures for an account that has not copied yet', () => {
    const book = new LatencyBook();
    expect(book.view('f1')).toBeUndefined();
    expect(book.viewOf(['f1', 'f2'])).toBeUndefined();
  });

  it('gives p50 / p99 / last of the ack latency and p50 / p99 of the sent latency per follower', () => {
    const book = new LatencyBook();
    for (let i = 1; i <= 100; i++) book.record('f1', i / 10, i);
    book.record('f2', 0.5, 3);
    expect(book.view('f1')).toEqual({ samples: 100, p50Ms: 51, p99Ms: 100, lastMs: 100, sentP50Ms: 5.1, sentP99Ms: 10 });
    expect(book.view('f2')).toEqual({ samples: 1, p50Ms: 3, p99Ms: 3, lastMs: 3, sentP50Ms: 0.5, sentP99Ms: 0.5 });
  });

  it('keeps an ack without a known write time, without making one up', () => {
    const book = new LatencyBook();
    book.record('f1', undefined, 7);
    expect(book.view('f1')).toEqual({ samples: 1, p50Ms: 7, p99Ms: 7, lastMs: 7, sentP50Ms: undefined, sentP99Ms: undefined });
  });

  it('pools a connection over its follower accounts', () => {
    const book = new LatencyBook();
    book.record('f1', 1, 10);
    book.record('f2', 2, 20);
    book.record('other', 9, 90);
    expect(book.viewOf(['f1', 'f2', 'never-copied'])).toMatchObject({ samples: 2, p50Ms: 20, lastMs: 20, sentP50Ms: 2 });
  });

  it('ignores negative and non-finite samples', () => {
    const book = new LatencyBook();
    book.record('f1', -1, Number.NaN);
    expect(book.view('f1')).toEqual(undefined);
    book.record('f1', Number.POSITIVE_INFINITY, 4);
    expect(book.view('f1')).toMatchObject({ samples: 1, p50Ms: 4, sentP50Ms: undefined });
  });

  it('keeps only the most recent 500 copies per account', () => {
    const book = new LatencyBook();
    for (let i = 0; i < 600; i++) book.record('f1', 1, i < 100 ? 1_000 : 1);
    expect(book.view('f1')).toMatchObject({ samples: 500, p99Ms: 1, lastMs: 1 });
  });

  it('percentile picks the nearest rank and is 0 on no samples', () => {
    expect(percentile([], 0.99)).toBe(0);
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(3);
    expect(percentile([1, 2, 3, 4], 0.99)).toBe(4);
  });
});

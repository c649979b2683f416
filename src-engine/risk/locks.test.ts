import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { money } from '../domain/money';
import { appendDayFill, appendPathPoint, MAX_PATH_POINTS, type LockFill, type PathPoint } from './locks';
import { ESH6 } from './testSupport';

describe('PnL path sampling', () => {
  it('stays bounded and keeps first, last and extremes', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1_000_000, max: 1_000_000 }), { minLength: 1, maxLength: 3000 }), (values) => {
        const path: PathPoint[] = [];
        values.forEach((v, i) => appendPathPoint(path, { time: i, dayPnl: money(v), netLiq: money(50_000_0000 + v) }));
        expect(path.length).toBeLessThanOrEqual(MAX_PATH_POINTS);
        const kept = path.map((p) => p.dayPnl as number);
        // Consecutive duplicates are never stored, so compare with the de-duplicated series.
        const series = values.filter((v, i) => i === 0 || v !== values[i - 1]);
        expect(kept[0]).toBe(series[0]);
        expect(kept.at(-1)).toBe(series.at(-1));
        expect(Math.min(...kept)).toBe(Math.min(...series));
        expect(Math.max(...kept)).toBe(Math.max(...series));
        for (let i = 1; i < path.length; i++) expect((path[i]?.time ?? 0) > (path[i - 1]?.time ?? 0)).toBe(true);
      }),
      { numRuns: 50 },
    );
  });
});

describe('day fills', () => {
  it('drops the oldest beyond the cap and says how many', () => {
    const fills: LockFill[] = [];
    let dropped = 0;
    for (let i = 0; i < 12; i++) dropped += appendDayFill(fills, { fillId: `f${i}`, contract: ESH6, side: 'buy', qty: 1, price: 6000, time: i, realized: undefined }, 10);
    expect(fills).toHaveLength(10);
    expect(dropped).toBe(2);
    expect(fills[0]?.fillId).toBe('f2');
  });
});

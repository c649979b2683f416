import { describe, expect, it } from 'vitest';
import data from '../../resources/data/presets.json';
import { Refusal } from '../domain/refusal';
import { applyPreset, isStale, listPresets, loadPresets } from './presets';
import { validateRules } from './rules';

describe('presets', () => {
  it('loads and lists every preset with its provenance', () => {
    const list = listPresets();
    expect(list.length).toBeGreaterThan(10);
    for (const p of list) {
      expect(p.lastChecked).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(p.note).toContain('check every number');
      expect(p.source.length).toBeGreaterThan(0);
      // Every figure says where it was read.
      expect(p.sources.length).toBeGreaterThan(0);
      for (const s of p.sources) expect(s.url).toMatch(/^https:\/\//);
      expect(validateRules(p.rules).issues).toEqual([]);
    }
    expect(new Set(list.map((p) => p.firm))).toEqual(new Set(['Topstep', 'Apex Trader Funding', 'MyFundedFutures', 'Tradeify', 'Lucid Trading', 'Take Profit Trader']));
    // Apex's March 2026 rules beside the older accounts', told apart by purchase date.
    const apex = list.filter((p) => p.firm === 'Apex Trader Funding');
    expect(apex.some((p) => p.boughtFrom === '2026-03-01')).toBe(true);
    expect(apex.some((p) => p.boughtBefore === '2026-03-01')).toBe(true);
    expect(new Set(list.map((p) => p.id)).size).toBe(list.length);
  });

  it('applies a preset to an account balance: stopAt follows the start', () => {
    expect(applyPreset('topstep-50k-combine')).toMatchObject({
      dailyLoss: 1000,
      trailingDrawdown: { amount: 2000, mode: 'endOfDay', stopAt: 50_000 },
      maxContracts: 5,
      consistency: { profitTarget: 3000, maxDayShare: 0.5, basis: 'totalProfit' },
    });
    // Its fee schedule comes along, named after the preset.
    expect(applyPreset('topstep-50k-combine').fees).toMatchObject({ perSide: { ES: 1.4, MES: 0.37 }, preset: 'topstep-50k-combine' });
    expect(applyPreset('tradeify-select-50k-eval', 50_000).trailingDrawdown).toEqual({ amount: 2000, mode: 'endOfDay', stopAt: 50_100 });
    expect(applyPreset('apex-50k-eval', 50_000).trailingDrawdown).toEqual({ amount: 2500, mode: 'intraday', stopAt: 50_100 });
    expect(applyPreset('apex-50k-eval', 49_250).trailingDrawdown?.stopAt).toBe(49_350);
  });

  it('says when its figures are more than 90 days old', () => {
    expect(isStale('2026-02-13', Date.parse('2026-05-14T00:00:00Z'))).toBe(false);
    expect(isStale('2026-02-13', Date.parse('2026-05-14T00:00:01Z'))).toBe(true);
    const topstep = (now: string) => listPresets(Date.parse(now)).find((p) => p.id === 'topstep-50k-combine');
    expect(topstep('2026-03-01T12:00:00Z')).toMatchObject({ asOf: '2026-02-13', stale: false });
    expect(topstep('2026-12-07T12:00:00Z')).toMatchObject({ asOf: '2026-02-13', stale: true });
  });

  it('refuses an unknown id or a balance the rules do not fit', () => {
    expect(() => applyPreset('nope')).toThrow(Refusal);
    expect(() => applyPreset('topstep-50k-combine', 800)).toThrow(/dailyLoss/);
  });

  it('rejects a broken file with the preset and field named', () => {
    const good = data as { presets: unknown[] };
    const first = good.presets[0] as Record<string, unknown>;
    expect(() => loadPresets({ ...good, presets: [{ ...first, rules: { dailyLoss: -1 } }] })).toThrow(/presets\.0\.rules\.dailyLoss/);
    expect(() => loadPresets({ ...good, presets: [first, first] })).toThrow(/duplicate/);
    expect(() => loadPresets({ ...good, presets: [{ ...first, rules: { session: { flattenAt: '16:30' } } }] })).toThrow(/session\.flattenAt/);
  });
});

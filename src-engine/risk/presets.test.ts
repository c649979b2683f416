import { describe, expect, it } from 'vitest';
import data from '../../resources/data/presets.json';
import { Refusal } from '../domain/refusal';
import { applyPreset, listPresets, loadPresets } from './presets';
import { validateRules } from './rules';

describe('presets', () => {
  it('loads and lists every preset with its provenance', () => {
    const list = listPresets();
    expect(list.length).toBeGreaterThan(10);
    for (const p of list) {
      expect(p.lastChecked).toBe('2026-11-22');
      expect(p.note).toContain('check every number');
      expect(p.source.length).toBeGreaterThan(0);
      expect(validateRules(p.rules).issues).toEqual([]);
    }
    expect(new Set(list.map((p) => p.id)).size).toBe(list.length);
  });

  it('applies a preset to an account balance: stopAt follows the start', () => {
    expect(applyPreset('topstep-50k-combine')).toEqual({
      dailyLoss: 1000,
      trailingDrawdown: { amount: 2000, mode: 'endOfDay', stopAt: 50_000 },
      maxContracts: 5,
      consistency: { profitTarget: 3000, maxDayShare: 0.5 },
    });
    expect(applyPreset('apex-50k-eval', 50_000).trailingDrawdown).toEqual({ amount: 2500, mode: 'intraday', stopAt: 50_100 });
    expect(applyPreset('apex-50k-eval', 49_250).trailingDrawdown?.stopAt).toBe(49_350);
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

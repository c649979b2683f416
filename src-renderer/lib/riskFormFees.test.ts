import { describe, expect, it } from 'vitest';
import { formFromRules, rulesFromForm } from './riskForm';

describe('risk form: fees', () => {
  it("keeps a preset's schedule named while it is unchanged, and makes it the trader's own once edited", () => {
    const rules = { dailyLoss: 1000, fees: { perSide: { ES: 1.4, MES: 0.37 }, preset: 'topstep-50k-combine' } };
    const form = formFromRules(rules);
    expect(form.fees).toBe('ES 1.4, MES 0.37');
    expect(rulesFromForm(form)).toEqual({ rules, issues: [] });
    expect(rulesFromForm({ ...form, fees: 'ES 1.5, mes $0.37' }).rules.fees).toEqual({ perSide: { ES: 1.5, MES: 0.37 } });
    expect(rulesFromForm({ ...form, fees: '' }).rules.fees).toBeUndefined();
  });

  it("keeps the consistency formula a preset set", () => {
    const rules = { consistency: { profitTarget: 3000, maxDayShare: 0.4, basis: 'totalProfit' as const } };
    expect(rulesFromForm(formFromRules(rules))).toEqual({ rules, issues: [] });
  });

  it('refuses what is not a product and a fee', () => {
    const { issues } = rulesFromForm({ ...formFromRules({}), fees: 'ES two dollars, NQ 1.40' });
    expect(issues).toEqual([{ field: 'fees.perSide', message: '"ES two dollars" is not a product and a fee, e.g. "ES 2.25, MNQ 0.52"' }]);
  });
});

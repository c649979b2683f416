import { describe, expect, it } from 'vitest';
import { money } from '../domain/money';
import { checkPnlRule, checkSession, compileRules, evaluatePnlRules, hasPnlRules, nextHighWaterMark, resetText, trailingThreshold, validateRules } from './rules';
import { usd } from './testSupport';

const figures = (dayPnl: number, netLiq: number, hwm: number) => ({ dayPnl: usd(dayPnl), netLiq: usd(netLiq), highWaterMark: usd(hwm) });

describe('compileRules', () => {
  it('turns dollars into exact Money and the consistency share into a ceiling', () => {
    const r = compileRules({ dailyLoss: 500, consistency: { profitTarget: 3000, maxDayShare: 0.3 }, trailingDrawdown: { amount: 1000 } });
    expect(r.dailyLoss).toBe(usd(500));
    expect(r.consistency?.threshold).toBe(usd(900)); // 0.3 × 3000 exactly, no float 899.9999
    expect(r.trailingDrawdown?.mode).toBe('intraday');
    // 0.29 × 3333.33 = 966.6657 → the smallest Money unit at or above it.
    expect(compileRules({ consistency: { profitTarget: 3333.33, maxDayShare: 0.29 } }).consistency?.threshold).toBe(money(9_666_657));
    expect(hasPnlRules(compileRules({ maxContracts: 3, session: { flattenAt: '15:10' } }))).toBe(false);
    expect(hasPnlRules(r)).toBe(true);
  });
});

describe('rule checks at the limit', () => {
  const r = compileRules({ dailyLoss: 500, trailingDrawdown: { amount: 1000, stopAt: 50_100 }, dailyProfitTarget: 1000, consistency: { profitTarget: 3000, maxDayShare: 0.3 } });

  it('dailyLoss: ≤ −limit', () => {
    expect(checkPnlRule('dailyLoss', r, figures(-499.99, 0, 0))).toBeUndefined();
    expect(checkPnlRule('dailyLoss', r, figures(-500, 0, 0))).toMatchObject({ kind: 'breach', threshold: usd(-500), value: usd(-500) });
  });

  it('trailingDrawdown: ≤ min(HWM − amount, stopAt)', () => {
    expect(trailingThreshold(usd(50_500), { amount: usd(1000), mode: 'intraday', stopAt: usd(50_100) })).toBe(usd(49_500));
    expect(trailingThreshold(usd(52_000), { amount: usd(1000), mode: 'intraday', stopAt: usd(50_100) })).toBe(usd(50_100));
    expect(checkPnlRule('trailingDrawdown', r, figures(0, 50_100.01, 52_000))).toBeUndefined();
    expect(checkPnlRule('trailingDrawdown', r, figures(0, 50_100, 52_000))?.threshold).toBe(usd(50_100));
  });

  it('soft rules: ≥ target', () => {
    expect(evaluatePnlRules(r, figures(899.99, 50_000, 50_000))).toHaveLength(0);
    expect(evaluatePnlRules(r, figures(900, 50_000, 50_000)).map((f) => f.rule)).toEqual(['consistency']);
    expect(evaluatePnlRules(r, figures(1000, 50_000, 50_000)).map((f) => f.rule)).toEqual(['dailyProfitTarget', 'consistency']);
  });

  it('breach rules come first', () => {
    expect(evaluatePnlRules(r, figures(-600, 48_000, 50_000)).map((f) => f.rule)).toEqual(['dailyLoss', 'trailingDrawdown']);
  });

  it('high-water marks never come down; end of day moves only at the roll', () => {
    expect(nextHighWaterMark(usd(100), usd(90), 'intraday', 'mark')).toBe(usd(100));
    expect(nextHighWaterMark(usd(100), usd(110), 'intraday', 'mark')).toBe(usd(110));
    expect(nextHighWaterMark(usd(100), usd(110), 'endOfDay', 'mark')).toBe(usd(100));
    expect(nextHighWaterMark(usd(100), usd(110), 'endOfDay', 'roll')).toBe(usd(110));
  });

  it('session holds from flattenAt to the end of the trading day', () => {
    const s = compileRules({ session: { flattenAt: '15:10' } });
    expect(checkSession(s, '2026-03-02', Date.parse('2026-03-02T15:09:59-06:00'))).toBeUndefined();
    expect(checkSession(s, '2026-03-02', Date.parse('2026-03-02T15:10:00-06:00'))?.rule).toBe('session');
    expect(resetText('dailyLoss', Date.parse('2026-03-02T15:10:00-06:00'))).toContain('2026-03-02 17:00 CT');
    expect(resetText('trailingDrawdown', 0)).toContain('never resets by itself');
  });
});

describe('validateRules', () => {
  const fields = (input: unknown, ctx = {}) => validateRules(input, ctx).issues.map((i) => i.field);

  it('accepts good rules and the empty set', () => {
    expect(validateRules({}).issues).toEqual([]);
    expect(validateRules({ dailyLoss: 1000, trailingDrawdown: { amount: 2000, mode: 'endOfDay', stopAt: 50_000 }, maxContracts: 5, consistency: { profitTarget: 3000, maxDayShare: 0.5 }, session: { flattenAt: '15:10' } }, { balance: usd(50_000), startBalance: usd(50_000) }).issues).toEqual([]);
  });

  it('names the field for what traders get wrong', () => {
    expect(fields({ dailyLoss: 0 })).toEqual(['dailyLoss']);
    expect(fields({ dailyLoss: '500' })).toEqual(['dailyLoss']);
    expect(fields({ dailyLoss: 500.005 })).toEqual(['dailyLoss']);
    expect(fields({ maxContracts: 2.5 })).toEqual(['maxContracts']);
    expect(fields({ trailingDrawdown: { amount: 2000, mode: 'eod' } })).toEqual(['trailingDrawdown.mode']);
    expect(fields({ trailingDrawdown: { amount: 2000, stopAt: 100 } })).toEqual(['trailingDrawdown.stopAt']);
    expect(fields({ trailingDrawdown: { amount: 2000, stopAt: 47_000 } }, { startBalance: usd(50_000) })).toEqual(['trailingDrawdown.stopAt']);
    expect(fields({ trailingDrawdown: { amount: 60_000 } }, { balance: usd(50_000) })).toEqual(['trailingDrawdown.amount']);
    expect(fields({ consistency: { profitTarget: 3000, maxDayShare: 30 } })).toEqual(['consistency.maxDayShare']);
    expect(fields({ consistency: { profitTarget: 3000 } })).toEqual(['consistency.maxDayShare']);
    expect(fields({ session: { flattenAt: '3:10pm' } })).toEqual(['session.flattenAt']);
    expect(fields({ session: { flattenAt: '17:00' } })).toEqual(['session.flattenAt']);
    expect(fields({ session: { flattenAt: '16:00' } })).toEqual(['session.flattenAt']);
    expect(fields({ trailingDrawdown: { amount: 1000, stopat: 50_100 } })).toEqual(['trailingDrawdown.stopat']);
    expect(validateRules({ trailingDrawdown: { amount: 1000, stopat: 50_100 } }).issues[0]?.message).toContain('known: amount, mode, stopAt');
    expect(fields(null)).toEqual(['']);
  });
});

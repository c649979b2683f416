import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeRatio, ratioProblem, stepRatio } from './decimal';
import { crossChoices, FAMILIES } from './families';
import { checkConnectionForm } from './brokers';
import { formFromRules, rulesFromForm } from './riskForm';
import { ms } from './format';
import { parseHash } from './route';

describe('ratio steps', () => {
  it('steps 0.1 below 1 and 1 from 1 up, exactly', () => {
    expect(stepRatio('0.5', 1)).toBe('0.6');
    expect(stepRatio('0.9', 1)).toBe('1');
    expect(stepRatio('1', 1)).toBe('2');
    expect(stepRatio('2', -1)).toBe('1');
    expect(stepRatio('1', -1)).toBe('0.9');
    expect(stepRatio('0.3', -1)).toBe('0.2');
    expect(stepRatio('0.1', -1)).toBe('0.1');
    expect(stepRatio('1000', 1)).toBe('1000');
    expect(stepRatio('2.5', -1)).toBe('2');
    expect(stepRatio('2.5', 1)).toBe('3');
    expect(stepRatio('0.25', 1)).toBe('0.3');
    expect(stepRatio(undefined, 1)).toBe('2');
  });

  it('mirrors the engine\'s bounds', () => {
    expect(ratioProblem('0.1')).toBeUndefined();
    expect(ratioProblem('1000')).toBeUndefined();
    expect(ratioProblem('0.09')).toBe('must be between 0.1 and 1000');
    expect(ratioProblem('1000.5')).toBe('must be between 0.1 and 1000');
    // A negative ratio is a number out of range, not a typo.
    expect(ratioProblem('-1')).toBe('must be between 0.1 and 1000');
    expect(ratioProblem('abc')).toBe('must be a number from 0.1 to 1000, such as 0.5 or 2');
    expect(normalizeRatio('2.50')).toBe('2.5');
    expect(normalizeRatio(2)).toBe('2');
  });
});

describe('families', () => {
  it('match resources/data/instruments.json', () => {
    const catalog = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../resources/data/instruments.json'), 'utf8')) as { products: { root: string; family: string }[] };
    const fromCatalog: Record<string, string[]> = {};
    for (const p of catalog.products) (fromCatalog[p.family] ??= []).push(p.root);
    const norm = (m: Readonly<Record<string, readonly string[]>>): Record<string, string[]> => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, [...v].sort()]));
    expect(norm(FAMILIES)).toEqual(norm(fromCatalog));
  });

  it('offer only same-family cross symbols', () => {
    expect(crossChoices('MNQ')).toEqual(['NQ']);
    expect(crossChoices('CL')).toEqual(['MCL', 'QM']);
    expect(crossChoices('6J')).toEqual([]);
  });
});

describe('connection form checks', () => {
  it('require the fields and URL schemes the engine requires', () => {
    const issues = checkConnectionForm('tradovate', '', { restUrl: 'ftp://x', wsUrl: 'https://x', mdUrl: 'wss://md', username: 'u', appId: 'a', appVersion: '1', cid: '', deviceId: 'd' }, { password: 'p' }, true);
    expect(issues.map((i) => i.field)).toEqual(['name', 'settings.restUrl', 'settings.wsUrl', 'settings.cid', 'secret.sec']);
    expect(checkConnectionForm('paper', 'P', { login: 'demo-paper' }, {}, false)).toEqual([]);
  });
});

describe('risk form', () => {
  it('round-trips rules and refuses what the schema refuses', () => {
    const rules = { dailyLoss: 1000, trailingDrawdown: { amount: 2000, mode: 'endOfDay' as const, stopAt: 50000 }, maxContracts: 5, consistency: { profitTarget: 3000, maxDayShare: 0.5 }, session: { flattenAt: '15:55' } };
    expect(rulesFromForm(formFromRules(rules))).toEqual({ rules, issues: [] });
    const bad = rulesFromForm({ ...formFromRules({}), dailyLoss: '-5', maxContracts: '2.5', consistencyShare: '1.5', flattenAt: '25:00' });
    expect(bad.issues.map((i) => i.field)).toEqual(['dailyLoss', 'maxContracts', 'consistency.maxDayShare', 'consistency.profitTarget', 'session.flattenAt']);
  });
});

describe('routes', () => {
  it('parse the hash', () => {
    expect(parseHash('#/risk/lock/abc')).toEqual({ screen: 'risk', parts: ['lock', 'abc'] });
    expect(parseHash('')).toEqual({ screen: 'dashboard', parts: [] });
    expect(parseHash('#/nonsense/x')).toEqual({ screen: 'dashboard', parts: [] });
  });
});

describe('latency text', () => {
  it('keeps sub-millisecond copies readable and rounds the slow ones', () => {
    expect(ms(0.36)).toBe('0.36');
    expect(ms(4.66)).toBe('4.7');
    expect(ms(436.2)).toBe('436');
    expect(ms(undefined)).toBe('—');
  });
});

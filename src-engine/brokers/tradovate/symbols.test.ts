import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { contractCode } from '../../domain/contractCode';
import { fromTradovateSymbol, toTradovateSymbol } from './symbols';

const NOV_2026 = Date.UTC(2026, 10, 23);

function code(name: string, now = NOV_2026): string {
  const r = fromTradovateSymbol(name, now);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

describe('Tradovate contract names', () => {
  it('writes root + month letter + one year digit', () => {
    expect(toTradovateSymbol(contractCode('MNQ', 2026, 12))).toBe('MNQZ6');
    expect(toTradovateSymbol(contractCode('6E', 2027, 3))).toBe('6EH7');
    expect(toTradovateSymbol(contractCode('M2K', 2030, 6))).toBe('M2KM0');
  });

  it('reads roots with digits and resolves the decade', () => {
    expect(code('MNQZ6')).toBe('MNQ:202612');
    expect(code('ESH7')).toBe('ES:202703');
    expect(code('6EZ6')).toBe('6E:202612');
    expect(code('M2KZ6')).toBe('M2K:202612');
    expect(code('mesm7')).toBe('MES:202706');
  });

  it('keeps a contract up to a year old in its decade and rolls older ones forward', () => {
    expect(code('ESZ5')).toBe('ES:202512'); // 11 months ago
    expect(code('ESH5')).toBe('ES:203503'); // 20 months ago: next decade
    expect(code('CLF0', Date.UTC(2029, 5, 1))).toBe('CL:203001');
  });

  it('refuses what is not a contract name', () => {
    for (const bad of ['', 'MNQ', 'Z6', 'MNQZ', 'MNQA6', 'MNQZ66', 'TOOLONGZ6', 'MN Q Z6']) expect(fromTradovateSymbol(bad, NOV_2026).ok).toBe(false);
  });

  it('round-trips every contract from a year ago to ten years after that', () => {
    fc.assert(
      fc.property(fc.constantFrom('ES', 'MNQ', '6E', 'M2K', 'ZN', 'MBT'), fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: 12 }), (root, yearsAhead, month) => {
        const year = 2026 + yearsAhead;
        // The window is [Nov 2025, Nov 2035): one digit names ten years.
        if ((year === 2026 && month < 11) || (year === 2035 && month >= 11)) return;
        const c = contractCode(root, year, month);
        expect(code(toTradovateSymbol(c))).toBe(c);
      }),
    );
  });
});

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { contractCode, isContractCode, MONTH_CODES, monthCodeOf, monthOfCode, parseContractCode, rootOf, type ContractCode } from './contractCode';

describe('ContractCode', () => {
  it('writes ROOT:YYYYMM with a two-digit month', () => {
    expect(contractCode('MNQ', 2026, 12)).toBe('MNQ:202612');
    expect(contractCode('6E', 2027, 3)).toBe('6E:202703');
    expect(contractCode('M2K', 2026, 1)).toBe('M2K:202601');
  });

  it('parses what it writes, for any root, year and month', () => {
    const roots = fc.stringMatching(/^[A-Z0-9]{1,6}$/);
    fc.assert(
      fc.property(roots, fc.integer({ min: 2000, max: 2099 }), fc.integer({ min: 1, max: 12 }), (root, year, month) => {
        const code = contractCode(root, year, month);
        expect(isContractCode(code)).toBe(true);
        expect(parseContractCode(code)).toEqual({ root, year, month });
        expect(rootOf(code)).toBe(root);
      }),
    );
  });

  it('refuses to build a code from a bad root, year or month', () => {
    expect(() => contractCode('mnq', 2026, 12)).toThrow(/"mnq" is not a product root/);
    expect(() => contractCode('MNQ:X', 2026, 12)).toThrow(/"MNQ:X" is not a product root/);
    expect(() => contractCode('', 2026, 12)).toThrow(/"" is not a product root/);
    // A two-digit year is a broker spelling that must have been resolved before it gets here.
    expect(() => contractCode('MNQ', 26, 12)).toThrow(/year 26/);
    expect(() => contractCode('MNQ', 2026.5, 12)).toThrow(/year 2026.5/);
    expect(() => contractCode('MNQ', 2026, 0)).toThrow(/month 0/);
    expect(() => contractCode('MNQ', 2026, 13)).toThrow(/month 13/);
  });

  it('refuses broker spellings and malformed text, naming the text', () => {
    for (const bad of ['MNQZ6', 'CON.F.US.MNQ.Z26', 'MNQ:2026-12', 'MNQ:202613', 'MNQ:202600', 'mnq:202612', 'MNQ:20261', ' MNQ:202612', ':202612']) {
      expect(isContractCode(bad), bad).toBe(false);
      expect(() => parseContractCode(bad), bad).toThrow(`"${bad}"`);
    }
  });

  it('maps CME month letters both ways', () => {
    expect(MONTH_CODES).toBe('FGHJKMNQUVXZ');
    expect(monthCodeOf(1)).toBe('F');
    expect(monthCodeOf(3)).toBe('H');
    expect(monthCodeOf(12)).toBe('Z');
    expect(monthOfCode('Z')).toBe(12);
    expect(monthOfCode('H')).toBe(3);
    for (let m = 1; m <= 12; m++) expect(monthOfCode(monthCodeOf(m))).toBe(m);
    expect(() => monthCodeOf(0)).toThrow(/month 0/);
    expect(() => monthCodeOf(13)).toThrow(/month 13/);
    expect(() => monthCodeOf(1.5)).toThrow(/month 1.5/);
    expect(() => monthOfCode('A')).toThrow(/"A" is not a month code/);
    expect(() => monthOfCode('ZH')).toThrow(/"ZH"/);
    expect(() => monthOfCode('')).toThrow(/""/);
  });

  it('sorts chronologically within a root as plain strings', () => {
    const codes: ContractCode[] = [contractCode('ES', 2027, 3), contractCode('ES', 2026, 12), contractCode('ES', 2026, 9)];
    expect([...codes].sort()).toEqual(['ES:202609', 'ES:202612', 'ES:202703']);
  });
});

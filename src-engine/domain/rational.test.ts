import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rational } from './rational';

describe('Rational', () => {
  it('parses decimals exactly where binary floating point drifts', () => {
    // 0.29 * 100 is 28.999999999999996 in doubles; floor would lose a contract.
    expect(Rational.parse('0.29').mulInt(100).floor()).toBe(29);
    expect(Rational.fromDecimalNumber(0.29).mulInt(100).floor()).toBe(29);
    expect(Rational.fromDecimalNumber(0.7).mulInt(10).floor()).toBe(7);
    expect(Rational.fromDecimalNumber(1e-7).toDecimalString(12)).toBe('0.0000001');
  });

  it('refuses text that is not a plain decimal', () => {
    for (const bad of ['', 'abc', '1e3', '1.', '.5', '1,5', '--1']) {
      expect(() => Rational.parse(bad), bad).toThrow(/not a decimal number/);
    }
  });

  it('rounds floor, ceil and half away from zero on both signs', () => {
    const half = Rational.of(1, 2);
    expect(half.floor()).toBe(0);
    expect(half.ceil()).toBe(1);
    expect(half.roundHalfAwayFromZero()).toBe(1);
    const negHalf = Rational.of(-1, 2);
    expect(negHalf.floor()).toBe(-1);
    expect(negHalf.ceil() === 0).toBe(true);
    expect(negHalf.roundHalfAwayFromZero()).toBe(-1);
    expect(Rational.of(149, 100).roundHalfAwayFromZero()).toBe(1);
    expect(Rational.of(3).floor()).toBe(3);
    expect(Rational.of(3).ceil()).toBe(3);
  });

  it('prints terminating decimals and falls back to a fraction', () => {
    expect(Rational.parse('12.50').toDecimalString()).toBe('12.5');
    expect(Rational.parse('-0.015625').toDecimalString()).toBe('-0.015625');
    expect(Rational.of(1, 3).toDecimalString()).toBe('1/3');
    expect(Rational.of(7).toDecimalString()).toBe('7');
  });

  it('keeps field laws exactly (property)', () => {
    const arb = fc.tuple(fc.integer({ min: -10_000, max: 10_000 }), fc.integer({ min: 1, max: 10_000 })).map(([n, d]) => Rational.of(n, d));
    fc.assert(
      fc.property(arb, arb, arb, (a, b, c) => {
        expect(a.add(b).sub(b).cmp(a)).toBe(0);
        expect(a.mul(b.add(c)).cmp(a.mul(b).add(a.mul(c)))).toBe(0);
        if (!b.isZero()) expect(a.mul(b).div(b).cmp(a)).toBe(0);
        expect(a.floor()).toBeLessThanOrEqual(a.ceil());
        expect(a.ceil() - a.floor()).toBeLessThanOrEqual(1);
      }),
    );
  });
});

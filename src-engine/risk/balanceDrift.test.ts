import { describe, expect, it } from 'vitest';
import { balanceDrift, conservativeCash } from './balanceDrift';
import { usd } from './testSupport';

describe('broker balance against the engine', () => {
  it('a cent is not a drift; more than a cent is, with both numbers', () => {
    expect(balanceDrift(usd(50_000), usd(50_000.01))).toBeUndefined();
    expect(balanceDrift(usd(50_000), usd(49_999.99))).toBeUndefined();
    expect(balanceDrift(usd(50_000), usd(49_999.98))).toEqual({ broker: usd(49_999.98), engine: usd(50_000), difference: usd(-0.02) });
    expect(balanceDrift(usd(50_000), undefined)).toBeUndefined();
  });

  it('the rules act on the lower cash', () => {
    expect(conservativeCash(usd(50_000), usd(49_700))).toBe(usd(49_700));
    expect(conservativeCash(usd(50_000), usd(50_300))).toBe(usd(50_000));
    // Within a cent the engine's exact figure stands.
    expect(conservativeCash(usd(50_000), usd(49_999.99))).toBe(usd(50_000));
    expect(conservativeCash(usd(50_000), undefined)).toBe(usd(50_000));
  });
});

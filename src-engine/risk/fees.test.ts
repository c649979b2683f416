import { describe, expect, it } from 'vitest';
import { compileFeeSchedule, feeOfFill } from './fees';
import { ESH6, NQH6, usd } from './testSupport';

describe('fee of a fill', () => {
  const account = compileFeeSchedule({ perSide: { ES: 2.25 } });
  const preset = compileFeeSchedule({ perSide: { ES: 2.8 }, preset: 'topstep-50k-combine' });

  it("takes the broker's figure over any schedule", () => {
    expect(feeOfFill({ contract: ESH6, qty: 3, fees: usd(7.77) }, account)).toEqual({ fees: usd(7.77), source: 'broker' });
    // A broker's zero is a figure too: never replaced by an estimate.
    expect(feeOfFill({ contract: ESH6, qty: 3, fees: usd(0) }, account)).toEqual({ fees: usd(0), source: 'broker' });
  });

  it('estimates from the schedule per contract and side, exactly', () => {
    expect(feeOfFill({ contract: ESH6, qty: 3 }, account)).toEqual({ fees: usd(6.75), source: 'account' });
    expect(feeOfFill({ contract: ESH6, qty: 2 }, preset)).toEqual({ fees: usd(5.6), source: 'preset' });
  });

  it("says 'none' when nothing covers the product, rather than claiming zero fees", () => {
    expect(feeOfFill({ contract: NQH6, qty: 1 }, account)).toEqual({ fees: usd(0), source: 'none' });
    expect(feeOfFill({ contract: ESH6, qty: 1 }, undefined)).toEqual({ fees: usd(0), source: 'none' });
  });
});

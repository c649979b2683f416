import { describe, expect, it } from 'vitest';
import { copyCapacity } from './copyCapacity';

const TRADOVATE = { perMinute: 80, perHour: 5_000 };
const PROJECTX = { perMinute: 200 };

describe('copy capacity of a login', () => {
  it('20 followers on one Tradovate user: about 4 leader fills a minute', () => {
    expect(copyCapacity({ limits: TRADOVATE, followers: 20 })).toEqual({ fillsPerMinute: 4, requestsPerFill: 20, limitedBy: 'minute' });
  });

  it('20 followers on one ProjectX key: 10 a minute', () => {
    expect(copyCapacity({ limits: PROJECTX, followers: 20 }).fillsPerMinute).toBe(10);
  });

  it('falls as followers share the login, rounding down to whole fills', () => {
    expect([1, 2, 3, 5, 20, 81].map((followers) => copyCapacity({ limits: TRADOVATE, followers }).fillsPerMinute)).toEqual([80, 40, 26, 16, 4, 0]);
  });

  it('is decided by the hour when the hour is the tighter pace', () => {
    expect(copyCapacity({ limits: { perMinute: 80, perHour: 1_200 }, followers: 4 })).toEqual({ fillsPerMinute: 5, requestsPerFill: 4, limitedBy: 'hour' });
  });

  it('counts requests per copy and keeps back the reserve', () => {
    expect(copyCapacity({ limits: TRADOVATE, followers: 5, requestsPerCopy: 2 }).fillsPerMinute).toBe(8);
    expect(copyCapacity({ limits: TRADOVATE, followers: 5, reservePerMinute: 20 }).fillsPerMinute).toBe(12);
    expect(copyCapacity({ limits: TRADOVATE, followers: 5, reservePerMinute: 500 }).fillsPerMinute).toBe(0);
  });

  it('says nothing about a login no fill is copied through', () => {
    expect(copyCapacity({ limits: TRADOVATE, followers: 0 })).toEqual({ fillsPerMinute: undefined, requestsPerFill: 0, limitedBy: undefined });
  });
});

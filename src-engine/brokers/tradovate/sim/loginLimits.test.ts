import { describe, expect, it } from 'vitest';
import { LoginLimits } from './loginLimits';

function limits(over: Partial<ConstructorParameters<typeof LoginLimits>[0]> = {}): { l: LoginLimits; at: (ms: number) => void } {
  let now = 1_000_000;
  const l = new LoginLimits({ perMinute: 3, perHour: 5, tokensPerHour: 2, lockoutMs: 3_600_000, ...over }, () => now);
  return { l, at: (ms) => (now = 1_000_000 + ms) };
}

describe('Tradovate login limits', () => {
  it('counts every account of a login against one minute, and asks the one over it to wait until a request leaves the window', () => {
    const { l, at } = limits();
    at(0);
    expect(l.record('apex')).toBe(true);
    at(10_000);
    expect(l.record('APEX')).toBe(true);
    expect(l.record('apex')).toBe(true);
    expect(l.minutePenalty('apex')).toBe(50_000);
    expect(l.minutePenalty('other')).toBeUndefined();
    at(60_000);
    expect(l.minutePenalty('apex')).toBeUndefined();
    expect(l.stats.minutePenalties).toBe(1);
  });

  it('locks a login out for the lockout with 429s once it goes over its hour', () => {
    const { l, at } = limits({ perMinute: 100 });
    for (let i = 0; i < 5; i++) expect(l.record('apex')).toBe(true);
    expect(l.record('apex')).toBe(false);
    expect(l.stats).toMatchObject({ lockouts: 1, tooManyRequests: 1 });
    at(3_599_999);
    expect(l.lockedFor('apex')).toBe(1);
    expect(l.lockedFor('other')).toBe(0);
    at(3_600_000);
    expect(l.lockedFor('apex')).toBe(0);
    expect(l.record('apex')).toBe(true);
    expect(l.stats.tooManyRequests).toBe(2);
  });

  it('allows the access-token request its own few times an hour', () => {
    const { l, at } = limits();
    expect(l.admitToken('apex')).toBe(true);
    expect(l.admitToken('apex')).toBe(true);
    expect(l.admitToken('apex')).toBe(false);
    expect(l.admitToken('other')).toBe(true);
    at(3_600_000);
    expect(l.admitToken('apex')).toBe(true);
    expect(l.stats.tokenRefusals).toBe(1);
  });
});

/** The renderer checks a save against the contract before it leaves: per-root ratios included (issue 22). */
import { describe, expect, it } from 'vitest';
import { ApiError, checkRequest } from './client';

describe('checkRequest with per-root ratios', () => {
  it('passes roots with ratios as numbers or decimal text', () => {
    expect(() => checkRequest('groups.save', { group: { name: 'G', followers: [{ account: 'f', ratios: { MNQ: 2, MES: '0.5' } }] } })).not.toThrow();
  });

  it('refuses an ill-formed root before sending, naming it', () => {
    let caught: unknown;
    try {
      checkRequest('groups.save', { group: { name: 'G', followers: [{ account: 'f', ratios: { 'mnq': 2 } }] } });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ApiError);
    expect((caught as ApiError).issues).toEqual([{ field: 'group.followers.0.ratios.mnq', message: '"mnq" is not a product root such as ES or MNQ' }]);
  });
});

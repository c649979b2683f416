import { describe, expect, it } from 'vitest';
import { followerFieldErrors } from './followerErrors';

describe("a follower's save errors on the Dashboard", () => {
  it('go beside their fields, once each, without the field path', () => {
    const e = followerFieldErrors(
      {
        'followers[1].ratio': ['must be at least 0.1', 'must be at least 0.1'],
        'followers[1].cross.MNQ': ['NQ is not in the MNQ family'],
        'followers[1].account': ['is the leader of group "Main"'],
        'followers[0].ratio': ['must be at most 1000'],
        name: ['is taken'],
      },
      1,
    );
    expect(e).toEqual({ ratio: ['must be at least 0.1'], mode: [], ratios: {}, cross: { MNQ: ['NQ is not in the MNQ family'] }, other: ['is the leader of group "Main"'] });
  });

  it("put a root's own ratio error beside that root's row", () => {
    const e = followerFieldErrors({ 'followers[0].ratios.MNQ': ['MNQ ratio must be between 0.1 and 1000 (got 0)'] }, 0);
    expect(e.ratios).toEqual({ MNQ: ['MNQ ratio must be between 0.1 and 1000 (got 0)'] });
    expect(e.other).toEqual([]);
  });
});

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
    expect(e).toEqual({ ratio: ['must be at least 0.1'], mode: [], cross: { MNQ: ['NQ is not in the MNQ family'] }, other: ['is the leader of group "Main"'] });
  });
});

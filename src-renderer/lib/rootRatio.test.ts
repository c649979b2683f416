import { describe, expect, it } from 'vitest';
import { rootRatio, rootRatioSourceWords, withRootRatio, withoutRootRatio } from './rootRatio';

describe("a follower's ratio for one leader root (Dashboard row)", () => {
  it("is the root's own, else the follower's, else the group's, and says which", () => {
    const f = { account: 'f', ratio: '0.5', ratios: { MNQ: '2' } };
    expect(rootRatio(f, '3', 'MNQ')).toEqual({ value: '2', source: 'root' });
    expect(rootRatio(f, '3', 'MES')).toEqual({ value: '0.5', source: 'follower' });
    expect(rootRatio({ account: 'g' }, '3', 'MES')).toEqual({ value: '3', source: 'group' });
    expect(rootRatioSourceWords('root', 'MNQ')).toBe("MNQ's own ratio");
    expect(rootRatioSourceWords('group', 'MNQ')).toBe("the group's ratio");
  });

  it('sets one root and resets it to the follower’s ratio without leaving an empty record', () => {
    const f = withRootRatio({ account: 'f', ratio: '1' }, 'MNQ', '2');
    expect(f).toEqual({ account: 'f', ratio: '1', ratios: { MNQ: '2' } });
    const both = withRootRatio(f, 'MES', '0.5');
    expect(withoutRootRatio(both, 'MNQ')).toEqual({ account: 'f', ratio: '1', ratios: { MES: '0.5' } });
    expect(withoutRootRatio(f, 'MNQ')).toEqual({ account: 'f', ratio: '1' });
  });
});

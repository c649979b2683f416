import { describe, expect, it } from 'vitest';
import { ApiError, errorsUnder, fieldErrors, fieldLabel, labelled, normalizeField, toApiError, unclaimed } from './errors';

describe('field mapping', () => {
  it('spells engine and zod paths the same way', () => {
    expect(normalizeField('followers[2].account')).toBe('followers[2].account');
    expect(normalizeField('group.followers.2.ratio', 'group')).toBe('followers[2].ratio');
    expect(normalizeField('group.settings.whitelist.0', 'group')).toBe('settings.whitelist[0]');
    expect(normalizeField('rules.trailingDrawdown.amount', 'rules')).toBe('trailingDrawdown.amount');
    expect(normalizeField('name', 'group')).toBe('name');
  });

  it("names a root's own ratio by its root, and says an engine message that names it once", () => {
    expect(normalizeField('group.followers.0.ratios.mnq', 'group')).toBe('followers[0].ratios.mnq');
    expect(fieldLabel('followers[0].ratios.MNQ')).toBe('MNQ ratio');
    expect(labelled('followers[0].ratios.MNQ', 'MNQ ratio must be between 0.1 and 1000 (got 0)')).toBe('MNQ ratio must be between 0.1 and 1000 (got 0)');
    expect(labelled('followers[0].ratios.mnq', '"mnq" is not a product root such as ES or MNQ')).toBe('mnq ratio: "mnq" is not a product root such as ES or MNQ');
  });

  it('groups messages by field and finds those under a row', () => {
    const errs = fieldErrors(
      [
        { field: 'followers[2].account', message: 'account "x" is already a follower in group "Main"' },
        { field: 'group.followers.2.ratio', message: 'must be at most 1000' },
        { field: 'name', message: 'a group named "Main" already exists' },
        { field: '', message: 'something general' },
      ],
      'group',
    );
    expect(errorsUnder(errs, 'followers[2]')).toEqual(['account "x" is already a follower in group "Main"', 'Ratio: must be at most 1000']);
    expect(errorsUnder(errs, 'followers[1]')).toEqual([]);
    expect(errs.name).toEqual(['a group named "Main" already exists']);
    expect(unclaimed(errs, (k) => k === 'name' || k.startsWith('followers['))).toEqual(['something general']);
  });

  it('keeps an ApiError, recognises error shapes, wraps anything else as failed', () => {
    const e = ApiError.refused([{ field: 'name', message: 'must not be empty' }]);
    expect(toApiError(e)).toBe(e);
    expect(e.message).toBe('Name: must not be empty');
    expect(toApiError({ kind: 'refused', message: 'm', issues: [{ field: 'a', message: 'b' }, { nonsense: 1 }] }).issues).toEqual([{ field: 'a', message: 'b' }]);
    const f = toApiError(new Error('boom'));
    expect(f.kind).toBe('failed');
    expect(f.message).toBe('boom');
  });
});

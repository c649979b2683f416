/** What Activity says a save changed, per-root ratios included (issue 22). */
import { describe, expect, it } from 'vitest';
import type { GroupInput } from '../api/config';
import { buildGroup } from '../domain/groupEdit';
import { Catalog } from '../domain/instruments';
import type { EngineCore } from './core';
import { describeSave } from './userActions';

const catalog = Catalog.load();
// describeSave reads only account names from the core.
const core = { accounts: new Map([['f1', { name: 'FUNDED-1' }]]) } as unknown as EngineCore;

function group(followers: GroupInput['followers']): ReturnType<typeof buildGroup> {
  return buildGroup({ name: 'G', leader: 'lead', followers }, { id: 'g', existing: undefined, others: [], accountExists: () => true, catalog });
}

describe('describeSave with per-root ratios', () => {
  it('names the root and what its trades are sized with before and after', () => {
    const before = group([{ account: 'f1', ratio: 1 }]);
    expect(describeSave(core, before, group([{ account: 'f1', ratio: 1, ratios: { MNQ: 2 } }]))).toBe('saved group G: MNQ ratio 1 → 2 of FUNDED-1');
    expect(describeSave(core, group([{ account: 'f1', ratio: 1, ratios: { MNQ: 2 } }]), before)).toBe('saved group G: MNQ ratio 2 → 1 of FUNDED-1');
  });

  it('a follower ratio change leaves a root with its own ratio unmentioned', () => {
    const before = group([{ account: 'f1', ratio: 1, ratios: { MNQ: 2 } }]);
    expect(describeSave(core, before, group([{ account: 'f1', ratio: 3, ratios: { MNQ: 2 } }]))).toBe('saved group G: ratio 1 → 3 of FUNDED-1');
  });
});

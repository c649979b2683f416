/**
 * A ratio per follower and per leader root (copy-semantics §3, issue 22): `ratios: { MNQ: 2 }` wins
 * over the follower's `ratio` for that root, which wins over the group's; validated like `ratio`
 * and refused naming the root; kept through the GroupInput a save stores.
 */
import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { GroupInput } from '../api/config';
import { Commands } from '../api/contract';
import { followerRatio, ratioFor } from './group';
import { buildGroup, toGroupInput } from './groupEdit';
import { Catalog } from './instruments';
import { Refusal } from './refusal';

const catalog = Catalog.load();

function build(input: Omit<GroupInput, 'name' | 'leader'>): ReturnType<typeof buildGroup> {
  return buildGroup({ name: 'G', leader: 'lead', ...input }, { id: 'g', existing: undefined, others: [], accountExists: () => true, catalog });
}

function refusal(input: Omit<GroupInput, 'name' | 'leader'>): Refusal {
  try {
    build(input);
  } catch (e) {
    if (e instanceof Refusal) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('ratioFor: root, then follower, then group', () => {
  const g = build({
    settings: { ratio: 3 },
    followers: [
      { account: 'own', ratio: 0.5, ratios: { MNQ: 2 } },
      { account: 'rootOnly', ratios: { MES: '1.5' } },
    ],
  });
  const [own, rootOnly] = g.followers;
  if (!own || !rootOnly) throw new Error('followers missing');

  it('takes the root’s own ratio for that root and the follower’s for the others', () => {
    expect(ratioFor(g, own, 'MNQ')).toMatchObject({ source: 'root' });
    expect(ratioFor(g, own, 'MNQ').ratio.toDecimalString()).toBe('2');
    expect(ratioFor(g, own, 'MES')).toMatchObject({ source: 'follower' });
    expect(ratioFor(g, own, 'MES').ratio.toDecimalString()).toBe('0.5');
  });

  it('falls back to the group’s ratio when the follower has none of its own', () => {
    expect(ratioFor(g, rootOnly, 'MES').ratio.toDecimalString()).toBe('1.5');
    expect(ratioFor(g, rootOnly, 'MNQ')).toMatchObject({ source: 'group' });
    expect(ratioFor(g, rootOnly, 'MNQ').ratio.toDecimalString()).toBe('3');
    expect(followerRatio(g, rootOnly).toDecimalString()).toBe('3');
  });

  it('is keyed by the leader root only: a ratio for the root a cross symbol trades does not apply', () => {
    const crossed = build({ followers: [{ account: 'x', ratio: 1, ratios: { NQ: 5 }, cross: { MNQ: 'NQ' } }] });
    const f = crossed.followers[0];
    if (!f) throw new Error('follower missing');
    expect(ratioFor(crossed, f, 'MNQ')).toMatchObject({ source: 'follower' });
  });
});

describe('validation of ratios', () => {
  it('accepts the bounds, as numbers or decimal text', () => {
    const g = build({ followers: [{ account: 'f', ratios: { MNQ: 0.1, MES: '1000', ES: '2.50' } }] });
    expect(Object.fromEntries(Object.entries(g.followers[0]?.ratios ?? {}).map(([k, v]) => [k, v.toDecimalString()]))).toEqual({ MNQ: '0.1', MES: '1000', ES: '2.5' });
  });

  it('refuses a value out of range, naming the root and the field', () => {
    const r = refusal({ followers: [{ account: 'f', ratios: { MNQ: 0.09 } }] });
    expect(r.issues).toEqual([{ field: 'followers[0].ratios.MNQ', message: 'MNQ ratio must be between 0.1 and 1000 (got 0.09)' }]);
    expect(refusal({ followers: [{ account: 'f', ratios: { MES: '1000.5' } }] }).message).toContain('MES ratio must be between 0.1 and 1000');
    expect(refusal({ followers: [{ account: 'f', ratios: { MES: -1 } }] }).message).toContain('MES ratio must be between 0.1 and 1000 (got -1)');
  });

  it('refuses a value that is not a decimal, naming the root', () => {
    expect(refusal({ followers: [{ account: 'f', ratios: { MNQ: 'two' } }] }).issues).toEqual([{ field: 'followers[0].ratios.MNQ', message: 'MNQ ratio must be a decimal number (got "two")' }]);
  });

  it('refuses a root the catalog does not know, naming it', () => {
    expect(refusal({ followers: [{ account: 'f', ratios: { XYZ: 2 } }] }).issues).toEqual([
      { field: 'followers[0].ratios.XYZ', message: 'a ratio is set for "XYZ", which is not a known product root' },
    ]);
  });

  it('refuses an ill-formed root name at the door (IPC and scenario schema), naming it', () => {
    const parsed = Commands['groups.save'].safeParse({ group: { name: 'G', followers: [{ account: 'f', ratios: { mnq: 2 } }] } });
    expect(parsed.success).toBe(false);
    const issues = (parsed.error as ZodError).issues;
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toEqual(['group', 'followers', 0, 'ratios', 'mnq']);
    expect(issues[0]?.message).toBe('"mnq" is not a product root such as ES or MNQ');
  });

  it('refuses the whole save when one root is bad: nothing else of it is taken', () => {
    const r = refusal({ followers: [{ account: 'f', ratio: 2, ratios: { MNQ: 2, MES: 0 } }] });
    expect(r.issues.map((i) => i.field)).toEqual(['followers[0].ratios.MES']);
  });
});

describe('toGroupInput keeps ratios', () => {
  it('round-trips through the stored form, exact decimals included', () => {
    const g = build({ followers: [{ account: 'f', ratio: 1, ratios: { MNQ: '0.29', MES: 2 } }, { account: 'plain' }] });
    const stored = GroupInput.parse(JSON.parse(JSON.stringify(toGroupInput(g))));
    expect(stored.followers?.[0]?.ratios).toEqual({ MNQ: '0.29', MES: '2' });
    expect(stored.followers?.[1]).toEqual({ account: 'plain' });
    const again = build({ followers: stored.followers ?? [] });
    expect(ratioFor(again, again.followers[0] ?? never(), 'MNQ').ratio.toDecimalString()).toBe('0.29');
  });
});

function never(): never {
  throw new Error('missing');
}

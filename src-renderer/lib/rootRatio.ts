/**
 * A follower's ratio for one leader root as the Dashboard row shows and edits it (copy-semantics
 * §3): the root's own ratio, else the follower's, else the group's, and where the figure came from,
 * so the trader can tell "×2 for MNQ only" from "×2 everywhere". Pure, on the staged input.
 */
import type { FollowerInput } from '../../src-engine/api/config';
import { omitKey } from './objects';

export type RootRatioSource = 'root' | 'follower' | 'group';

export interface RootRatio {
  readonly value: string | number;
  readonly source: RootRatioSource;
}

export function rootRatio(f: FollowerInput, groupRatio: string | number, root: string): RootRatio {
  const own = f.ratios?.[root];
  if (own !== undefined) return { value: own, source: 'root' };
  if (f.ratio !== undefined) return { value: f.ratio, source: 'follower' };
  return { value: groupRatio, source: 'group' };
}

/** The follower with `root` at its own ratio (text as typed: the engine checks it on Save). */
export function withRootRatio(f: FollowerInput, root: string, value: string): FollowerInput {
  return { ...f, ratios: { ...f.ratios, [root]: value } };
}

/** Reset: the root goes back to the follower's ratio (no empty `ratios` left behind). */
export function withoutRootRatio(f: FollowerInput, root: string): FollowerInput {
  const ratios = omitKey({ ...f.ratios }, root);
  const { ratios: _old, ...rest } = f;
  return Object.keys(ratios).length ? { ...rest, ratios } : rest;
}

/** Where the row's figure comes from, in the row's words. */
export function rootRatioSourceWords(source: RootRatioSource, root: string): string {
  switch (source) {
    case 'root':
      return `${root}'s own ratio`;
    case 'follower':
      return "the follower's ratio";
    case 'group':
      return "the group's ratio";
  }
}

/**
 * A refused save's errors for one follower, sorted to the fields the Dashboard row shows them
 * beside: each once, in words, never with the engine's field path ("followers[0].ratio").
 */
import type { FieldErrors } from '../api/errors';

export interface FollowerFieldErrors {
  readonly ratio: readonly string[];
  readonly mode: readonly string[];
  /** A root's own ratio, by leader root. */
  readonly ratios: Readonly<Record<string, readonly string[]>>;
  /** By leader root. */
  readonly cross: Readonly<Record<string, readonly string[]>>;
  /** Errors of fields the row has no place for (shown under the account). */
  readonly other: readonly string[];
}

export function followerFieldErrors(errors: FieldErrors, index: number): FollowerFieldErrors {
  const prefix = `followers[${index}]`;
  const ratio: string[] = [];
  const mode: string[] = [];
  const ratios: Record<string, string[]> = {};
  const cross: Record<string, string[]> = {};
  const other: string[] = [];
  for (const [field, messages] of Object.entries(errors)) {
    if (field !== prefix && !field.startsWith(`${prefix}.`)) continue;
    const rest = field.slice(prefix.length + 1);
    const add = (into: string[]): void => {
      for (const m of messages) if (!into.includes(m)) into.push(m);
    };
    if (rest === 'ratio') add(ratio);
    else if (rest === 'mode') add(mode);
    else if (rest.startsWith('ratios.')) add((ratios[rest.slice('ratios.'.length)] ??= []));
    else if (rest.startsWith('cross.')) add((cross[rest.slice('cross.'.length)] ??= []));
    else add(other);
  }
  return { ratio, mode, ratios, cross, other };
}

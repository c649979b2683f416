import type { Rounding } from '../api/config';
import type { Rational } from '../domain/rational';

/** Whether the leader's |P| grew (entry) or shrank (exit) with this fill. */
export type Direction = 'entry' | 'exit';

/**
 * R of copy-semantics §3, applied to |P| × k ≥ 0:
 *
 * | rounding        | entry | exit                          |
 * | entryDownExitUp | floor | floor (exit quantity rounds up) |
 * | nearest         | half away from zero, both            |
 * | alwaysDown      | floor | ceil (exit quantity rounds down) |
 */
export function roundTarget(magnitude: Rational, rounding: Rounding, direction: Direction): number {
  if (magnitude.sign() < 0) throw new RangeError('roundTarget: magnitude must be ≥ 0');
  switch (rounding) {
    case 'entryDownExitUp':
      return magnitude.floor();
    case 'nearest':
      return magnitude.roundHalfAwayFromZero();
    case 'alwaysDown':
      return direction === 'entry' ? magnitude.floor() : magnitude.ceil();
  }
}

/**
 * The target rule of copy-semantics §3 and the guards around it. Pure arithmetic on exact
 * rationals; every function here is property-tested.
 */
import type { PartialExit, Rounding } from '../api/config';
import { Rational } from '../domain/rational';
import type { FollowerTrack } from './lifecycle';
import { roundTarget, type Direction } from './rounding';

export interface TargetInput {
  readonly track: FollowerTrack;
  /** Leader position after the fill. */
  readonly leaderPosition: number;
  /** Contracts the leader entered in this lifecycle (fixed mode's El), after the fill. */
  readonly leaderEntered: number;
  readonly direction: Direction;
  readonly rounding: Rounding;
  readonly partialExit: PartialExit;
}

/** |P| × k (× conversion), before rounding. */
export function rawMagnitude(track: FollowerTrack, leaderPosition: number, leaderEntered: number): Rational {
  const absP = Math.abs(leaderPosition);
  const conversion = Rational.fromString(track.conversion);
  if (track.mode === 'fixed') {
    if (leaderEntered <= 0) return Rational.ZERO;
    return Rational.of(absP).mul(Rational.fromString(track.fixedEntered)).div(Rational.of(leaderEntered)).mul(conversion);
  }
  return Rational.of(absP).mul(Rational.fromString(track.k)).mul(conversion);
}

/** T = sign(P) × R(|P| × k); a flat leader always sends the follower to 0. */
export function targetFor(input: TargetInput): number {
  const P = input.leaderPosition;
  if (P === 0) return 0;
  if (input.direction === 'exit' && input.partialExit === 'exitWithLeader') return input.track.lastTarget;
  return Math.sign(P) * roundedMagnitude(input.track, Math.abs(P), input.leaderEntered, input.rounding, input.direction);
}

/**
 * R(|P| × k), memoised: on one leader fill most followers share their factors (ratio 1, the same
 * conversion), and exact bigint arithmetic is the planner's main cost. Pure, so caching is safe.
 */
const magnitudes = new Map<string, number>();
function roundedMagnitude(track: FollowerTrack, absP: number, leaderEntered: number, rounding: Rounding, direction: TargetInput['direction']): number {
  const fixed = track.mode === 'fixed';
  const key = `${track.mode}|${fixed ? track.fixedEntered : track.k}|${track.conversion}|${absP}|${fixed ? leaderEntered : ''}|${rounding}|${direction}`;
  const hit = magnitudes.get(key);
  if (hit !== undefined) return hit;
  const value = roundTarget(rawMagnitude(track, absP, leaderEntered), rounding, direction);
  if (magnitudes.size > 50_000) magnitudes.clear();
  magnitudes.set(key, value);
  return value;
}

/** An exit never takes the follower further from flat than it is (nor across zero). */
export function exitOnly(target: number, current: number): number {
  if (current === 0 || Math.sign(target) !== Math.sign(current)) return 0;
  return Math.sign(current) * Math.min(Math.abs(target), Math.abs(current));
}

/**
 * While entries are blocked (soft lock, quarantine, unknown risk, a skipped entry) only orders that
 * reduce what the follower holds may go: the target is pulled toward the current position.
 */
export function blockEntries(target: number, current: number): number {
  return exitOnly(target, current);
}

/**
 * maxContracts (§7, clamp): open contracts across all symbols of the account never exceed the cap.
 * `openElsewhere` counts every other contract (positions and in-flight orders).
 */
export function clampToCap(target: number, current: number, cap: number, openElsewhere: number): number {
  const allowed = Math.max(0, cap - openElsewhere);
  if (Math.abs(target) <= allowed) return target;
  // Never clamp an order that only reduces: that would keep more than the leader holds.
  if (Math.sign(target) === Math.sign(current) && Math.abs(target) <= Math.abs(current)) return target;
  const reduced = Math.sign(target) * allowed;
  // If the cap is already exceeded, do not grow: hold what is held on this side.
  if (Math.sign(target) === Math.sign(current) && Math.abs(current) > allowed) return current;
  return reduced;
}

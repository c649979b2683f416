/**
 * What a group save leaves each login it copies to carrying (copy-semantics §8a), for the save's
 * question: one line per login, in a warning tone when it carries fewer than CAPACITY_WARN_BELOW
 * leader fills a minute copied at once. A save that leaves a login that thin asks first, even
 * when it moves no position: the trader learns of the delay before trading, not after.
 */
import type { ConnectionView, LoginCapacityView, SaveImpactView } from '../../src-engine/api/views';
import { capacitySentence } from './capacityWords';
import { capacityTone, type Tone } from './loginLoadWords';

export interface CapacityLine {
  readonly connectionId: string;
  /** "Tradovate main: 20 followers on one Tradovate login: about 4 leader fills a minute copied at once; more wait, exits first" */
  readonly text: string;
  readonly tone: Tone;
}

/** The logins the save leaves carrying too little. */
export function thinLogins(impact: SaveImpactView): LoginCapacityView[] {
  return (impact.capacity ?? []).filter((c) => capacityTone(c) === 'warn');
}

/** `connections`: the snapshot's, to name each login's broker; a login not in it is said without one. */
export function capacityLines(impact: SaveImpactView, connections: readonly Pick<ConnectionView, 'id' | 'broker'>[]): CapacityLine[] {
  return (impact.capacity ?? []).map((c) => {
    const broker = connections.find((k) => k.id === c.connectionId)?.broker;
    return { connectionId: c.connectionId, text: `${c.connection}: ${capacitySentence(broker, c)}`, tone: capacityTone(c) };
  });
}

/**
 * A login's capacity in the words the Connections screen and a group save say it (copy-semantics
 * §8a): how many followers share the login and how many leader fills a minute they all get copied
 * at once; beyond that, copies wait their turn, exits first.
 */
import type { BrokerKind, CapacityView } from '../../src-engine/api/views';

const LOGIN_WORDS: Readonly<Record<BrokerKind, string>> = { tradovate: 'one Tradovate login', projectx: 'one ProjectX API key', paper: 'one paper login' };

/** `broker` undefined (a login the snapshot does not list yet): said as "one login". */
export function capacitySentence(broker: BrokerKind | undefined, c: CapacityView): string {
  if (c.fillsPerMinute === undefined || c.followers === 0) return 'No follower is copied through this login';
  const who = `${c.followers} follower${c.followers === 1 ? '' : 's'} on ${broker ? LOGIN_WORDS[broker] : 'one login'}`;
  const pace = c.fillsPerMinute === 0 ? 'less than one leader fill a minute' : `about ${c.fillsPerMinute} leader fill${c.fillsPerMinute === 1 ? '' : 's'} a minute`;
  const hour = c.limitedBy === 'hour' ? ' (the hourly limit decides)' : '';
  return `${who}: ${pace} copied at once${hour}; more wait, exits first`;
}

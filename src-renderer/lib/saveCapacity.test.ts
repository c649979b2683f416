import { describe, expect, it } from 'vitest';
import type { LoginCapacityView, SaveImpactView } from '../../src-engine/api/views';
import { capacityLines, thinLogins } from './saveCapacity';

const login = (connectionId: string, connection: string, followers: number, fillsPerMinute: number): LoginCapacityView => ({ connectionId, connection, followers, perMinute: 80, perHour: 5_000, fillsPerMinute, limitedBy: 'minute' });
const impact = (capacity: LoginCapacityView[] | undefined): SaveImpactView => ({ removed: [], resized: [], ...(capacity ? { capacity } : {}) });

describe('what a group save leaves each login carrying', () => {
  it('one line per login, named, in the capacity sentence', () => {
    expect(capacityLines(impact([login('c1', 'Tradovate main', 20, 4)]), [{ id: 'c1', broker: 'tradovate' }])).toEqual([
      { connectionId: 'c1', text: 'Tradovate main: 20 followers on one Tradovate login: about 4 leader fills a minute copied at once; more wait, exits first', tone: 'ok' },
    ]);
    // A login the snapshot does not list yet is said without its broker.
    expect(capacityLines(impact([login('c9', 'New login', 1, 80)]), [])[0]?.text).toBe('New login: 1 follower on one login: about 80 leader fills a minute copied at once; more wait, exits first');
    expect(capacityLines(impact(undefined), [])).toEqual([]);
  });

  it('marks the logins under 2 leader fills a minute, and only those', () => {
    const i = impact([login('c1', 'Crowded', 50, 1), login('c2', 'Roomy', 2, 40), login('c3', 'Full', 90, 0)]);
    expect(thinLogins(i).map((c) => c.connection)).toEqual(['Crowded', 'Full']);
    expect(capacityLines(i, [{ id: 'c1', broker: 'tradovate' }]).map((l) => l.tone)).toEqual(['warn', 'ok', 'warn']);
    expect(thinLogins(impact([login('c1', 'Two', 40, 2)]))).toEqual([]);
  });
});

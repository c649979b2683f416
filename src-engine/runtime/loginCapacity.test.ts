/**
 * The Connections screen's capacity per login, read from the engine's views on a real engine
 * connected to the simulators: the followers each login carries and the leader fills a minute
 * they can all have copied at once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startWorld, tearDownWorlds } from '../scenario/testWorld';
import { connectionViews } from './views';

afterEach(tearDownWorlds);

describe('capacity in the connection views', () => {
  it('counts the followers under each login (the leader costs nothing) and says what they carry', async () => {
    const world = await startWorld({
      name: 'capacity',
      accounts: [
        { id: 'lead', broker: 'tradovate', login: 'apex', balance: 50_000 },
        ...['t1', 't2', 't3', 't4'].map((id) => ({ id, broker: 'tradovate', login: 'apex', balance: 50_000 })),
        ...['p1', 'p2'].map((id) => ({ id, broker: 'projectx', login: 'topstep', balance: 50_000 })),
        { id: 'pp', broker: 'paper', balance: 50_000 },
      ],
      groups: [{ name: 'G', leader: 'lead', followers: ['t1', 't2', 't3', 't4', 'p1', 'p2', 'pp'].map((account) => ({ account })) }],
      quotes: { MES: 6000 },
    });
    const engine = world.requireEngine();
    const capacity = (): Record<string, unknown> => Object.fromEntries(connectionViews(engine.core, () => false).map((c) => [c.id, c.capacity]));
    // The figures planned against keep a 10 % margin under the brokers' 80 and 5,000 (Tradovate), 200 (ProjectX).
    expect(capacity()).toEqual({
      'conn-apex': { followers: 4, perMinute: 72, perHour: 4_500, fillsPerMinute: 18, limitedBy: 'minute' },
      'conn-topstep': { followers: 2, perMinute: 180, fillsPerMinute: 90, limitedBy: 'minute' },
      'conn-pp': undefined,
    });
    // Settled: nothing waits for any login's budget.
    expect(connectionViews(engine.core, () => false).map((c) => c.queue)).toEqual([{ queued: 0 }, { queued: 0 }, { queued: 0 }]);

    // A disabled follower costs the login nothing; a group with no leader copies nothing.
    engine.editGroup('G', { followers: [{ account: 't1' }, { account: 't2', enabled: false }, { account: 'p1' }] });
    expect(capacity()['conn-apex']).toMatchObject({ followers: 1, fillsPerMinute: 72 });
    engine.editGroup('G', { leader: null });
    expect(capacity()['conn-apex']).toMatchObject({ followers: 0, fillsPerMinute: undefined });
  });

  it('says what each login the group copies to would carry after a save, counting other groups on the login, for a new group too', async () => {
    const world = await startWorld({
      name: 'capacity at save',
      accounts: [
        { id: 'lead', broker: 'projectx', balance: 50_000 },
        { id: 'lead2', broker: 'projectx', balance: 50_000 },
        { id: 'lead3', broker: 'projectx', balance: 50_000 },
        ...['t1', 't2', 't3', 't4', 't5'].map((id) => ({ id, broker: 'tradovate', login: 'apex', balance: 50_000 })),
      ],
      groups: [
        { name: 'G', leader: 'lead', followers: [{ account: 't1' }] },
        { name: 'H', leader: 'lead2', followers: [{ account: 't5' }] },
      ],
      quotes: { MES: 6000 },
    });
    const engine = world.requireEngine();
    const impact = engine.saveImpact('G', { name: 'G', leader: 'lead', followers: ['t1', 't2', 't3', 't4'].map((account) => ({ account })) });
    expect(impact.capacity).toEqual([{ connectionId: 'conn-apex', connection: 'tradovate:apex', followers: 5, perMinute: 72, perHour: 4_500, fillsPerMinute: 14, limitedBy: 'minute' }]);
    // Deleting the group says nothing; the other group's follower alone is what stays.
    expect(engine.saveImpact('G', undefined).capacity).toEqual([]);
    // A new group (no id yet): it leaves nothing open; its login carries the groups already there too.
    expect(engine.saveImpact(undefined, { name: 'N', leader: 'lead3', followers: [{ account: 't2' }, { account: 't3' }] })).toEqual({
      removed: [],
      resized: [],
      capacity: [{ connectionId: 'conn-apex', connection: 'tradovate:apex', followers: 4, perMinute: 72, perHour: 4_500, fillsPerMinute: 18, limitedBy: 'minute' }],
    });
    expect(() => engine.saveImpact(undefined, undefined)).toThrow(/a new group needs its settings/);
    expect(engine.groups().map((g) => g.name).sort()).toEqual(['G', 'H']);
  });
});

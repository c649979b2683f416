/**
 * The shared-login chaos world, built without running the engine: its accounts share one
 * Tradovate login and one ProjectX key, the engine child would configure one connection per login,
 * and the simulators enforce the limits the profile promises. The standard world keeps its one
 * connection per account, so its seeds replay as before.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SystemClock } from '../domain/clock';
import { Catalog } from '../domain/instruments';
import { ChaosWorld, refusalCount } from './chaosWorld';
import { childConnections } from './childConnections';
import { explainShortfall, type ShortOutOfSync } from './checks';
import { planRun } from './plan';
import { SHARED_LOGIN_WORLD, SHARED_PROJECTX_KEY, SHARED_TRADOVATE_LOGIN } from './sharedLoginWorld';
import { PROFILES } from './suite';

let world: ChaosWorld | undefined;
afterEach(async () => {
  await world?.dispose();
  world = undefined;
});

describe('shared-login chaos world', () => {
  it('puts the Tradovate accounts under one login and the ProjectX ones under one key, one engine connection each', async () => {
    world = await ChaosWorld.create(Catalog.load(), new SystemClock(), SHARED_LOGIN_WORLD);
    const spec = world.childSpec();
    const logins = new Set(spec.accounts.map((a) => `${a.broker}:${a.login}`));
    expect([...logins].sort()).toEqual([`projectx:${SHARED_PROJECTX_KEY}`, `tradovate:${SHARED_TRADOVATE_LOGIN}`]);

    const conns = childConnections(spec.accounts);
    expect(conns.map((c) => ({ id: c.id, broker: c.broker, accounts: c.accounts.map((a) => a.key).sort() }))).toEqual([
      { id: `conn-${SHARED_TRADOVATE_LOGIN}`, broker: 'tradovate', accounts: ['fl', 'fl-t1', 'fl-t2', 'fl-t3', 'fl-t4', 'fl-t5', 'fl-t6', 'xl-t1'] },
      { id: `conn-${SHARED_PROJECTX_KEY}`, broker: 'projectx', accounts: ['fl-p1', 'fl-p2', 'fl-p3', 'xl', 'xl-p1', 'xl-p2'] },
    ]);
    // A fault armed on one account of the login disturbs all of them.
    expect(world.loginMates('fl-t3').sort()).toEqual(['fl', 'fl-t1', 'fl-t2', 'fl-t3', 'fl-t4', 'fl-t5', 'fl-t6', 'xl-t1']);
  });

  it('leads from a login its followers share, with mixed ratios', () => {
    const [tradovateLed] = SHARED_LOGIN_WORLD.groups;
    const sameLogin = tradovateLed?.followers.filter((f) => f.broker === 'tradovate' && f.login === tradovateLed.leaderLogin) ?? [];
    expect(sameLogin.length).toBeGreaterThanOrEqual(6);
    expect(new Set(sameLogin.map((f) => f.ratio)).size).toBeGreaterThan(1);
  });

  it("enforces Tradovate's observed minute and hour and ProjectX's 200 a minute, with nothing refused yet", async () => {
    world = await ChaosWorld.create(Catalog.load(), new SystemClock(), SHARED_LOGIN_WORLD);
    expect(world.tradovate.limits?.limits).toMatchObject({ perMinute: 80, perHour: 5_000 });
    expect(SHARED_LOGIN_WORLD.limits?.projectxPerMinute).toBe(200);
    expect(refusalCount(world.limitRefusals())).toBe(0);
  });

  it("counts a penalty the login earned, and whether it came within a minute after a restart", async () => {
    world = await ChaosWorld.create(Catalog.load(), new SystemClock(), SHARED_LOGIN_WORLD);
    const limits = world.tradovate.limits;
    if (!limits) throw new Error('limits not enforced');
    for (let i = 0; i < 80; i++) limits.record(SHARED_TRADOVATE_LOGIN);
    expect(limits.minutePenalty(SHARED_TRADOVATE_LOGIN)).toBeGreaterThan(0);
    const now = world.clock.now();
    expect(world.limitRefusals([now - 5_000])).toMatchObject({ penalties: 1, afterRestart: 1 });
    expect(world.limitRefusals([now - 120_000])).toMatchObject({ penalties: 1, afterRestart: 0 });
    expect(refusalCount(world.limitRefusals())).toBe(1);
  });

  it('the profile runs this world, and its plan replays from the seed', () => {
    const run = PROFILES['shared-login'].run;
    expect(run.world).toBe('sharedLogin');
    const groups = SHARED_LOGIN_WORLD.groups.length;
    expect(planRun(31, groups, run)).toEqual(planRun(31, groups, run));
    expect(planRun(31, groups, run).steps.filter((s) => s.kill).length).toBeGreaterThan(0);
  });
});

describe('standard chaos world', () => {
  it('keeps one connection per account, with the ids and names it always had', async () => {
    world = await ChaosWorld.create(Catalog.load(), new SystemClock());
    expect(childConnections(world.childSpec().accounts).map((c) => [c.id, c.name, c.accounts.length])).toEqual([
      ['conn-tl', 'tradovate:tl', 1],
      ['conn-tl-t1', 'tradovate:tl-t1', 1],
      ['conn-tl-p2', 'projectx:tl-p2', 1],
      ['conn-pl', 'projectx:pl', 1],
      ['conn-pl-p1', 'projectx:pl-p1', 1],
      ['conn-pl-t2', 'tradovate:pl-t2', 1],
    ]);
    expect(world.tradovate.limits).toBeUndefined();
  });
});

describe('explainShortfall', () => {
  const lifecycleStart = 1_000_000;
  const s: ShortOutOfSync = { account: 'fl-t2', root: 'MNQ', since: lifecycleStart, lost: { kind: 'lost', account: 'fl-t2', detail: 'leader fl 2 MNQ, target 4, holds 0 (shown out of sync)' } };

  it('excuses a shortfall when the engine journaled budgetExpired in this root during the lifecycle', () => {
    const e = explainShortfall(s, [{ time: lifecycleStart + 500, contract: 'MNQ:202612' }]);
    expect(e?.why).toBe("entry given up for the login's request budget (budgetExpired), shown out of sync");
  });

  it('does not excuse it with a decision of an earlier lifecycle, of another root, or none', () => {
    expect(explainShortfall(s, [{ time: lifecycleStart - 1, contract: 'MNQ:202612' }])).toBeUndefined();
    expect(explainShortfall(s, [{ time: lifecycleStart + 500, contract: 'MES:202612' }])).toBeUndefined();
    expect(explainShortfall(s, [])).toBeUndefined();
  });
});

/**
 * Followers sharing a login share one connection and one request budget (copy-semantics §8a),
 * proved at the simulators with their per-login limits switched on: one sign-in per login, every
 * copy sent once, and not one penalty, 429 or lockout earned.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Catalog } from '../domain/instruments';
import { ProjectXSim } from '../brokers/projectx/sim/projectxSim';
import { TradovateSim } from '../brokers/tradovate/sim/tradovateSim';
import { loadScenario } from './load';
import { runScenario, type Line } from './runner';
import { PROJECT_DIR } from './scenarioFiles';
import type { World } from './world';

const FILE = join(PROJECT_DIR, '268-shared-logins-share-one-budget.yaml');

interface Observed {
  readonly connections: readonly { readonly id: string; readonly broker: string; readonly accounts: readonly string[] }[];
  readonly tradovate: { readonly logins: number; readonly requests: Readonly<Record<string, number>>; readonly penalties: number; readonly limits: unknown; readonly usedMinute: number };
  readonly projectx: { readonly logins: number; readonly byPath: Readonly<Record<string, number>>; readonly refused: number };
  readonly apiOrders: Readonly<Record<string, number>>;
}

function observe(world: World): Observed {
  const engine = world.requireEngine();
  const accounts = engine.core.config.accounts();
  const connections = engine.core.config.connections().map((c) => ({ id: c.id, broker: c.broker, accounts: accounts.filter((a) => a.connectionId === c.id).map((a) => a.id) }));
  const tv = world.frontEnds.get('tradovate');
  const px = world.frontEnds.get('projectx');
  if (!(tv instanceof TradovateSim) || !(px instanceof ProjectXSim)) throw new Error('both wire simulators should run');
  const pxLog = px.requestLog().filter((r) => r.login === 'topstep');
  const byPath: Record<string, number> = {};
  for (const r of pxLog) byPath[r.path] = (byPath[r.path] ?? 0) + 1;
  const apiOrders: Record<string, number> = {};
  for (const a of world.exchange.allAccounts()) apiOrders[a.spec.key] = a.orderLog.filter((o) => o.source === 'api').length;
  return {
    connections,
    tradovate: { logins: tv.stats.successfulLogins, requests: Object.fromEntries(tv.stats.requests), penalties: tv.stats.penaltyAnswers, limits: tv.limits?.stats, usedMinute: tv.limits?.used('apex').minute ?? -1 },
    projectx: { logins: byPath['/api/auth/loginkey'] ?? 0, byPath, refused: pxLog.filter((r) => r.status === 429).length },
    apiOrders,
  };
}

describe('followers sharing a login', () => {
  it('share one connection and one budget, copied once each with no penalty earned', async () => {
    const catalog = Catalog.load();
    const lines: Line[] = [];
    let seen: Observed | undefined;
    const r = await runScenario(loadScenario(FILE, catalog), catalog, (l) => lines.push(l), { inspect: (w) => (seen = observe(w)) });
    expect(r.failure?.message).toBeUndefined();
    if (!seen) throw new Error('the scenario did not reach its end');
    const o = seen;
    // One connection per login in the engine, holding every account of that login.
    expect(o.connections).toEqual([
      { id: 'conn-apex', broker: 'tradovate', accounts: ['lead', 't1', 't2', 't3', 't4'] },
      { id: 'conn-topstep', broker: 'projectx', accounts: ['p1', 'p2', 'p3', 'p4'] },
    ]);
    // One sign-in per login, not one per account: the token request has its own small limit.
    expect(o.tradovate.logins).toBe(1);
    expect(o.tradovate.requests['auth/accesstokenrequest']).toBe(1);
    expect(o.projectx.logins).toBe(1);
    // Each follower got its five orders exactly once (market entry, stop, bracket entry and its two
    // legs); entry brackets went out as one request each (OSO, ProjectX bracket fields).
    expect(o.apiOrders).toEqual({ lead: 0, t1: 5, t2: 5, t3: 5, t4: 5, p1: 5, p2: 5, p3: 5, p4: 5 });
    expect((o.tradovate.requests['order/placeorder'] ?? 0) + (o.tradovate.requests['order/placeoso'] ?? 0)).toBe(12);
    expect(o.tradovate.requests['order/placeoso']).toBe(4);
    expect(o.projectx.byPath['/api/order/place']).toBe(12);
    // Within the limits the simulators enforced per login: no ticket, no 429, no lockout.
    expect(o.tradovate.penalties).toBe(0);
    expect(o.tradovate.limits).toEqual({ minutePenalties: 0, lockouts: 0, tooManyRequests: 0, tokenRefusals: 0 });
    expect(o.tradovate.usedMinute).toBeGreaterThan(0);
    expect(o.projectx.refused).toBe(0);
  });
});

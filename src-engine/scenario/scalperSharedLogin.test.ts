/**
 * Twenty followers under one login at a scalper's pace (copy-semantics §8a, issue 21): the engine
 * copies what the login's budget carries, exits always, and gives up an entry it cannot send in
 * time with its reason shown, never sending it late and never earning a penalty or a 429. Proved at
 * the simulators with the brokers' per-login limits switched on (scenarios 269 and 270).
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

const catalog = Catalog.load();

interface Run {
  readonly lines: Line[];
  /** API orders per account at the simulator. */
  readonly apiOrders: Readonly<Record<string, number>>;
  readonly world: { readonly tradovate?: TradovateSim; readonly projectx?: ProjectXSim };
  readonly pxRefused: number;
}

async function run(file: string): Promise<Run> {
  const lines: Line[] = [];
  let seen: Omit<Run, 'lines'> | undefined;
  const r = await runScenario(loadScenario(join(PROJECT_DIR, file), catalog), catalog, (l) => lines.push(l), {
    inspect: (w: World) => {
      const apiOrders: Record<string, number> = {};
      for (const a of w.exchange.allAccounts()) apiOrders[a.spec.key] = a.orderLog.filter((o) => o.source === 'api').length;
      const tv = w.frontEnds.get('tradovate');
      const px = w.frontEnds.get('projectx');
      seen = {
        apiOrders,
        world: { ...(tv instanceof TradovateSim ? { tradovate: tv } : {}), ...(px instanceof ProjectXSim ? { projectx: px } : {}) },
        pxRefused: px instanceof ProjectXSim ? px.requestLog().filter((q) => q.status === 429).length : 0,
      };
    },
  });
  expect(r.failure?.message).toBeUndefined();
  if (!seen) throw new Error('the scenario did not reach its end');
  return { lines, ...seen };
}

function followers(prefix: string, counts: (n: number) => number): Record<string, number> {
  return Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`${prefix}${String(i + 1).padStart(2, '0')}`, counts(i + 1)]));
}

const given = (lines: readonly Line[]): Line[] => lines.filter((l) => l.t === 'skip' && l.reason === 'budgetExpired');
const shown = (lines: readonly Line[]): Line[] => lines.filter((l) => l.t === 'outOfSync' && l.on === true);

describe('twenty followers under one login at a scalper pace', () => {
  it('Tradovate: exits always, entries while an exit is left for each, the rest given up and shown; no penalty', async () => {
    const r = await run('269-twenty-followers-one-tradovate-login.yaml');
    // Rounds of 20, 13, 0 and (a minute on) 20 entries, each with its exit: once each, never late.
    expect(r.apiOrders).toEqual({ lead: 0, ...followers('t', (n) => (n <= 13 ? 6 : 4)) });
    // 7 entries given up in the second round, 20 in the third, each journaled with its reason...
    const skipped = given(r.lines);
    expect(skipped).toHaveLength(27);
    expect(skipped[0]).toMatchObject({ account: 't14', detail: expect.stringMatching(/^entry waited \d+ ms for the login's request budget \(catch-up window 1000 ms, policy catchUp\); holds 0, target 1, sent to 0$/) as unknown });
    // ...and shown out of sync with it until the leader was flat.
    const flags = shown(r.lines);
    expect(flags).toHaveLength(27);
    expect(flags[0]).toMatchObject({ account: 't14', symbol: 'MES', detail: expect.stringContaining("entry not copied (not sent within maxCatchUpMs: the login's request budget was spent): holds 0") as unknown });
    const tv = r.world.tradovate;
    if (!tv) throw new Error('the Tradovate simulator should run');
    // One request per follower per leader fill: 106 places, nothing cancelled or modified.
    expect(tv.stats.requests.get('order/placeorder')).toBe(106);
    expect([...tv.stats.requests.keys()].filter((k) => k.startsWith('order/') && k !== 'order/placeorder')).toEqual([]);
    expect(tv.stats.penaltyAnswers).toBe(0);
    expect(tv.limits?.stats).toEqual({ minutePenalties: 0, lockouts: 0, tooManyRequests: 0, tokenRefusals: 0 });
  });

  it('ProjectX: ten leader fills a minute, the tenth copied to the eight followers the rest of the key carries; no 429', async () => {
    const r = await run('270-twenty-followers-one-projectx-key.yaml');
    expect(r.apiOrders).toEqual({ lead: 0, ...followers('p', (n) => (n <= 8 ? 10 : 8)) });
    expect(given(r.lines).map((l) => l.account)).toEqual(Object.keys(followers('p', () => 0)).slice(8));
    expect(shown(r.lines)).toHaveLength(12);
    expect(r.pxRefused).toBe(0);
  });

  it('a restart keeps what the login spent: the restarted engine plans from its journal, and earns no penalty', async () => {
    const r = await run('276-restart-keeps-the-logins-spent-minute.yaml');
    expect(r.apiOrders).toEqual({ lead: 0, ...followers('t', (n) => (n <= 12 ? 4 : 2)) });
    expect(given(r.lines).map((l) => l.account)).toEqual(Object.keys(followers('t', () => 0)).slice(12));
    const tv = r.world.tradovate;
    if (!tv) throw new Error('the Tradovate simulator should run');
    expect(tv.stats.penaltyAnswers).toBe(0);
    expect(tv.limits?.stats).toEqual({ minutePenalties: 0, lockouts: 0, tooManyRequests: 0, tokenRefusals: 0 });
  });
});

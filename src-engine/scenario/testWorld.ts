/**
 * Focused engine tests on a scenario world built in code: a leader and one follower on a broker of
 * the test's choice, the real engine on a real SQLite file, and the moments the tests act in (inside
 * a simulator's handling of an engine request, or as the engine hands an intent to a connection).
 */
import { Catalog } from '../domain/instruments';
import type { ContractCode } from '../domain/contractCode';
import type { BrokerKind } from '../orders/broker';
import type { IntentStatus } from '../orders/orderState';
import type { IntentPurpose } from '../orders/intent';
import { settle } from './runner';
import { Scenario } from './schema';
import { World } from './world';

export const catalog = Catalog.load();

export interface PairOptions {
  readonly broker: BrokerKind;
  /** Broker of the follower when it differs from the leader's. */
  readonly followerBroker?: BrokerKind;
  readonly ratio?: number;
  readonly root?: string;
  readonly quote?: number;
}

export interface Pair {
  readonly world: World;
  readonly lead: number;
  readonly f1: number;
  readonly contract: ContractCode;
}

/** Worlds started by a test file, torn down by `tearDownWorlds` (call it in afterEach). */
const started: World[] = [];

export async function tearDownWorlds(): Promise<void> {
  for (const w of started.splice(0)) await w.tearDown();
}

/** A world with leader `lead` and follower `f1` in group G, set up and settled. */
export async function startPair(o: PairOptions): Promise<Pair> {
  const root = o.root ?? 'ES';
  return startWorld({
    name: 'focused test',
    accounts: [
      { id: 'lead', broker: o.broker, balance: 50_000 },
      { id: 'f1', broker: o.followerBroker ?? o.broker, balance: 50_000 },
    ],
    groups: [{ name: 'G', leader: 'lead', followers: [{ account: 'f1', ratio: o.ratio ?? 1 }] }],
    quotes: { [root]: o.quote ?? 6000 },
  }).then((world) => ({ world, lead: accountId(world, 'lead'), f1: accountId(world, 'f1'), contract: catalog.frontMonth(root, world.clock.now()) }));
}

/** Any world (accounts, groups, quotes as in a scenario file), set up and settled. */
export async function startWorld(spec: Record<string, unknown>): Promise<World> {
  const scenario = Scenario.parse({ ...spec, steps: [] });
  const world = new World({ ...scenario, steps: [] }, catalog);
  started.push(world);
  await world.setUp();
  await settled(world);
  return world;
}

export function accountId(w: World, key: string): number {
  const a = w.exchange.accountByKey(key);
  if (!a) throw new Error(`no account ${key}`);
  return a.id;
}

export async function settled(w: World): Promise<void> {
  const s = await settle(w);
  if (!s.ok) throw new Error(`not settled: ${s.busy}`);
}

/** Resolves after `act` ran inside the first order event of that simulated account (the simulator is still handling the request). */
export function atFirstOrderEvent(w: World, account: number, act: () => void): Promise<void> {
  return new Promise((resolve) => {
    const off = w.exchange.onAccountEvent(account, (e) => {
      if (e.kind !== 'order') return;
      off();
      act();
      resolve();
    });
  });
}

/** Resolves after `act` ran as the engine announced an intent of that purpose reaching that status. */
export function atIntent(w: World, purpose: IntentPurpose, status: IntentStatus, act: () => void): Promise<void> {
  const engine = w.requireEngine();
  return new Promise((resolve) => {
    const off = engine.on((e) => {
      if (e.t !== 'intent' || e.intent.purpose !== purpose || e.intent.status !== status) return;
      off();
      act();
      resolve();
    });
  });
}

/** The account's working orders as `side qty type @ price`. */
export function working(w: World, account: number): string[] {
  return w.exchange.openOrders(account).map((o) => `${o.side} ${o.qty} ${o.type} @ ${o.price ?? '-'}`);
}

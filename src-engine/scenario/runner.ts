/**
 * Replays a scenario against the real engine and simulators, printing one JSON object per line
 * for everything that happened and one per expectation. Returns at the first expectation that does
 * not hold.
 */
import { isDeepStrictEqual } from 'node:util';
import { parseContractCode } from '../domain/contractCode';
import { moneyFromDollars, moneyToDollars } from '../domain/money';
import type { Catalog } from '../domain/instruments';
import { Refusal } from '../domain/refusal';
import { toGroupInput } from '../domain/groupEdit';
import type { BrokerKind } from '../orders/broker';
import type { Engine } from '../runtime/engine';
import type { EngineEvent } from '../runtime/events';
import type { SimOrder } from '../brokers/simcore/types';
import { World } from './world';
import { AccountExpectation, durationMs, type OrderMatcher, type Scenario, type Step, type WorkingMatcher } from './schema';

export type Line = Record<string, unknown> & { t: string };

export interface RunResult {
  readonly ok: boolean;
  /** Set when an expectation failed or a step could not run. */
  readonly failure?: { readonly step: number; readonly message: string };
}

/** How long an `expect` waits for the world to settle before it reports what is still busy. */
const SETTLE_TIMEOUT_MS = 30_000;

export interface RunOptions {
  readonly brokerOverride?: BrokerKind;
  /** Called once every step held, before the world is torn down (tests read the simulators' counts). */
  readonly inspect?: (world: World) => void;
  /** Called once the world is set up (a test or a debugging run can watch it as the steps go). */
  readonly onWorld?: (world: World) => void;
}

export async function runScenario(scenario: Scenario, catalog: Catalog, out: (line: Line) => void, opts: RunOptions = {}): Promise<RunResult> {
  const world = new World(scenario, catalog, opts.brokerOverride ? { brokerOverride: opts.brokerOverride } : {});
  const orderCursor = new Map<string, number>();
  const refs = new Map<string, { account: string; orderId: number }>();
  const keyOf = new Map<number, string>();
  const detachEngine: (() => void)[] = [];

  const watchEngine = (engine: Engine): void => {
    detachEngine.push(engine.on((e) => printEngineEvent(e, out)));
  };

  try {
    await world.setUp();
    opts.onWorld?.(world);
    for (const a of world.exchange.allAccounts()) keyOf.set(a.id, a.spec.key);
    watchExchange(world, keyOf, out);
    watchEngine(world.requireEngine());
    for (const a of scenario.accounts) orderCursor.set(a.id, 0);

    for (let index = 0; index < scenario.steps.length; index++) {
      const step = scenario.steps[index] as Step;
      const n = index + 1;
      const failure = await runStep(world, step, n, refs, orderCursor, out, async () => {
        for (const d of detachEngine.splice(0)) d();
        const engine = await world.restart();
        watchEngine(engine);
      });
      if (failure) return { ok: false, failure: { step: n, message: failure } };
    }
    opts.inspect?.(world);
    return { ok: true };
  } finally {
    for (const d of detachEngine.splice(0)) d();
    await world.tearDown();
  }
}

async function runStep(
  world: World,
  step: Step,
  n: number,
  refs: Map<string, { account: string; orderId: number }>,
  orderCursor: Map<string, number>,
  out: (line: Line) => void,
  restart: () => Promise<void>,
): Promise<string | undefined> {
  const ex = world.exchange;
  const engine = world.requireEngine();
  if ('leader' in step) {
    const l = step.leader;
    if ('account' in l) {
      const acc = requireSim(world, l.account);
      const contract = world.catalog.frontMonth(l.symbol, world.clock.now());
      const r = ex.place(acc.id, { contract, side: l.side, qty: l.qty, type: l.type ?? 'market', price: l.price, source: 'manual', bracket: l.bracket });
      if (!r.ok) return `step ${n}: the leader's own order was refused by the simulator: ${r.reason}`;
      if (l.ref !== undefined) {
        refs.set(l.ref, { account: l.account, orderId: r.order.orderId });
        // A bracket's legs are `REF.stopLoss` and `REF.takeProfit`.
        for (const leg of r.legs) refs.set(`${l.ref}.${leg.type === 'stop' ? 'stopLoss' : 'takeProfit'}`, { account: l.account, orderId: leg.orderId });
      }
    } else if ('modify' in l) {
      const ref = refs.get(l.modify);
      if (!ref) return `step ${n}: unknown order ref ${l.modify}`;
      const r = ex.modify(requireSim(world, ref.account).id, ref.orderId, { price: l.price, qty: l.qty });
      if (!r.ok) return `step ${n}: modify refused by the simulator: ${r.reason}`;
    } else {
      const ref = refs.get(l.cancel);
      if (!ref) return `step ${n}: unknown order ref ${l.cancel}`;
      const r = ex.cancel(requireSim(world, ref.account).id, ref.orderId);
      if (!r.ok) return `step ${n}: cancel refused by the simulator: ${r.reason}`;
    }
    return undefined;
  }
  if ('quote' in step || 'advance' in step) {
    // Prices and time move after the engine has reacted to what came before: a copy of the
    // leader's entry fills at the entry's price, not at the next quote.
    const settled = await settle(world);
    if (!settled.ok) return `step ${n}: the engine did not settle before the market moved (${settled.busy})`;
  }
  if ('quote' in step) {
    for (const [root, price] of Object.entries(step.quote)) ex.setQuote(world.catalog.frontMonth(root, world.clock.now()), price);
    return undefined;
  }
  if ('fault' in step) {
    const f = step.fault;
    const acc = requireSim(world, f.account);
    out({ t: 'fault', account: f.account, kind: f.kind, ...(f.ms !== undefined ? { ms: f.ms } : {}) });
    switch (f.kind) {
      case 'rejectNext':
        acc.faults.rejectNext = f.reason ?? 'Rejected by the simulator';
        return undefined;
      case 'partialFill':
        acc.faults.partialFillQty = f.qty;
        return undefined;
      case 'balanceChange':
        ex.changeBalance(acc.id, moneyFromDollars(f.amount ?? 0));
        return undefined;
      case 'duplicateNextEvent':
      case 'expireToken':
        world.frontEnds.get(world.broker(f.account))?.applyFault(acc.id, { kind: f.kind });
        return undefined;
      case 'disconnect':
      case 'delay':
      case 'rateLimit':
        world.frontEnds.get(world.broker(f.account))?.applyFault(acc.id, { kind: f.kind, ms: f.ms ?? 0 });
        return undefined;
    }
  }
  if ('control' in step) return runRefusable(n, step.control.expectRefused, () => runControl(engine, step.control));
  if ('edit' in step) {
    const { group, expectRefused, ...change } = step.edit;
    const before = engine.group(group);
    const beforeInput = before ? toGroupInput(before) : undefined;
    const failure = runRefusable(n, expectRefused, () => {
      engine.editGroup(group, {
        ...(change.name !== undefined ? { name: change.name } : {}),
        ...(change.leader !== undefined ? { leader: change.leader } : {}),
        ...(change.followers !== undefined ? { followers: change.followers } : {}),
        ...(change.settings !== undefined ? { settings: change.settings } : {}),
      });
    });
    if (failure) return failure;
    if (expectRefused !== undefined) {
      const after = engine.group(group);
      if (!isDeepStrictEqual(beforeInput, after ? toGroupInput(after) : undefined)) return `step ${n}: a refused edit changed the group`;
    }
    return undefined;
  }
  if ('restart' in step) {
    out({ t: 'restart' });
    await restart();
    return undefined;
  }
  if ('advance' in step) {
    const a = step.advance;
    if (typeof a === 'string') world.clock.advanceBy(durationMs(a));
    else world.clock.advanceTo(Date.parse(a.to));
    out({ t: 'advance', to: new Date(world.clock.now()).toISOString() });
    return undefined;
  }
  // expect
  const settled = await settle(world);
  if (!settled.ok) {
    out({ t: 'expect', step: n, ok: false, expected: 'a settled engine', actual: settled.busy });
    return `step ${n}: the engine did not settle within ${SETTLE_TIMEOUT_MS} ms (${settled.busy})`;
  }
  const failure = checkExpectation(world, step.expect, n, orderCursor, out);
  for (const a of world.exchange.allAccounts()) orderCursor.set(a.spec.key, a.orderLog.length);
  return failure;
}

function runRefusable(n: number, expectRefused: string | undefined, action: () => void): string | undefined {
  try {
    action();
  } catch (err) {
    if (!(err instanceof Refusal)) throw err;
    if (expectRefused === undefined) return `step ${n}: refused unexpectedly: ${err.message}`;
    if (!err.message.toLowerCase().includes(expectRefused.toLowerCase())) return `step ${n}: refused, but the message "${err.message}" does not contain "${expectRefused}"`;
    return undefined;
  }
  if (expectRefused !== undefined) return `step ${n}: expected a refusal containing "${expectRefused}", but it was accepted`;
  return undefined;
}

function runControl(engine: Engine, c: Extract<Step, { control: unknown }>['control']): void {
  const group = c.group ?? '';
  const account = c.account ?? '';
  const symbol = c.symbol ?? '';
  switch (c.action) {
    case 'pause':
      return engine.pause(group);
    case 'resume':
      return engine.resume(group);
    case 'pauseAll':
      return engine.pauseAll();
    case 'resumeAll':
      return engine.resumeAll();
    case 'flattenAll':
      return engine.flattenAll(group);
    case 'cancelOrders':
      return engine.cancelOrders(group);
    case 'flattenPosition':
      return engine.flattenPosition(account, symbol);
    case 'sync':
      return engine.sync(account, symbol);
    case 'emergencyStop':
      return engine.emergencyStop();
    case 'unlock':
      // The scenario types the account name as the acknowledgement, as the Risk screen asks.
      return engine.unlock(account, account);
    case 'releaseQuarantine':
      return engine.releaseQuarantine(account, c.symbol);
  }
}

/**
 * Waits until the simulators have nothing scheduled, every connection has delivered what its
 * broker sent, and the engine is idle — twice in a row with nothing happening in between.
 */
export async function settle(world: World): Promise<{ ok: true } | { ok: false; busy: string }> {
  const deadline = performance.now() + SETTLE_TIMEOUT_MS;
  const engine = (): Engine => world.requireEngine();
  const quiet = async (): Promise<void> => {
    await world.exchange.whenIdle();
    await Promise.all([...world.frontEnds.values()].map((fe) => fe.whenIdle()));
    await engine().barrier();
    await engine().whenIdle();
  };
  let stableRounds = 0;
  while (performance.now() < deadline) {
    const before = world.exchange.sequence() + engine().activity();
    const done = await Promise.race([quiet().then(() => true), sleepUntil(deadline).then(() => false)]);
    if (!done) break;
    const after = world.exchange.sequence() + engine().activity();
    stableRounds = after === before ? stableRounds + 1 : 0;
    if (stableRounds >= 2) return { ok: true };
  }
  return { ok: false, busy: describeBusy(world) };
}

function sleepUntil(deadline: number): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, Math.max(0, deadline - performance.now()));
    t.unref();
  });
}

function describeBusy(world: World): string {
  const e = world.requireEngine();
  const parts = [`engine: ${e.busyReport()}`, `exchange scheduled: ${world.exchange.pendingWork()}`];
  for (const [kind, fe] of world.frontEnds) parts.push(`${kind} pending: ${fe.pendingWork()}`);
  return parts.join(', ');
}

function checkExpectation(world: World, expect: Readonly<Record<string, unknown>>, n: number, orderCursor: Map<string, number>, out: (line: Line) => void): string | undefined {
  const engine = world.requireEngine();
  const expected: Record<string, unknown> = {};
  const actual: Record<string, unknown> = {};
  let failed = false;
  for (const [key, raw] of Object.entries(expect)) {
    if (key === 'group') {
      for (const [name, want] of Object.entries(raw as Record<string, { status: string; reason?: string }>)) {
        const st = engine.groupStatus(name);
        const got = st ? { status: st.status, ...(st.status === 'Paused' ? { reason: st.reason } : {}) } : undefined;
        const ok = got !== undefined && got.status === want.status && (want.reason === undefined || ('reason' in got && got.reason === want.reason));
        if (!ok) {
          failed = true;
          expected[`group.${name}`] = want;
          actual[`group.${name}`] = got ?? 'no such group';
        }
      }
      continue;
    }
    const want = AccountExpectation.parse(raw);
    const got = observeAccount(world, key, want, orderCursor.get(key) ?? 0);
    for (const field of Object.keys(want) as (keyof AccountExpectation)[]) {
      if (!fieldHolds(field, want, got)) {
        failed = true;
        expected[`${key}.${field}`] = want[field];
        actual[`${key}.${field}`] = got[field];
      }
    }
  }
  if (failed) {
    out({ t: 'expect', step: n, ok: false, expected, actual });
    return `step ${n}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
  }
  out({ t: 'expect', step: n, ok: true });
  return undefined;
}

interface Observed {
  position: Record<string, number>;
  orders: { side: string; qty: number; symbol: string; type: string; price?: number; status: string }[];
  noOrders: boolean;
  working: { side: string; qty: number; symbol: string; type: string; price?: number }[];
  locked: false | 'breach' | 'soft';
  lockRule: string | undefined;
  quarantined: string[];
  outOfSync: string[];
  dayPnl: number | undefined;
  fees: { today: number; source: string | undefined };
  balanceDrift: false | { broker: number; engine: number };
}

function observeAccount(world: World, key: string, want: AccountExpectation, cursor: number): Observed {
  const acc = requireSim(world, key);
  const position: Record<string, number> = {};
  for (const root of Object.keys(want.position ?? {})) position[root] = 0;
  for (const p of world.exchange.positions(acc.id)) {
    const root = parseContractCode(p.contract).root;
    if (root in position || p.netPos !== 0) position[root] = (position[root] ?? 0) + p.netPos;
  }
  const orders = acc.orderLog.slice(cursor).map(describeOrder);
  const working = world.exchange.openOrders(acc.id).map((o) => {
    const { status: _s, ...rest } = describeOrder(o);
    return rest;
  });
  const engine = world.requireEngine();
  const flags = engine.accountFlags(key);
  const n = engine.core.risk.numbers(key);
  return {
    position, orders, noOrders: orders.length === 0, working, locked: flags.locked, lockRule: flags.lockRule, quarantined: [...flags.quarantined], outOfSync: [...flags.outOfSync],
    dayPnl: n.dayPnl !== undefined ? moneyToDollars(n.dayPnl) : undefined,
    fees: { today: moneyToDollars(n.fees.today), source: n.fees.source },
    balanceDrift: n.drift ? { broker: moneyToDollars(n.drift.broker), engine: moneyToDollars(n.drift.engine) } : false,
  };
}

function describeOrder(o: Readonly<SimOrder>): Observed['orders'][number] {
  const status = o.status === 'filled' ? 'filled' : o.status === 'rejected' ? 'rejected' : o.status === 'cancelled' ? 'cancelled' : 'working';
  return { side: o.side, qty: o.qty, symbol: parseContractCode(o.contract).root, type: o.type, ...(o.price !== undefined ? { price: o.price } : {}), status };
}

function fieldHolds(field: keyof AccountExpectation, want: AccountExpectation, got: Observed): boolean {
  switch (field) {
    case 'position':
      return Object.entries(want.position ?? {}).every(([root, qty]) => (got.position[root] ?? 0) === qty);
    case 'orders': {
      const list = want.orders ?? [];
      return list.length === got.orders.length && list.every((m, i) => matches(m, got.orders[i]));
    }
    case 'noOrders':
      return got.noOrders;
    case 'working': {
      const w = want.working;
      if (typeof w === 'number') return got.working.length === w;
      return w !== undefined && w.length === got.working.length && matchesAsSet(w, got.working);
    }
    case 'locked':
      return got.locked === want.locked;
    case 'lockRule':
      return got.lockRule === want.lockRule;
    case 'quarantined':
      return isDeepStrictEqual([...(want.quarantined ?? [])].sort(), got.quarantined);
    case 'outOfSync':
      return isDeepStrictEqual([...(want.outOfSync ?? [])].sort(), got.outOfSync);
    case 'dayPnl':
      // Both sides are whole 1/10,000 dollars: compared as Money, never as floats.
      return got.dayPnl !== undefined && want.dayPnl !== undefined && moneyFromDollars(got.dayPnl) === moneyFromDollars(want.dayPnl);
    case 'fees':
      return want.fees !== undefined && moneyFromDollars(want.fees.today) === moneyFromDollars(got.fees.today) && (want.fees.source === undefined || want.fees.source === got.fees.source);
    case 'balanceDrift': {
      const w = want.balanceDrift;
      const g = got.balanceDrift;
      if (w === false || g === false) return w === g;
      return w !== undefined && moneyFromDollars(w.broker) === moneyFromDollars(g.broker) && moneyFromDollars(w.engine) === moneyFromDollars(g.engine);
    }
  }
}

function matches(m: OrderMatcher | WorkingMatcher, o: Record<string, unknown> | undefined): boolean {
  if (!o) return false;
  return Object.entries(m).every(([k, v]) => (k === 'price' ? Math.abs(Number(o[k]) - Number(v)) < 1e-9 : o[k] === v));
}

/** Working orders have no meaningful order among themselves: each matcher takes a distinct order. */
function matchesAsSet(matchers: readonly WorkingMatcher[], orders: readonly Record<string, unknown>[]): boolean {
  const used = new Set<number>();
  return matchers.every((m) => {
    const i = orders.findIndex((o, idx) => !used.has(idx) && matches(m, o));
    if (i < 0) return false;
    used.add(i);
    return true;
  });
}

function requireSim(world: World, key: string): NonNullable<ReturnType<World['exchange']['accountByKey']>> {
  const acc = world.exchange.accountByKey(key);
  if (!acc) throw new Error(`no simulated account ${key}`);
  return acc;
}

function watchExchange(world: World, keyOf: Map<number, string>, out: (line: Line) => void): void {
  const seen = new Set<number>();
  world.exchange.onAccountEvent(undefined, (e) => {
    if (e.kind === 'order') {
      const o = e.order;
      const account = keyOf.get(o.accountId) ?? String(o.accountId);
      const d = describeOrder(o);
      if (!seen.has(o.orderId)) {
        seen.add(o.orderId);
        out({ t: 'order', account, side: d.side, qty: d.qty, symbol: d.symbol, type: d.type, ...(d.price !== undefined ? { price: d.price } : {}), source: o.source, ...(o.tag !== undefined ? { tag: o.tag } : {}), ...(o.parentOrderId !== undefined ? { leg: true } : {}) });
      }
      if (o.status === 'rejected') out({ t: 'rejected', account, side: d.side, qty: d.qty, symbol: d.symbol, reason: o.rejectReason ?? '' });
      if (o.status === 'cancelled') out({ t: 'cancelled', account, side: d.side, qty: d.qty, symbol: d.symbol, type: d.type });
    } else if (e.kind === 'fill') {
      const f = e.fill;
      out({ t: 'fill', account: keyOf.get(f.accountId) ?? String(f.accountId), side: f.side, qty: f.qty, symbol: parseContractCode(f.contract).root, price: f.price });
    }
  });
}

function printEngineEvent(e: EngineEvent, out: (line: Line) => void): void {
  switch (e.t) {
    case 'lock':
      out({ t: e.on ? 'lock' : 'unlock', account: e.accountId, kind: e.kind, rule: e.rule });
      return;
    case 'quarantine':
      out({ t: 'quarantine', account: e.accountId, symbol: e.root, on: e.on, reason: e.reason });
      return;
    case 'outOfSync':
      out({ t: 'outOfSync', account: e.accountId, symbol: e.root, on: e.on, detail: e.detail });
      return;
    case 'groupStatus':
      out({ t: 'status', group: e.name, status: e.status.status, ...(e.status.status === 'Paused' ? { reason: e.status.reason } : {}) });
      return;
    case 'rejection':
      out({ t: 'rejection', account: e.accountId, symbol: parseContractCode(e.contract).root, reason: e.reason, action: e.action });
      return;
    case 'decision':
      if (e.kind === 'skip' && e.reason !== 'atTarget') out({ t: 'skip', account: e.accountId, reason: e.reason, ...(e.detail !== undefined ? { detail: e.detail } : {}) });
      return;
    default:
      return;
  }
}

/**
 * Shared fixtures for the risk tests: a two-product catalog, a scenario clock at the scenarios'
 * default start (Monday 2026-03-02 09:30 CT) and an engine whose actions are recorded.
 * Not imported by production code.
 */
import type { RiskRulesInput } from '../api/config';
import { ScenarioClock } from '../domain/clock';
import { contractCode, type ContractCode } from '../domain/contractCode';
import { silentLogger } from '../domain/log';
import { money, type Money } from '../domain/money';
import { Rational } from '../domain/rational';
import { MemoryRiskStore } from './memoryRiskStore';
import type { RiskCatalog, RiskProduct } from './product';
import { RiskEngine, type RiskAction, type RiskFill } from './riskEngine';
import type { RiskStore } from './riskStore';

export const ESH6: ContractCode = contractCode('ES', 2026, 3);
export const NQH6: ContractCode = contractCode('NQ', 2026, 3);
export const T0 = Date.parse('2026-03-02T09:30:00-06:00');
export const ROLL_MONDAY = Date.parse('2026-03-02T17:00:00-06:00');

const PRODUCTS: Readonly<Record<string, RiskProduct>> = {
  // ES: tick 0.25 = $12.50 (point $50). NQ: tick 0.25 = $5 (point $20).
  ES: { tickSize: Rational.of(1, 4), tickValue: Rational.parse('12.5') },
  NQ: { tickSize: Rational.of(1, 4), tickValue: Rational.of(5) },
};

export const testCatalog: RiskCatalog = {
  require(root: string): RiskProduct {
    const p = PRODUCTS[root];
    if (!p) throw new Error(`unknown product root ${root}`);
    return p;
  },
};

export const usd = (dollars: number): Money => money(Math.round(dollars * 10_000));

let fillSeq = 0;
let lockSeq = 0;

export interface Harness {
  readonly clock: ScenarioClock;
  readonly actions: RiskAction[];
  readonly engine: RiskEngine;
  readonly store: RiskStore;
  fill(side: 'buy' | 'sell', qty: number, price: number, contract?: ContractCode): RiskFill;
  /** setAccount + rebase (flat, `balance`) + connected. */
  connect(accountId: string, rules: RiskRulesInput, balance?: number): void;
  /** Actions of one kind, for one account, since the start (or `since` index). */
  of<K extends RiskAction['kind']>(kind: K, since?: number): Extract<RiskAction, { kind: K }>[];
}

export function harness(opts: { store?: RiskStore; start?: number; onAction?: (a: RiskAction, engine: RiskEngine) => void; changedIntervalMs?: number } = {}): Harness {
  const clock = new ScenarioClock(opts.start ?? T0);
  const actions: RiskAction[] = [];
  const store = opts.store ?? new MemoryRiskStore();
  const engine: RiskEngine = new RiskEngine({
    catalog: testCatalog,
    clock,
    store,
    log: silentLogger,
    newId: () => `lock-${++lockSeq}`,
    changedIntervalMs: opts.changedIntervalMs ?? 60_000,
    onAction: (a) => {
      actions.push(a);
      opts.onAction?.(a, engine);
    },
  });
  return {
    clock,
    actions,
    engine,
    store,
    // Fill ids are unique across harnesses in a file, so a restarted engine never dedupes a new fill.
    fill: (side, qty, price, contract = ESH6) => ({ fillId: `fill-${++fillSeq}`, contract, side, qty, price, time: clock.now() }),
    connect(accountId, rules, balance = 50_000) {
      engine.setAccount(accountId, rules);
      engine.rebase(accountId, { balance: usd(balance), positions: [], fills: [] });
      engine.setConnected(accountId, true);
    },
    of<K extends RiskAction['kind']>(kind: K, since = 0) {
      return actions.slice(since).filter((a): a is Extract<RiskAction, { kind: K }> => a.kind === kind);
    },
  };
}

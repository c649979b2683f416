/**
 * The harness side of a chaos run: one shared exchange, the Tradovate and ProjectX simulators on
 * 127.0.0.1, a temporary folder for the engine's SQLite file, and the accounts and groups the
 * engine child is configured with. Two groups, one led from each broker, each with a follower on
 * either broker: ratio 1 and ratio 2, contracts sizing, so every target is exact.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContractCode } from '../domain/contractCode';
import type { Catalog } from '../domain/instruments';
import type { Clock } from '../domain/clock';
import { moneyFromDollars } from '../domain/money';
import { SimExchange, type SimAccount } from '../brokers/simcore/exchange';
import type { SimFrontEnd } from '../brokers/simcore/frontend';
import { TradovateSim } from '../brokers/tradovate/sim/tradovateSim';
import { ProjectXSim } from '../brokers/projectx/sim/projectxSim';
import type { ChildSpec } from './protocol';

export type SimBroker = 'tradovate' | 'projectx';

export interface FollowerPlan {
  readonly key: string;
  readonly broker: SimBroker;
  readonly ratio: number;
  /**
   * The follower's reconnect policy window: `strict` followers catch up any missed entry
   * (maxCatchUpMs at its maximum), the others use the default 3000 ms and may skip an old entry.
   */
  readonly maxCatchUpMs: number | undefined;
}

export interface GroupPlan {
  readonly name: string;
  readonly leader: string;
  readonly leaderBroker: SimBroker;
  readonly root: string;
  readonly quote: number;
  readonly followers: readonly FollowerPlan[];
}

/** The default policy window of copy-semantics §8. */
export const DEFAULT_MAX_CATCH_UP_MS = 3_000;
export const STRICT_MAX_CATCH_UP_MS = 600_000;

export const GROUPS: readonly GroupPlan[] = [
  {
    name: 'Tradovate lead',
    leader: 'tl',
    leaderBroker: 'tradovate',
    root: 'MNQ',
    quote: 21_000,
    followers: [
      { key: 'tl-t1', broker: 'tradovate', ratio: 1, maxCatchUpMs: STRICT_MAX_CATCH_UP_MS },
      { key: 'tl-p2', broker: 'projectx', ratio: 2, maxCatchUpMs: undefined },
    ],
  },
  {
    name: 'ProjectX lead',
    leader: 'pl',
    leaderBroker: 'projectx',
    root: 'MES',
    quote: 6_000,
    followers: [
      { key: 'pl-p1', broker: 'projectx', ratio: 1, maxCatchUpMs: undefined },
      { key: 'pl-t2', broker: 'tradovate', ratio: 2, maxCatchUpMs: STRICT_MAX_CATCH_UP_MS },
    ],
  },
];

export class ChaosWorld {
  readonly exchange: SimExchange;
  readonly tradovate: TradovateSim;
  readonly projectx: ProjectXSim;
  readonly dir: string;
  readonly dbPath: string;
  readonly contracts = new Map<string, ContractCode>();
  private readonly brokerOf = new Map<string, SimBroker>();

  private constructor(
    readonly catalog: Catalog,
    readonly clock: Clock,
    readonly groups: readonly GroupPlan[],
  ) {
    this.exchange = new SimExchange(catalog, clock);
    this.tradovate = new TradovateSim(this.exchange);
    this.projectx = new ProjectXSim(this.exchange);
    this.dir = mkdtempSync(join(tmpdir(), 'mirrorfill-chaos-'));
    this.dbPath = join(this.dir, 'engine.db');
  }

  static async create(catalog: Catalog, clock: Clock, groups: readonly GroupPlan[] = GROUPS): Promise<ChaosWorld> {
    const w = new ChaosWorld(catalog, clock, groups);
    await w.tradovate.start(0);
    await w.projectx.start(0);
    for (const g of groups) {
      w.addAccount(g.leader, g.leaderBroker);
      for (const f of g.followers) w.addAccount(f.key, f.broker);
      const contract = catalog.frontMonth(g.root, clock.now());
      w.contracts.set(g.root, contract);
      w.exchange.setQuote(contract, g.quote);
    }
    return w;
  }

  account(key: string): SimAccount {
    const a = this.exchange.accountByKey(key);
    if (!a) throw new Error(`chaos: no simulated account ${key}`);
    return a;
  }

  contract(root: string): ContractCode {
    const c = this.contracts.get(root);
    if (!c) throw new Error(`chaos: no contract for ${root}`);
    return c;
  }

  frontEnd(key: string): SimFrontEnd {
    return this.brokerOf.get(key) === 'tradovate' ? this.tradovate : this.projectx;
  }

  frontEnds(): SimFrontEnd[] {
    return [this.tradovate, this.projectx];
  }

  followerKeys(): string[] {
    return this.groups.flatMap((g) => g.followers.map((f) => f.key));
  }

  childSpec(): ChildSpec {
    return {
      dbPath: this.dbPath,
      tradovate: this.tradovate.urls(),
      projectx: this.projectx.urls(),
      accounts: [...this.brokerOf].map(([key, broker]) => ({ key, broker, brokerAccountId: String(this.account(key).id), name: key.toUpperCase(), login: key, secret: secretFor(key) })),
      groups: this.groups.map((g) => ({
        name: g.name,
        leader: g.leader,
        followers: g.followers.map((f) => ({ account: f.key, ratio: f.ratio, ...(f.maxCatchUpMs !== undefined ? { maxCatchUpMs: f.maxCatchUpMs } : {}) })),
        settings: { sizing: 'contracts' as const },
      })),
    };
  }

  async dispose(keepDir = false): Promise<void> {
    await this.tradovate.stop();
    await this.projectx.stop();
    this.exchange.dispose();
    if (!keepDir) rmSync(this.dir, { recursive: true, force: true });
  }

  private addAccount(key: string, broker: SimBroker): void {
    this.brokerOf.set(key, broker);
    this.exchange.addAccount({ key, broker, login: key, name: key.toUpperCase(), balance: moneyFromDollars(100_000) });
    this.frontEnd(key).addLogin(key, secretFor(key));
  }
}

function secretFor(login: string): string {
  return `pw-${login}`;
}

/**
 * The harness side of a chaos run: one shared exchange, the Tradovate and ProjectX simulators on
 * 127.0.0.1, a temporary folder for the engine's SQLite file, and the accounts and groups the
 * engine child is configured with. The standard world: two groups, one led from each broker, each
 * with a follower on either broker, ratio 1 and ratio 2, contracts sizing, so every target is
 * exact, every account under its own login. Other worlds (sharedLoginWorld.ts) put accounts under
 * shared logins and turn the simulators' per-login limits on.
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
import type { TradovateLimits } from '../brokers/tradovate/sim/loginLimits';
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
  /** The broker login the account is under; its own key when absent (one login per account). */
  readonly login?: string;
}

export interface GroupPlan {
  readonly name: string;
  readonly leader: string;
  readonly leaderBroker: SimBroker;
  /** The leader's broker login; its own key when absent. */
  readonly leaderLogin?: string;
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

/** What the simulators enforce per login (copy-semantics §8a); nothing beyond their defaults when absent. */
export interface WorldLimits {
  readonly tradovate?: TradovateLimits;
  readonly projectxPerMinute?: number;
}

/** A chaos world: its groups and the simulators' per-login limits. */
export interface WorldSpec {
  readonly groups: readonly GroupPlan[];
  readonly limits?: WorldLimits;
}

const MINUTE_MS = 60_000;

export const STANDARD_WORLD: WorldSpec = { groups: GROUPS };

/** Requests the simulators refused because the engine itself went over a login's limits. */
export interface LimitRefusals {
  /** Tradovate penalty tickets for going over a login's minute (injected rateLimit faults not counted). */
  readonly penalties: number;
  /** Tradovate 429s (over the hour, and every answer while locked out). */
  readonly tooManyRequests: number;
  /** Tradovate logins locked out for their hour. */
  readonly lockouts: number;
  /** Tradovate access-token requests refused for going over their hourly allowance. */
  readonly tokenRefusals: number;
  /** ProjectX 429s for going over a key's minute (injected rateLimit penalties not counted). */
  readonly projectx429: number;
  /**
   * Of all the above but token refusals, how many came within a minute after the engine was
   * restarted: its new process does not know what the killed one spent of the login's minute.
   */
  readonly afterRestart: number;
}

/** Every refusal counted, once (`afterRestart` is a share of them, not more of them). */
export function refusalCount(r: LimitRefusals): number {
  return r.penalties + r.tooManyRequests + r.lockouts + r.tokenRefusals + r.projectx429;
}

export class ChaosWorld {
  readonly exchange: SimExchange;
  readonly tradovate: TradovateSim;
  readonly projectx: ProjectXSim;
  readonly dir: string;
  readonly dbPath: string;
  readonly contracts = new Map<string, ContractCode>();
  private readonly brokerOf = new Map<string, SimBroker>();
  private readonly loginOf = new Map<string, string>();
  readonly groups: readonly GroupPlan[];

  private constructor(
    readonly catalog: Catalog,
    readonly clock: Clock,
    spec: WorldSpec,
  ) {
    this.groups = spec.groups;
    this.exchange = new SimExchange(catalog, clock);
    this.tradovate = new TradovateSim(this.exchange, spec.limits?.tradovate ? { limits: spec.limits.tradovate } : {});
    this.projectx = new ProjectXSim(this.exchange, spec.limits?.projectxPerMinute !== undefined ? { rateLimitPerMinute: spec.limits.projectxPerMinute } : {});
    this.dir = mkdtempSync(join(tmpdir(), 'mirrorfill-chaos-'));
    this.dbPath = join(this.dir, 'engine.db');
  }

  static async create(catalog: Catalog, clock: Clock, spec: WorldSpec = STANDARD_WORLD): Promise<ChaosWorld> {
    const w = new ChaosWorld(catalog, clock, spec);
    await w.tradovate.start(0);
    await w.projectx.start(0);
    for (const g of spec.groups) {
      w.addAccount(g.leader, g.leaderBroker, g.leaderLogin ?? g.leader);
      for (const f of g.followers) w.addAccount(f.key, f.broker, f.login ?? f.key);
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

  /**
   * The accounts under the same broker login as `key` (itself included): a wire fault armed on one
   * account of a login (a dropped socket, a held message, an expired token, a penalty) is the
   * login's, so it disturbs the engine's view of every one of them.
   */
  loginMates(key: string): string[] {
    const broker = this.brokerOf.get(key);
    const login = this.loginOf.get(key)?.toLowerCase();
    return [...this.brokerOf].filter(([k, b]) => b === broker && this.loginOf.get(k)?.toLowerCase() === login).map(([k]) => k);
  }

  /** What the simulators refused because the engine went over a login's limits, this run so far; `restarts`: when the engine was started again. */
  limitRefusals(restarts: readonly number[] = []): LimitRefusals {
    const t = this.tradovate.limits?.stats;
    const times = [...(this.tradovate.limits?.refusedAt ?? []), ...this.projectx.limitRefusalTimes()];
    const afterRestart = times.filter((at) => restarts.some((r) => at >= r && at - r < MINUTE_MS)).length;
    return { penalties: t?.minutePenalties ?? 0, tooManyRequests: t?.tooManyRequests ?? 0, lockouts: t?.lockouts ?? 0, tokenRefusals: t?.tokenRefusals ?? 0, projectx429: this.projectx.limitRefusals(), afterRestart };
  }

  followerKeys(): string[] {
    return this.groups.flatMap((g) => g.followers.map((f) => f.key));
  }

  childSpec(): ChildSpec {
    return {
      dbPath: this.dbPath,
      tradovate: this.tradovate.urls(),
      projectx: this.projectx.urls(),
      accounts: [...this.brokerOf].map(([key, broker]) => {
        const login = this.loginOf.get(key) ?? key;
        return { key, broker, brokerAccountId: String(this.account(key).id), name: key.toUpperCase(), login, secret: secretFor(login) };
      }),
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

  private addAccount(key: string, broker: SimBroker, login: string): void {
    this.brokerOf.set(key, broker);
    this.loginOf.set(key, login);
    this.exchange.addAccount({ key, broker, login, name: key.toUpperCase(), balance: moneyFromDollars(100_000) });
    this.frontEnd(key).addLogin(login, secretFor(login));
  }
}

function secretFor(login: string): string {
  return `pw-${login}`;
}

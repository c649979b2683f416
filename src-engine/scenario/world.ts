/**
 * The world a scenario runs in: one scenario clock, the shared exchange, a simulator front-end per
 * broker (Tradovate and ProjectX on real loopback sockets, paper in-process), and the real engine
 * on a real SQLite file, connected to the simulators through the production adapters.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Catalog } from '../domain/instruments';
import { ScenarioClock } from '../domain/clock';
import { createLogger, type Logger } from '../domain/log';
import { moneyFromDollars } from '../domain/money';
import type { BrokerConnection, BrokerKind } from '../orders/broker';
import { PaperConnection, PaperSim } from '../brokers/paper/paperBroker';
import { SimExchange } from '../brokers/simcore/exchange';
import type { SimFrontEnd } from '../brokers/simcore/frontend';
import type { ConnectionRow } from '../store/configRepository';
import { Engine } from '../runtime/engine';
import { createRiskEngine } from '../runtime/createRiskEngine';
import { brokerFrontEnds, connectToSim, simLimits } from './brokerSims';
import { loginOf, scenarioConnections } from './scenarioLogins';
import type { Scenario } from './schema';
import { DEFAULT_START } from './schema';

export interface WorldOptions {
  /** Moves every `paper` account to this broker (`--broker`). */
  readonly brokerOverride?: BrokerKind;
  readonly log?: Logger;
}

export class World {
  readonly clock: ScenarioClock;
  readonly exchange: SimExchange;
  readonly frontEnds = new Map<BrokerKind, SimFrontEnd>();
  readonly dir: string;
  readonly dbPath: string;
  engine: Engine | undefined;
  private readonly log: Logger;
  private readonly brokerOf = new Map<string, BrokerKind>();

  constructor(
    readonly scenario: Scenario,
    readonly catalog: Catalog,
    private readonly options: WorldOptions = {},
  ) {
    this.clock = new ScenarioClock(Date.parse(scenario.start ?? DEFAULT_START));
    this.exchange = new SimExchange(catalog, this.clock);
    this.dir = mkdtempSync(join(tmpdir(), 'mirrorfill-scenario-'));
    this.dbPath = join(this.dir, 'engine.db');
    this.log = options.log ?? createLogger(() => undefined);
  }

  broker(accountKey: string): BrokerKind {
    const b = this.brokerOf.get(accountKey);
    if (!b) throw new Error(`no account ${accountKey}`);
    return b;
  }

  async setUp(): Promise<void> {
    const s = this.scenario;
    for (const a of s.accounts) {
      const broker = a.broker === 'paper' && this.options.brokerOverride ? this.options.brokerOverride : a.broker;
      this.brokerOf.set(a.id, broker);
      const fees = a.fees ? new Map(Object.entries(a.fees).map(([root, rate]) => [root, moneyFromDollars(rate)])) : undefined;
      this.exchange.addAccount({ key: a.id, broker, login: loginOf(a), name: a.id.toUpperCase(), balance: moneyFromDollars(a.balance), ...(fees ? { fees } : {}) });
    }
    const needed = new Set(this.brokerOf.values());
    for (const kind of needed) {
      const fe = kind === 'paper' ? new PaperSim(this.exchange) : brokerFrontEnds[kind](this.exchange, simLimits(s.limits));
      await fe.start(0);
      this.frontEnds.set(kind, fe);
    }
    const connections = scenarioConnections(s.accounts, (id) => this.broker(id));
    for (const c of connections) this.frontEnds.get(c.broker)?.addLogin(c.login, secretFor(c.login));
    for (const [root, price] of Object.entries(s.quotes)) this.exchange.setQuote(this.catalog.frontMonth(root, this.clock.now()), price);

    this.engine = this.openEngine();
    const specOf = new Map(s.accounts.map((a) => [a.id, a]));
    for (const c of connections) {
      const accounts = c.accounts.map((id) => {
        const sim = this.exchange.accountByKey(id);
        if (!sim) throw new Error(`no simulated account ${id}`);
        return { id, brokerAccountId: String(sim.id), name: sim.spec.name, risk: specOf.get(id)?.risk ?? {} };
      });
      await this.engine.addConnection({ id: c.id, broker: c.broker, name: `${c.broker}:${c.login}`, settings: { login: c.login } }, accounts);
    }
    for (const g of s.groups) {
      this.engine.saveGroup({ name: g.name, leader: g.leader ?? null, ...(g.followers ? { followers: g.followers } : {}), ...(g.settings ? { settings: g.settings } : {}) });
    }
    await this.engine.start();
  }

  /**
   * `restart`: kill the engine hard, start a new one on the same database. With `settle: false` it
   * returns once the connections are started, before they are up and reconciled (a test may act
   * on the brokers while the engine comes back).
   */
  async restart(opts: { settle?: boolean } = {}): Promise<Engine> {
    this.engine?.abandon();
    this.engine = this.openEngine();
    await this.engine.start(opts.settle === false ? { settle: false } : {});
    return this.engine;
  }

  requireEngine(): Engine {
    if (!this.engine) throw new Error('engine not started');
    return this.engine;
  }

  async tearDown(): Promise<void> {
    await this.engine?.stop();
    this.engine = undefined;
    for (const fe of this.frontEnds.values()) await fe.stop();
    this.exchange.dispose();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private openEngine(): Engine {
    return Engine.open({
      dbPath: this.dbPath,
      catalog: this.catalog,
      clock: this.clock,
      log: this.log,
      connect: (row) => this.connect(row),
      createRisk: createRiskEngine,
    });
  }

  private connect(row: ConnectionRow): BrokerConnection {
    const login = String(row.settings.login);
    const deps = { catalog: this.catalog, clock: this.clock, log: this.log.child(row.name) };
    if (row.broker === 'paper') {
      const sim = this.frontEnds.get('paper');
      if (!(sim instanceof PaperSim)) throw new Error('paper simulator not running');
      return new PaperConnection({ name: row.name, login }, secretFor(login), sim, deps);
    }
    const fe = this.frontEnds.get(row.broker);
    if (!fe) throw new Error(`${row.broker} simulator not running`);
    return connectToSim(row.broker, fe, row.name, login, secretFor(login), deps);
  }
}

/** Scenario logins use a fixed secret per login: the simulators check it like the real brokers do. */
export function secretFor(login: string): string {
  return `pw-${login}`;
}

/**
 * Test support: a simulator with one ProjectX login over a fresh exchange, the production adapter
 * pointed at it, and ways to wait for events without sleeping. Every harness tears down its
 * adapter, simulator and exchange so the test process has no open handles.
 */
import { Catalog } from '../../../domain/instruments';
import type { ContractCode } from '../../../domain/contractCode';
import { SystemClock } from '../../../domain/clock';
import { createLogger, type Logger } from '../../../domain/log';
import { moneyFromDollars } from '../../../domain/money';
import type { BrokerConnection, BrokerEvent } from '../../../orders/broker';
import { SimExchange, type SimAccount } from '../../simcore/exchange';
import { createProjectXConnection } from '../adapter';
import { ProjectXSim, type ProjectXSimOptions } from './projectxSim';

export const LOGIN = 'trader1';
export const API_KEY = 'px-key-trader1';

export interface LogLine {
  readonly level: string;
  readonly msg: string;
  readonly fields?: unknown;
}

export class Harness {
  readonly catalog = Catalog.load();
  readonly clock = new SystemClock();
  readonly exchange = new SimExchange(this.catalog, this.clock);
  readonly sim: ProjectXSim;
  readonly account: SimAccount;
  readonly second: SimAccount;
  readonly mnq: ContractCode;
  readonly events: BrokerEvent[] = [];
  readonly logs: LogLine[] = [];
  readonly log: Logger;
  conn: BrokerConnection | undefined;
  private readonly waiters = new Set<() => void>();

  constructor(options: ProjectXSimOptions = {}) {
    this.sim = new ProjectXSim(this.exchange, options);
    this.account = this.exchange.addAccount({ key: 'f1', broker: 'projectx', login: LOGIN, name: 'PRAC-V2-423406-1', balance: moneyFromDollars(50_000) });
    this.second = this.exchange.addAccount({ key: 'f2', broker: 'projectx', login: LOGIN, name: 'PRAC-V2-423406-2', balance: moneyFromDollars(100_000) });
    this.mnq = this.catalog.frontMonth('MNQ', this.clock.now());
    this.sim.onRequest(() => this.wake());
    this.log = createLogger((line) => {
      this.logs.push(line);
      this.wake();
    }, 'test', 'debug');
  }

  async start(apiKey = API_KEY): Promise<BrokerConnection> {
    await this.sim.start(0);
    this.sim.addLogin(LOGIN, API_KEY);
    this.exchange.setQuote(this.mnq, 21_000);
    const conn = this.connection(apiKey);
    await conn.start(this.listener);
    return conn;
  }

  /** The listener to give a connection: records the event and wakes whoever waits. */
  readonly listener = (e: BrokerEvent): void => {
    this.events.push(e);
    this.wake();
  };

  connection(apiKey = API_KEY): BrokerConnection {
    const urls = this.sim.urls();
    this.conn = createProjectXConnection({ name: 'px-test', ...urls, username: LOGIN }, { apiKey }, { catalog: this.catalog, clock: this.clock, log: this.log, random: () => 0.5 });
    return this.conn;
  }

  get accountId(): string {
    return String(this.account.id);
  }

  /** Resolves with the first event (already seen or coming) that matches. */
  waitFor<T extends BrokerEvent>(match: (e: BrokerEvent) => e is T): Promise<T>;
  waitFor(match: (e: BrokerEvent) => boolean): Promise<BrokerEvent>;
  waitFor(match: (e: BrokerEvent) => boolean): Promise<BrokerEvent> {
    return this.until(() => this.events.find(match));
  }

  /** Resolves once `probe` returns something other than undefined, re-checked on every event and log line. */
  until<T>(probe: () => T | undefined): Promise<T> {
    return new Promise((resolve) => {
      const check = (): void => {
        const v = probe();
        if (v === undefined) return;
        this.waiters.delete(check);
        resolve(v);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Events of one kind, in order. */
  ofKind<K extends BrokerEvent['kind']>(kind: K): Extract<BrokerEvent, { kind: K }>[] {
    return this.events.filter((e): e is Extract<BrokerEvent, { kind: K }> => e.kind === kind);
  }

  /** Waits until the exchange and the simulator have nothing scheduled and the adapter has seen everything sent. */
  async settle(): Promise<void> {
    await this.exchange.whenIdle();
    await this.sim.whenIdle();
    await this.conn?.barrier();
  }

  async close(): Promise<void> {
    await this.conn?.stop();
    await this.sim.stop();
    this.exchange.dispose();
    this.waiters.clear();
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}

/**
 * Test support: a SimExchange with a TradovateSim on loopback and a production adapter pointed at
 * it, plus an event recorder whose waits are promises on events (never sleeps). Every harness
 * tears down its adapter, simulator and exchange so vitest ends with no open handles.
 */
import { Catalog } from '../../domain/instruments';
import type { ContractCode } from '../../domain/contractCode';
import { SystemClock } from '../../domain/clock';
import { createLogger, type Logger, type LogSink } from '../../domain/log';
import { moneyFromDollars } from '../../domain/money';
import type { BrokerEvent, BrokerFill, BrokerOrder, ConnectionState } from '../../orders/broker';
import { SimExchange, type SimAccount } from '../simcore/exchange';
import { createTradovateConnection, type TradovateConnection, type TradovateTimings } from './adapter';
import type { PenaltyPolicy } from './penalty';
import type { TradovateSettings } from './settings';
import { TradovateSim, type TradovateSimOptions } from './sim/tradovateSim';

export const LOGIN = 'trader1';
export const PASSWORD = 'correct horse';

/** Records adapter events; `waitFor` resolves on the first past or future event matching. */
export class EventLog {
  readonly events: BrokerEvent[] = [];
  private readonly waiters = new Set<{ match: (e: BrokerEvent) => boolean; resolve: (e: BrokerEvent) => void }>();

  readonly listener = (e: BrokerEvent): void => {
    this.events.push(e);
    for (const w of [...this.waiters]) {
      if (w.match(e)) {
        this.waiters.delete(w);
        w.resolve(e);
      }
    }
  };

  /** Resolves with the first event (already recorded or still to come) that matches. */
  waitFor<E extends BrokerEvent>(match: (e: BrokerEvent) => e is E, from?: number): Promise<E>;
  waitFor(match: (e: BrokerEvent) => boolean, from?: number): Promise<BrokerEvent>;
  waitFor(match: (e: BrokerEvent) => boolean, from = 0): Promise<BrokerEvent> {
    const past = this.events.slice(from).find(match);
    if (past) return Promise.resolve(past);
    return new Promise((resolve) => this.waiters.add({ match, resolve }));
  }

  order(orderId: string, status?: BrokerOrder['status']): Promise<BrokerOrder> {
    return this.waitFor((e) => e.kind === 'order' && e.order.orderId === orderId && (status === undefined || e.order.status === status)).then((e) => (e as { order: BrokerOrder }).order);
  }

  fill(orderId: string, from = 0): Promise<BrokerFill> {
    return this.waitFor((e) => e.kind === 'fill' && e.fill.orderId === orderId, from).then((e) => (e as { fill: BrokerFill }).fill);
  }

  connected(generation: number): Promise<BrokerEvent> {
    return this.waitFor((e) => e.kind === 'connection' && e.status.state === 'connected' && e.generation === generation);
  }

  fills(): BrokerFill[] {
    return this.events.flatMap((e) => (e.kind === 'fill' ? [e.fill] : []));
  }

  orders(orderId?: string): BrokerOrder[] {
    return this.events.flatMap((e) => (e.kind === 'order' && (orderId === undefined || e.order.orderId === orderId) ? [e.order] : []));
  }

  statuses(): ConnectionState[] {
    return this.events.flatMap((e) => (e.kind === 'connection' ? [e.status] : []));
  }

  count(kind: BrokerEvent['kind']): number {
    return this.events.filter((e) => e.kind === kind).length;
  }
}

export interface HarnessOptions {
  readonly sim?: TradovateSimOptions;
  readonly timings?: Partial<TradovateTimings>;
  readonly password?: string;
  readonly penaltyPolicy?: Partial<PenaltyPolicy>;
}

export class Harness {
  readonly catalog = Catalog.load();
  readonly clock = new SystemClock();
  readonly exchange = new SimExchange(this.catalog, this.clock);
  readonly account: SimAccount;
  readonly sim: TradovateSim;
  readonly mnq: ContractCode;
  readonly log = new EventLog();
  readonly logLines: { level: string; msg: string; fields?: unknown }[] = [];
  readonly logger: Logger;
  private readonly connections: TradovateConnection[] = [];

  constructor(readonly options: HarnessOptions = {}) {
    this.account = this.exchange.addAccount({ key: 'a1', broker: 'tradovate', login: LOGIN, name: 'DEMO1001', balance: moneyFromDollars(50_000) });
    this.sim = new TradovateSim(this.exchange, options.sim);
    this.mnq = this.catalog.frontMonth('MNQ', this.clock.now());
    this.exchange.setQuote(this.mnq, 21_000);
    const sink: LogSink = (line) => this.logLines.push({ level: line.level, msg: line.msg, fields: line.fields });
    this.logger = createLogger(sink, 'test', 'debug');
  }

  get accountId(): string {
    return String(this.account.id);
  }

  async startSim(): Promise<void> {
    await this.sim.start(0);
    this.sim.addLogin(LOGIN, PASSWORD);
  }

  settings(): TradovateSettings {
    const urls = this.sim.urls();
    return { name: 'tradovate-test', restUrl: urls.restUrl, wsUrl: urls.wsUrl, mdUrl: urls.mdUrl, username: LOGIN, appId: 'Mirrorfill', appVersion: '0.1.0', cid: '8', deviceId: 'test-device-1' };
  }

  connection(password = this.options.password ?? PASSWORD): TradovateConnection {
    const c = createTradovateConnection(this.settings(), { password, sec: 'not-a-real-secret' }, { catalog: this.catalog, clock: this.clock, log: this.logger, random: () => 0.5, timings: { backoffBaseMs: 20, backoffCapMs: 200, ...this.options.timings }, ...(this.options.penaltyPolicy ? { penaltyPolicy: this.options.penaltyPolicy } : {}) });
    this.connections.push(c);
    return c;
  }

  /** Simulator up, adapter started and connected (generation 1). */
  async connect(): Promise<TradovateConnection> {
    await this.startSim();
    const c = this.connection();
    await c.start(this.log.listener);
    return c;
  }

  /** Orders the exchange received from the API (not legs, not manual ones). */
  apiOrders(): number {
    return this.account.orderLog.filter((o) => o.source === 'api' && o.parentOrderId === undefined).length;
  }

  async close(): Promise<void> {
    for (const c of this.connections) await c.stop();
    await this.sim.stop();
    this.exchange.dispose();
  }
}

/**
 * One benchmark case: a leader and N followers on one broker (paper in-process, or the Tradovate /
 * ProjectX simulators over real loopback sockets through the production adapters), the real engine
 * on a real SQLite file. The leader trades 1 lot in and out; each fill is copied to every follower.
 *
 * - copierAdded: leader fill frame received by the adapter → last follower order frame written by
 *   its adapter (the engine's own work: decide, journal, fan out, encode, write).
 * - endToEnd: fill emitted by the leader's simulator → order received by the follower's simulator.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SystemClock } from '../src-engine/domain/clock';
import { Catalog } from '../src-engine/domain/instruments';
import { createLogger } from '../src-engine/domain/log';
import { moneyFromDollars } from '../src-engine/domain/money';
import type { BrokerConnection, BrokerKind } from '../src-engine/orders/broker';
import { SimExchange } from '../src-engine/brokers/simcore/exchange';
import type { SimFrontEnd } from '../src-engine/brokers/simcore/frontend';
import { PaperConnection, PaperSim } from '../src-engine/brokers/paper/paperBroker';
import { TradovateSim } from '../src-engine/brokers/tradovate/sim/tradovateSim';
import { createTradovateConnection } from '../src-engine/brokers/tradovate/adapter';
import { ProjectXSim } from '../src-engine/brokers/projectx/sim/projectxSim';
import { createProjectXConnection } from '../src-engine/brokers/projectx/adapter';
import { Engine } from '../src-engine/runtime/engine';
import { createRiskEngine } from '../src-engine/runtime/createRiskEngine';
import type { ConnectionRow } from '../src-engine/store/configRepository';

export interface CaseSpec {
  readonly broker: BrokerKind;
  readonly followers: number;
  readonly fills: number;
  readonly warmup: number;
  /** Followers per broker login (a trader's accounts sit under a few logins). */
  readonly perLogin?: number;
}

export interface CaseResult {
  readonly copierAdded: number[];
  readonly endToEnd: number[];
  readonly rssMb: number;
  /** Leader fills per second with copies written, back to back. */
  readonly fillsPerSec: number;
}

/** Brokers' request budgets would throttle a benchmark into measuring the throttle. */
const UNLIMITED = 1_000_000;
const STALL_MS = 10_000;

export async function runCase(spec: CaseSpec): Promise<CaseResult> {
  const catalog = Catalog.load();
  const clock = new SystemClock();
  const log = createLogger(() => undefined);
  const exchange = new SimExchange(catalog, clock);
  const perLogin = spec.perLogin ?? 5;
  const dir = mkdtempSync(join(tmpdir(), 'mirrorfill-bench-'));
  const contract = catalog.frontMonth('MNQ', clock.now());

  exchange.addAccount({ key: 'lead', broker: spec.broker, login: 'lead', name: 'LEAD', balance: moneyFromDollars(50_000) });
  const logins = new Map<string, string[]>([['lead', ['lead']]]);
  for (let i = 0; i < spec.followers; i++) {
    const login = `f-login-${Math.floor(i / perLogin)}`;
    exchange.addAccount({ key: `f${i}`, broker: spec.broker, login, name: `F${i}`, balance: moneyFromDollars(50_000) });
    logins.set(login, [...(logins.get(login) ?? []), `f${i}`]);
  }
  exchange.setQuote(contract, 21_000);

  const fe: SimFrontEnd =
    spec.broker === 'tradovate' ? new TradovateSim(exchange, { log }) : spec.broker === 'projectx' ? new ProjectXSim(exchange, { rateLimitPerMinute: UNLIMITED }) : new PaperSim(exchange);
  await fe.start(0);
  for (const login of logins.keys()) fe.addLogin(login, `pw-${login}`);

  const connect = (row: ConnectionRow): BrokerConnection => {
    const login = String(row.settings.login);
    const deps = { catalog, clock, log };
    if (fe instanceof PaperSim) return new PaperConnection({ name: row.name, login, requestsPerMinute: UNLIMITED }, `pw-${login}`, fe, deps);
    if (fe instanceof TradovateSim) {
      const u = fe.urls();
      return createTradovateConnection(
        { name: row.name, restUrl: u.restUrl, wsUrl: u.wsUrl, mdUrl: u.mdUrl, username: login, appId: 'bench', appVersion: '1', cid: '0', deviceId: `bench-${login}` },
        { password: `pw-${login}`, sec: 'bench' },
        { ...deps, requestsPerMinute: UNLIMITED },
      );
    }
    if (fe instanceof ProjectXSim) {
      const u = fe.urls();
      return createProjectXConnection({ name: row.name, apiUrl: u.apiUrl, userHubUrl: u.userHubUrl, marketHubUrl: u.marketHubUrl, username: login }, { apiKey: `pw-${login}` }, { ...deps, requestsPerMinute: UNLIMITED });
    }
    throw new Error('unknown simulator');
  };

  // Timing: per leader fill (cause), when it came in and when each follower order went out.
  let current: { cause: string | undefined; receivedAt: number; lastWritten: number; written: number; emittedAt: number; receivedBySim: number; lastReceivedBySim: number } | undefined;
  let wake: (() => void) | undefined;
  const done = (): boolean => current !== undefined && current.written >= spec.followers && current.receivedBySim >= spec.followers;
  const engine = Engine.open({
    dbPath: join(dir, 'bench.db'),
    catalog,
    clock,
    log,
    connect,
    createRisk: createRiskEngine,
    probe: {
      leaderFill: (cause, receivedAt) => {
        if (current) {
          current.cause = cause;
          current.receivedAt = receivedAt;
        }
      },
      orderWritten: (cause, _account, atMs) => {
        if (!current || cause !== current.cause) return;
        current.written++;
        current.lastWritten = Math.max(current.lastWritten, atMs);
        if (done()) wake?.();
      },
    },
  });
  const lead = exchange.accountByKey('lead');
  if (!lead) throw new Error('bench: no leader');
  exchange.onAccountEvent(undefined, (e) => {
    if (!current) return;
    if (e.kind === 'fill' && e.fill.accountId === lead.id && current.emittedAt === 0) current.emittedAt = performance.now();
    if (e.kind === 'order' && e.order.source === 'api' && e.order.status === 'pending') {
      current.receivedBySim++;
      current.lastReceivedBySim = performance.now();
      if (done()) wake?.();
    }
  });

  for (const [login, keys] of logins) {
    await engine.addConnection(
      { id: `c-${login}`, broker: spec.broker, name: `${spec.broker}:${login}`, settings: { login } },
      keys.map((k) => {
        const a = exchange.accountByKey(k);
        if (!a) throw new Error(`bench: no account ${k}`);
        return { id: k, brokerAccountId: String(a.id), name: a.spec.name, risk: {} };
      }),
    );
  }
  engine.saveGroup({ name: 'Bench', leader: 'lead', followers: Array.from({ length: spec.followers }, (_, i) => ({ account: `f${i}` })) });
  await engine.start();

  const copierAdded: number[] = [];
  const endToEnd: number[] = [];
  const total = spec.fills + spec.warmup;
  const started = performance.now();
  let measuredFrom = started;
  for (let i = 0; i < total; i++) {
    if (i === spec.warmup) measuredFrom = performance.now();
    current = { cause: undefined, receivedAt: 0, lastWritten: 0, written: 0, emittedAt: 0, receivedBySim: 0, lastReceivedBySim: 0 };
    let stall: ReturnType<typeof setTimeout> | undefined;
    const finished = new Promise<void>((resolve, reject) => {
      wake = resolve;
      // A copy that never completes (an adapter that does not report its writes, a lost order) fails the run instead of hanging it.
      stall = setTimeout(() => reject(new Error(`bench: ${spec.broker} ×${spec.followers}, fill ${i}: no complete copy within ${STALL_MS} ms (${JSON.stringify(current)})`)), STALL_MS);
    });
    exchange.place(lead.id, { contract, side: i % 2 === 0 ? 'buy' : 'sell', qty: 1, type: 'market', source: 'manual' });
    await finished.finally(() => clearTimeout(stall));
    // Let the followers' fills and acknowledgements land before the next leader fill.
    await engine.whenIdle();
    if (i >= spec.warmup) {
      copierAdded.push(current.lastWritten - current.receivedAt);
      endToEnd.push(current.lastReceivedBySim - current.emittedAt);
    }
  }
  const elapsed = performance.now() - measuredFrom;
  const rssMb = process.memoryUsage().rss / 1_048_576;

  current = undefined;
  await engine.stop();
  await fe.stop();
  exchange.dispose();
  rmSync(dir, { recursive: true, force: true });
  return { copierAdded, endToEnd, rssMb, fillsPerSec: (spec.fills / elapsed) * 1000 };
}

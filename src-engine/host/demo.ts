/**
 * The demo (app.md): simulated Tradovate and ProjectX brokers on 127.0.0.1, a paper account,
 * demo accounts, a group already set up and a leader that trades by itself, so a newcomer sees
 * copying within seconds. The engine reaches the simulators through the production adapters.
 */
import { randomBytes } from 'node:crypto';
import type { Catalog } from '../domain/instruments';
import type { Clock } from '../domain/clock';
import { moneyFromDollars } from '../domain/money';
import type { Secret } from '../secrets/secretStore';
import { SimExchange } from '../brokers/simcore/exchange';
import { TradovateSim } from '../brokers/tradovate/sim/tradovateSim';
import { OBSERVED_TRADOVATE_LIMITS } from '../brokers/tradovate/sim/loginLimits';
import { ProjectXSim } from '../brokers/projectx/sim/projectxSim';
import { PaperSim } from '../brokers/paper/paperBroker';
import type { Engine } from '../runtime/engine';
import type { DemoBrokersView } from '../api/views';
import type { TradovateOAuthClient } from '../brokers/tradovate/oauth/oauthClient';
import { runDemoLeader, wanderMarket, type MarketHandle } from './demoMarket';

interface DemoAccount {
  readonly key: string;
  readonly broker: 'tradovate' | 'projectx' | 'paper';
  readonly login: string;
  readonly name: string;
  readonly balance: number;
  /** Root → dollars per contract per side the demo broker charges (illustrative figures). */
  readonly fees?: Readonly<Record<string, number>>;
}

/** Funded demo accounts pay fees, as prop-firm accounts do, so the Risk screen shows figures net of them. */
const FUNDED_FEES: Readonly<Record<string, number>> = { MNQ: 0.37, MES: 0.37, NQ: 1.4, ES: 1.4 };

const ACCOUNTS: readonly DemoAccount[] = [
  { key: 'lead', broker: 'tradovate', login: 'demo-trader', name: 'DEMO-LEADER', balance: 50_000 },
  { key: 'tv1', broker: 'tradovate', login: 'demo-trader', name: 'DEMO-FUNDED-1', balance: 50_000, fees: FUNDED_FEES },
  { key: 'tv2', broker: 'tradovate', login: 'demo-trader', name: 'DEMO-FUNDED-2', balance: 100_000, fees: FUNDED_FEES },
  { key: 'px1', broker: 'projectx', login: 'demo-px', name: '50KTC-DEMO-1', balance: 50_000, fees: FUNDED_FEES },
  { key: 'px2', broker: 'projectx', login: 'demo-px', name: '150KTC-DEMO-2', balance: 150_000, fees: FUNDED_FEES },
  { key: 'pp1', broker: 'paper', login: 'demo-paper', name: 'PAPER-25K', balance: 25_000 },
  // A second Tradovate user of the trader's (another firm's evaluation), not connected at start:
  // Sign in with Tradovate can add it, while demo-trader is already connected (one connection per login).
  { key: 'tve', broker: 'tradovate', login: 'demo-eval', name: 'DEMO-EVAL-1', balance: 50_000 },
];

const SECRETS: Readonly<Record<string, string>> = { 'demo-trader': 'demo-password', 'demo-eval': 'demo-password', 'demo-px': 'demo-api-key', 'demo-paper': 'demo-paper' };

export interface DemoWorld {
  readonly exchange: SimExchange;
  readonly tradovate: TradovateSim;
  readonly projectx: ProjectXSim;
  readonly paper: PaperSim;
  /** Secrets of the demo connections, held in memory only. */
  readonly secrets: ReadonlyMap<string, Secret>;
  /** The OAuth client registered with the simulated Tradovate, for Sign in with Tradovate. */
  readonly oauthClient: TradovateOAuthClient;
  startLeader(everyMs?: number): void;
  stop(): Promise<void>;
}

export async function startDemoWorld(catalog: Catalog, clock: Clock, opts: { marketEveryMs?: number; tradovatePerMinute?: number } = {}): Promise<DemoWorld> {
  const exchange = new SimExchange(catalog, clock);
  for (const a of ACCOUNTS) {
    const fees = a.fees ? new Map(Object.entries(a.fees).map(([root, rate]) => [root, moneyFromDollars(rate)])) : undefined;
    exchange.addAccount({ key: a.key, broker: a.broker, login: a.login, name: a.name, balance: moneyFromDollars(a.balance), ...(fees ? { fees } : {}) });
  }
  // Off by default (the demo leader's pace would earn penalties); on, a tight minute shows the
  // Connections screen's queue and penalty wait live.
  const tradovate = new TradovateSim(exchange, opts.tradovatePerMinute !== undefined ? { limits: { ...OBSERVED_TRADOVATE_LIMITS, perMinute: opts.tradovatePerMinute } } : {});
  const projectx = new ProjectXSim(exchange);
  const paper = new PaperSim(exchange);
  await tradovate.start(0);
  await projectx.start(0);
  await paper.start();
  for (const [login, secret] of Object.entries(SECRETS)) {
    tradovate.addLogin(login, secret);
    projectx.addLogin(login, secret);
    paper.addLogin(login, secret);
  }
  // A client of the simulator's own, with a secret made for this run: Sign in with Tradovate works
  // in the demo without a client registered with the real Tradovate.
  const oauthClient: TradovateOAuthClient = { clientId: 'mirrorfill-demo', clientSecret: randomBytes(24).toString('base64url'), authorizeUrl: `${new URL(tradovate.urls().restUrl).origin}/oauth`, pkce: true, source: 'the demo\'s simulated Tradovate' };
  tradovate.oauth.addClient({ clientId: oauthClient.clientId, clientSecret: oauthClient.clientSecret, appName: 'Mirrorfill', redirectUris: [] });
  const handles: MarketHandle[] = [wanderMarket(exchange, catalog, clock, { everyMs: opts.marketEveryMs ?? 500 })];
  const secrets = new Map<string, Secret>([
    ['demo-tradovate', { password: SECRETS['demo-trader'] ?? '', sec: 'demo' }],
    ['demo-projectx', { apiKey: SECRETS['demo-px'] ?? '' }],
    ['demo-paper', { password: SECRETS['demo-paper'] ?? '' }],
  ]);
  return {
    exchange,
    tradovate,
    projectx,
    paper,
    secrets,
    oauthClient,
    startLeader: (everyMs) => handles.push(runDemoLeader(exchange, catalog, clock, 'lead', { ...(everyMs !== undefined ? { everyMs } : {}) })),
    stop: async () => {
      for (const h of handles) h.stop();
      await tradovate.stop();
      await projectx.stop();
      await paper.stop();
      exchange.dispose();
    },
  };
}

/** The demo's simulators as Add connection offers them: their addresses and the demo logins. */
export function demoBrokers(world: DemoWorld): DemoBrokersView {
  const t = world.tradovate.urls();
  const p = world.projectx.urls();
  return {
    tradovate: { settings: { restUrl: t.restUrl, wsUrl: t.wsUrl, mdUrl: t.mdUrl, username: 'demo-trader', appId: 'Mirrorfill', appVersion: '0.1.0', cid: '0', deviceId: 'mirrorfill-demo' }, password: SECRETS['demo-trader'] ?? '' },
    projectx: { settings: { apiUrl: p.apiUrl, userHubUrl: p.userHubUrl, marketHubUrl: p.marketHubUrl, username: 'demo-px' }, apiKey: SECRETS['demo-px'] ?? '' },
    paper: { login: 'demo-paper', password: SECRETS['demo-paper'] ?? '' },
  };
}

/** Adds the demo connections, accounts and group to an engine that does not have them yet. */
export async function seedDemo(engine: Engine, world: DemoWorld): Promise<void> {
  const has = (id: string): boolean => engine.core.config.connections().some((c) => c.id === id);
  const t = world.tradovate.urls();
  const p = world.projectx.urls();
  const acc = (key: string): { id: string; brokerAccountId: string; name: string; risk: object } => {
    const a = world.exchange.accountByKey(key);
    if (!a) throw new Error(`demo: no account ${key}`);
    return { id: `demo-${key}`, brokerAccountId: String(a.id), name: a.spec.name, risk: {} };
  };
  // The simulators listen on fresh ports each start: a demo restarted on its kept data (--data)
  // points its stored connections at this run's simulators instead of the last run's dead ports.
  const tradovate = { id: 'demo-tradovate', broker: 'tradovate', name: 'Tradovate (simulated)', settings: { restUrl: t.restUrl, wsUrl: t.wsUrl, mdUrl: t.mdUrl, username: 'demo-trader', appId: 'Mirrorfill', appVersion: '0.1.0', cid: '0', deviceId: 'mirrorfill-demo' } } as const;
  if (has(tradovate.id)) await engine.replaceConnection(tradovate);
  else await engine.addConnection(tradovate, [acc('lead'), acc('tv1'), { ...acc('tv2'), risk: { dailyLoss: 1500, maxContracts: 10 } }]);
  const projectx = { id: 'demo-projectx', broker: 'projectx', name: 'TopstepX (simulated)', settings: { apiUrl: p.apiUrl, userHubUrl: p.userHubUrl, marketHubUrl: p.marketHubUrl, username: 'demo-px' } } as const;
  if (has(projectx.id)) await engine.replaceConnection(projectx);
  else await engine.addConnection(projectx, [{ ...acc('px1'), risk: { dailyLoss: 1000, trailingDrawdown: { amount: 2000, mode: 'endOfDay' }, maxContracts: 5 } }, acc('px2')]);
  if (!has('demo-paper')) await engine.addConnection({ id: 'demo-paper', broker: 'paper', name: 'Paper', settings: { login: 'demo-paper' } }, [acc('pp1')]);
  if (!engine.groups().some((g) => g.name === 'Demo')) {
    engine.saveGroup({
      name: 'Demo',
      leader: 'demo-lead',
      settings: { sizing: 'notional' },
      followers: [
        { account: 'demo-tv1' },
        { account: 'demo-tv2', ratio: 2 },
        { account: 'demo-px1' },
        { account: 'demo-px2', cross: { MNQ: 'NQ' } },
        { account: 'demo-pp1', ratio: 0.5 },
      ],
    });
  }
}

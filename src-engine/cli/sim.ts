/**
 * `npm run sim -- tradovate|projectx [--port N]`: one broker simulator on its own, with demo
 * accounts and a moving market, so any client written for the real broker can be pointed at it.
 * Prints its address and its demo logins, a line each.
 */
import { SystemClock } from '../domain/clock';
import { Catalog } from '../domain/instruments';
import { moneyFromDollars } from '../domain/money';
import { SimExchange } from '../brokers/simcore/exchange';
import { TradovateSim } from '../brokers/tradovate/sim/tradovateSim';
import { ProjectXSim } from '../brokers/projectx/sim/projectxSim';
import { wanderMarket } from '../host/demoMarket';
import { parseArgs, portOption, UsageError } from './args';
import { untilSignal } from './signals';

export const SIM_USAGE = 'usage: mirrorfill sim tradovate|projectx [--port N (0 = any free port)]';

const LOGINS = [
  { login: 'demo-user', secret: 'demo-secret', accounts: [{ name: 'DEMO-50K-1', balance: 50_000 }, { name: 'DEMO-100K-1', balance: 100_000 }] },
  { login: 'demo-user-2', secret: 'demo-secret-2', accounts: [{ name: 'DEMO-150K-1', balance: 150_000 }] },
];

export async function simCommand(args: readonly string[]): Promise<number> {
  const p = parseArgs(args, { port: 'value' });
  const kind = p.positional[0];
  if (kind !== 'tradovate' && kind !== 'projectx') throw new UsageError(SIM_USAGE);
  const catalog = Catalog.load();
  const clock = new SystemClock();
  const exchange = new SimExchange(catalog, clock);
  let n = 0;
  for (const l of LOGINS) for (const a of l.accounts) exchange.addAccount({ key: `a${++n}`, broker: kind, login: l.login, name: a.name, balance: moneyFromDollars(a.balance) });
  const sim = kind === 'tradovate' ? new TradovateSim(exchange) : new ProjectXSim(exchange);
  await sim.start(portOption(p));
  for (const l of LOGINS) sim.addLogin(l.login, l.secret);
  const market = wanderMarket(exchange, catalog, clock);
  if (sim instanceof TradovateSim) {
    const u = sim.urls();
    process.stdout.write(`Tradovate simulator: REST ${u.restUrl}  trading socket ${u.wsUrl}  market data ${u.mdUrl}\n`);
    for (const l of LOGINS) process.stdout.write(`login: name=${l.login} password=${l.secret} (any appId/cid/sec) accounts: ${l.accounts.map((a) => a.name).join(', ')}\n`);
  } else {
    const u = sim.urls();
    process.stdout.write(`ProjectX simulator: API ${u.apiUrl}  user hub ${u.userHubUrl}  market hub ${u.marketHubUrl}\n`);
    for (const l of LOGINS) process.stdout.write(`login: userName=${l.login} apiKey=${l.secret} accounts: ${l.accounts.map((a) => a.name).join(', ')}\n`);
  }
  await untilSignal();
  market.stop();
  await sim.stop();
  exchange.dispose();
  return 0;
}

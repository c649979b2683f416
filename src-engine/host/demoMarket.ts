/**
 * A small living market for the demo and the standalone simulators: prices that wander tick by
 * tick on the shared exchange, and a leader that trades by itself (entries with brackets, scale-ins,
 * exits) so a newcomer sees copies within seconds.
 */
import type { Catalog } from '../domain/instruments';
import type { Clock } from '../domain/clock';
import type { ContractCode } from '../domain/contractCode';
import type { SimExchange } from '../brokers/simcore/exchange';

export const DEMO_PRICES: Readonly<Record<string, number>> = {
  ES: 6000,
  MES: 6000,
  NQ: 21000,
  MNQ: 21000,
  YM: 44000,
  MYM: 44000,
  CL: 70,
  MCL: 70,
  GC: 2650,
  MGC: 2650,
};

export interface MarketHandle {
  stop(): void;
}

/** Every `everyMs`, each product's price moves a few ticks (micro and mini of a family move together). */
export function wanderMarket(exchange: SimExchange, catalog: Catalog, clock: Clock, opts: { everyMs?: number; random?: () => number } = {}): MarketHandle {
  const random = opts.random ?? Math.random;
  const families = new Map<string, { roots: string[]; price: number; tick: number }>();
  for (const [root, price] of Object.entries(DEMO_PRICES)) {
    const p = catalog.require(root);
    const fam = families.get(p.family) ?? { roots: [], price, tick: p.tickSize.toNumber() };
    fam.roots.push(root);
    fam.tick = Math.max(fam.tick, p.tickSize.toNumber());
    families.set(p.family, fam);
  }
  const publish = (): void => {
    for (const fam of families.values()) {
      for (const root of fam.roots) exchange.setQuote(catalog.frontMonth(root, clock.now()), round(fam.price, fam.tick));
    }
  };
  publish();
  const timer = setInterval(() => {
    for (const fam of families.values()) fam.price = Math.max(fam.tick, fam.price + (Math.floor(random() * 5) - 2) * fam.tick);
    publish();
  }, opts.everyMs ?? 400);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

function round(price: number, tick: number): number {
  return Number((Math.round(price / tick) * tick).toFixed(6));
}

/**
 * The demo leader: opens a position with a bracket, sometimes adds, then exits by its bracket or
 * by hand, over and over. Orders enter the exchange as the trader's own ("manual").
 */
export function runDemoLeader(exchange: SimExchange, catalog: Catalog, clock: Clock, leaderKey: string, opts: { root?: string; everyMs?: number; random?: () => number } = {}): MarketHandle {
  const random = opts.random ?? Math.random;
  const root = opts.root ?? 'MNQ';
  const tick = catalog.require(root).tickSize.toNumber();
  const account = exchange.accountByKey(leaderKey);
  if (!account) throw new Error(`demo: no leader account ${leaderKey}`);
  let step = 0;
  const timer = setInterval(() => {
    const contract: ContractCode = catalog.frontMonth(root, clock.now());
    const q = exchange.quote(contract);
    if (!q) return;
    const pos = exchange.positionOf(account.id, contract);
    step++;
    if (pos === 0) {
      for (const o of exchange.openOrders(account.id)) exchange.cancel(account.id, o.orderId);
      const side = random() < 0.5 ? 'buy' : 'sell';
      const dir = side === 'buy' ? 1 : -1;
      exchange.place(account.id, {
        contract,
        side,
        qty: 2,
        type: 'market',
        source: 'manual',
        bracket: { stopLoss: q.price - dir * 20 * tick, takeProfit: q.price + dir * 30 * tick },
      });
    } else if (step % 3 === 0 && Math.abs(pos) < 4) {
      exchange.place(account.id, { contract, side: pos > 0 ? 'buy' : 'sell', qty: 1, type: 'market', source: 'manual' });
    } else if (step % 5 === 0) {
      for (const o of exchange.openOrders(account.id)) exchange.cancel(account.id, o.orderId);
      exchange.place(account.id, { contract, side: pos > 0 ? 'sell' : 'buy', qty: Math.abs(pos), type: 'market', source: 'manual' });
    }
  }, opts.everyMs ?? 3000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

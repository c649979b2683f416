/**
 * The dispatcher writes a place only for an intent that can still be sent: one abandoned while it
 * waited in its lane goes no further (chaos seed 157536028: a mirror re-queued by its outcome
 * lookup and abandoned by the reconcile was sent anyway, and planned again on top of it).
 * Against the paper broker over the shared matching core: the outcome is the broker's book.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PaperConnection, PaperSim } from '../brokers/paper/paperBroker';
import { SimExchange } from '../brokers/simcore/exchange';
import { SystemClock } from '../domain/clock';
import { Catalog } from '../domain/instruments';
import { moneyFromDollars } from '../domain/money';
import type { BrokerConnection } from './broker';
import { Dispatcher, type DispatchHooks } from './dispatcher';
import { PRIORITY, type Intent } from './intent';
import { transition } from './orderState';

const catalog = Catalog.load();
const clock = new SystemClock();
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

async function paperLane(): Promise<{ exchange: SimExchange; account: number; connection: BrokerConnection }> {
  const exchange = new SimExchange(catalog, clock);
  const account = exchange.addAccount({ key: 'f1', broker: 'paper', login: 'f1', name: 'F1', balance: moneyFromDollars(50_000) }).id;
  const sim = new PaperSim(exchange);
  sim.addLogin('f1', 'secret');
  const connection = new PaperConnection({ name: 'paper', login: 'f1' }, 'secret', sim, { catalog, clock });
  await connection.start(() => undefined);
  stops.push(() => connection.stop());
  exchange.setQuote(catalog.frontMonth('ES', clock.now()), 6000);
  return { exchange, account, connection };
}

/** The engine's own rule: a place goes out only when the intent's status allows 'send'. */
function hooks(): DispatchHooks {
  const step = (i: Intent, event: Parameters<typeof transition>[1]): boolean => {
    const t = transition(i.status, event);
    if (t.ok) i.status = t.next;
    return t.ok;
  };
  return {
    onSending: (i) => step(i, 'send'),
    onQueued: (i) => void step(i, 'queue'),
    onPlaceOutcome: (i, outcome) => void step(i, outcome.ok ? 'accepted' : 'rejected'),
    onCommandOutcome: () => undefined,
    onSettled: () => undefined,
    onWritten: () => undefined,
  };
}

function limitIntent(tag: string): Intent {
  return {
    tag,
    accountId: 'f1',
    groupId: undefined,
    purpose: 'mirror',
    cause: 'order:1',
    contract: catalog.frontMonth('ES', clock.now()),
    side: 'buy',
    qty: 1,
    type: 'limit',
    price: 5990,
    bracket: undefined,
    leaderOrderId: '1',
    priority: PRIORITY.protective,
    status: 'planned',
    brokerOrderId: undefined,
    filledQty: 0,
    reason: undefined,
    createdAt: clock.now(),
    updatedAt: clock.now(),
  };
}

describe('dispatcher: a place waiting in its lane', () => {
  it('is written once the lane opens', async () => {
    const { exchange, account, connection } = await paperLane();
    const d = new Dispatcher(hooks(), () => String(account));
    d.addLane('c', connection);
    const intent = limitIntent('mf-sent');
    d.submit('c', { kind: 'place', intent });
    expect(intent.status).toBe('queued');
    d.setReady('c', true);
    await d.whenIdle();
    expect(exchange.openOrders(account).map((o) => `${o.side} ${o.qty} ${o.type} @ ${o.price ?? '-'} ${o.tag ?? ''}`)).toEqual(['buy 1 limit @ 5990 mf-sent']);
  });

  it('is not written when its intent was abandoned meanwhile', async () => {
    const { exchange, account, connection } = await paperLane();
    const d = new Dispatcher(hooks(), () => String(account));
    d.addLane('c', connection);
    const intent = limitIntent('mf-abandoned');
    d.submit('c', { kind: 'place', intent });
    intent.status = 'abandoned';
    d.setReady('c', true);
    await d.whenIdle();
    expect(d.pending()).toBe(0);
    expect(exchange.openOrders(account)).toEqual([]);
  });
});

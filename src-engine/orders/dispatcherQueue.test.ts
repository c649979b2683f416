/**
 * A lane's waiting work as the Connections screen shows it: how many requests wait for the
 * login's budget and since when the oldest waits, a coalesced modification keeping its first time.
 */
import { describe, expect, it } from 'vitest';
import { PaperConnection, PaperSim } from '../brokers/paper/paperBroker';
import { SimExchange } from '../brokers/simcore/exchange';
import { ScenarioClock } from '../domain/clock';
import { Catalog } from '../domain/instruments';
import { Dispatcher, type DispatchHooks } from './dispatcher';
import { PRIORITY, type Intent } from './intent';

const catalog = Catalog.load();

const hooks: DispatchHooks = {
  onSending: () => true,
  onQueued: () => undefined,
  onPlaceOutcome: () => undefined,
  onCommandOutcome: () => undefined,
  onSettled: () => undefined,
  onWritten: () => undefined,
};

function intent(clock: ScenarioClock, tag: string): Intent {
  return {
    tag,
    accountId: 'f1',
    groupId: undefined,
    purpose: 'mirror',
    cause: 'order:1',
    contract: catalog.frontMonth('ES', clock.now()),
    side: 'buy',
    qty: 1,
    type: 'market',
    price: undefined,
    bracket: undefined,
    leaderOrderId: '1',
    priority: PRIORITY.entry,
    status: 'planned',
    brokerOrderId: undefined,
    filledQty: 0,
    reason: undefined,
    createdAt: clock.now(),
    updatedAt: clock.now(),
  };
}

describe('dispatcher: the queue of a lane', () => {
  it('counts what waits and keeps the time the oldest started waiting', () => {
    const clock = new ScenarioClock(Date.parse('2026-03-02T15:30:00Z'));
    const exchange = new SimExchange(catalog, clock);
    // A lane not yet ready: nothing is sent, everything waits (the connection is never called).
    const connection = new PaperConnection({ name: 'paper', login: 'f1' }, 'secret', new PaperSim(exchange), { catalog, clock });
    // The dispatcher's own time, moved by hand (the scenario clock also moves with real time).
    let now = Date.parse('2026-03-02T15:30:00Z');
    const d = new Dispatcher(hooks, () => '1', () => now);
    d.addLane('c', connection);
    expect(d.queueOf('c')).toEqual({ queued: 0, oldestSince: undefined });

    const t0 = now;
    d.submit('c', { kind: 'modify', request: { accountId: 'f1', orderId: '9', qty: 1, type: 'limit', price: 5990 }, priority: PRIORITY.modify });
    now += 1_000;
    d.submit('c', { kind: 'place', intent: intent(clock, 'a') });
    now += 1_000;
    // The burst on order 9 is coalesced into the last modification, which waits since the first.
    d.submit('c', { kind: 'modify', request: { accountId: 'f1', orderId: '9', qty: 1, type: 'limit', price: 5995 }, priority: PRIORITY.modify });
    expect(d.queueOf('c')).toEqual({ queued: 2, oldestSince: t0 });
    expect(d.queueOf('other')).toEqual({ queued: 0, oldestSince: undefined });
    d.dispose();
    exchange.dispose();
  });
});

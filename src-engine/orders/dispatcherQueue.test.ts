/**
 * A lane's waiting work as the Connections screen shows it: how many requests wait for the
 * login's budget and since when the oldest waits, a coalesced modification keeping its first time.
 */
import { describe, expect, it } from 'vitest';
import { PaperConnection, PaperSim } from '../brokers/paper/paperBroker';
import { SimExchange } from '../brokers/simcore/exchange';
import { ScenarioClock } from '../domain/clock';
import { Dispatcher } from './dispatcher';
import { catalog, intentOf, statusHooks } from './dispatcherFixture';
import { PRIORITY } from './intent';

describe('dispatcher: the queue of a lane', () => {
  it('counts what waits and keeps the time the oldest started waiting', () => {
    const clock = new ScenarioClock(Date.parse('2026-03-02T15:30:00Z'));
    const exchange = new SimExchange(catalog, clock);
    // A lane not yet ready: nothing is sent, everything waits (the connection is never called).
    const connection = new PaperConnection({ name: 'paper', login: 'f1' }, 'secret', new PaperSim(exchange), { catalog, clock });
    // The dispatcher's own time, moved by hand (the scenario clock also moves with real time).
    let now = Date.parse('2026-03-02T15:30:00Z');
    const d = new Dispatcher(statusHooks(), () => '1', () => now);
    d.addLane('c', connection);
    expect(d.queueOf('c')).toEqual({ queued: 0, oldestSince: undefined });

    const t0 = now;
    d.submit('c', { kind: 'modify', request: { accountId: 'f1', orderId: '9', qty: 1, type: 'limit', price: 5990 }, priority: PRIORITY.modify });
    now += 1_000;
    d.submit('c', { kind: 'place', intent: intentOf({ tag: 'a', contract: catalog.frontMonth('ES', clock.now()), createdAt: clock.now(), purpose: 'mirror' }) });
    now += 1_000;
    // The burst on order 9 is coalesced into the last modification, which waits since the first.
    d.submit('c', { kind: 'modify', request: { accountId: 'f1', orderId: '9', qty: 1, type: 'limit', price: 5995 }, priority: PRIORITY.modify });
    expect(d.queueOf('c')).toEqual({ queued: 2, oldestSince: t0 });
    expect(d.queueOf('other')).toEqual({ queued: 0, oldestSince: undefined });
    d.dispose();
    exchange.dispose();
  });
});

/**
 * The dispatcher writes a place only for an intent that can still be sent: one abandoned while it
 * waited in its lane goes no further (chaos seed 157536028: a mirror re-queued by its outcome
 * lookup and abandoned by the reconcile was sent anyway, and planned again on top of it).
 * Against the paper broker over the shared matching core: the outcome is the broker's book.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SystemClock } from '../domain/clock';
import { Dispatcher } from './dispatcher';
import { catalog, intentOf, paperLane, statusHooks, type PaperLane } from './dispatcherFixture';
import { PRIORITY, type Intent } from './intent';

const clock = new SystemClock();
const lanes: PaperLane[] = [];
afterEach(async () => {
  for (const l of lanes.splice(0)) await l.stop();
});

async function lane(): Promise<PaperLane> {
  const l = await paperLane(clock);
  lanes.push(l);
  return l;
}

function limitIntent(tag: string): Intent {
  return intentOf({ tag, contract: catalog.frontMonth('ES', clock.now()), createdAt: clock.now(), type: 'limit', price: 5990, priority: PRIORITY.protective, purpose: 'mirror' });
}

describe('dispatcher: a place waiting in its lane', () => {
  it('is written once the lane opens', async () => {
    const { exchange, account, connection } = await lane();
    const d = new Dispatcher(statusHooks(), () => String(account));
    d.addLane('c', connection);
    const intent = limitIntent('mf-sent');
    d.submit('c', { kind: 'place', intent });
    expect(intent.status).toBe('queued');
    d.setReady('c', true);
    await d.whenIdle();
    expect(exchange.openOrders(account).map((o) => `${o.side} ${o.qty} ${o.type} @ ${o.price ?? '-'} ${o.tag ?? ''}`)).toEqual(['buy 1 limit @ 5990 mf-sent']);
  });

  it('is not written when its intent was abandoned meanwhile', async () => {
    const { exchange, account, connection } = await lane();
    const d = new Dispatcher(statusHooks(), () => String(account));
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

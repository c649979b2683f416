/**
 * A lane under a tight budget (copy-semantics §8a): exits go before entries across followers, but
 * never before an entry of the same follower and contract they were computed on top of; the owner
 * is told what waits; and an entry goes only while a request is left for every exit.
 * Against a paper follower whose budget is ten requests a minute: the outcome is the broker's book.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SystemClock } from '../domain/clock';
import { Dispatcher } from './dispatcher';
import { catalog, intentOf, paperLane, statusHooks, type PaperLane } from './dispatcherFixture';
import { PRIORITY, type Intent } from './intent';

const clock = new SystemClock();
const lanes: PaperLane[] = [];
const dispatchers: Dispatcher[] = [];
afterEach(async () => {
  for (const d of dispatchers.splice(0)) d.dispose();
  for (const l of lanes.splice(0)) await l.stop();
});

const ES = catalog.frontMonth('ES', clock.now());
const MES = catalog.frontMonth('MES', clock.now());

/** A ready lane with `spent` of its requests a minute (ten unless told) already used by resting protective orders. */
async function tightLane(spent: number, requestsPerMinute = 10): Promise<{ lane: PaperLane; d: Dispatcher; hooks: ReturnType<typeof statusHooks> }> {
  const lane = await paperLane(clock, { requestsPerMinute });
  lanes.push(lane);
  lane.exchange.setQuote(MES, 6000);
  const hooks = statusHooks();
  const d = new Dispatcher(hooks, () => String(lane.account), () => clock.now());
  dispatchers.push(d);
  d.addLane('c', lane.connection);
  d.setReady('c', true);
  for (let n = 0; n < spent; n++) d.submit('c', { kind: 'place', intent: intentOf({ tag: `rest-${n}`, contract: ES, createdAt: clock.now(), type: 'limit', side: 'buy', price: 5000, priority: PRIORITY.protective, purpose: 'mirror' }) });
  await d.whenIdle();
  return { lane, d, hooks };
}

function market(tag: string, contract: typeof ES, side: 'buy' | 'sell', priority: Intent['priority']): Intent {
  return intentOf({ tag, contract, side, priority, createdAt: clock.now() });
}

function marketTags(lane: PaperLane): string[] {
  return (lane.exchange.account(lane.account)?.orderLog ?? []).filter((o) => o.type === 'market').map((o) => o.tag ?? '');
}

describe('dispatcher: a tight budget', () => {
  it('sends an exit of another contract first, holds the exit computed on top of a waiting entry behind it, and says so', async () => {
    const { lane, d, hooks } = await tightLane(6);
    hooks.reserve = 100;
    d.submit('c', { kind: 'place', intent: market('entry-es', ES, 'buy', PRIORITY.entry) });
    d.submit('c', { kind: 'place', intent: market('exit-es', ES, 'sell', PRIORITY.exit) });
    d.submit('c', { kind: 'place', intent: market('exit-mes', MES, 'sell', PRIORITY.exit) });
    await hooks.answered('exit-mes');
    expect(marketTags(lane)).toEqual(['exit-mes']);
    const last = hooks.told.at(-1) ?? [];
    expect(last.map((w) => `${w.job.kind === 'place' ? w.job.intent.tag : '?'}${w.blocked ? ' (blocked)' : ''}`)).toEqual(['exit-es (blocked)', 'entry-es']);
    expect(d.queueOf('c').queued).toBe(2);
  });

  it('lets the owner decide a waiting pair afresh while it is told: what it drops is gone, what it submits goes', async () => {
    const { lane, d, hooks } = await tightLane(6);
    hooks.reserve = 100;
    hooks.whenTold = (waiting) => {
      if (!waiting.some((w) => w.blocked)) return;
      const drop = new Set(waiting.map((w) => w.job));
      for (const job of d.dropQueued((j) => drop.has(j))) if (job.kind === 'place') job.intent.status = 'abandoned';
      // Entry and exit net to nothing: one order for what is left, here a small exit.
      d.submit('c', { kind: 'place', intent: market('net-es', ES, 'sell', PRIORITY.exit) });
    };
    d.submit('c', { kind: 'place', intent: market('entry-es', ES, 'buy', PRIORITY.entry) });
    d.submit('c', { kind: 'place', intent: market('exit-es', ES, 'sell', PRIORITY.exit) });
    await d.whenIdle();
    expect(marketTags(lane)).toEqual(['net-es']);
    expect(d.pending()).toBe(0);
  });

  it('sends an entry only while a request is left for every exit, the one it opens included, and three for lookups', async () => {
    const { lane, d, hooks } = await tightLane(12, 20);
    // Eight requests left, under half the budget: the reserve is counted. 8 - 1 - 3 must exceed it.
    hooks.reserve = 4;
    const held = market('entry-1', ES, 'buy', PRIORITY.entry);
    d.submit('c', { kind: 'place', intent: held });
    expect(held.status).toBe('queued');
    expect(d.queueOf('c').queued).toBe(1);
    d.dropQueued(() => true);
    hooks.reserve = 3;
    d.submit('c', { kind: 'place', intent: market('entry-2', ES, 'buy', PRIORITY.entry) });
    await d.whenIdle();
    expect(marketTags(lane)).toEqual(['entry-2']);
  });

  it('does not count the reserve while the budget is wide', async () => {
    const { lane, d, hooks } = await tightLane(0);
    hooks.reserve = 1_000;
    d.submit('c', { kind: 'place', intent: market('entry', ES, 'buy', PRIORITY.entry) });
    await d.whenIdle();
    expect(marketTags(lane)).toEqual(['entry']);
  });
});

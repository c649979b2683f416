/**
 * What a connection's login carries and is doing now, in the words the Connections screen says it
 * (copy-semantics §8a): the broker's limits and which one decides the capacity, the requests left
 * in the window, the requests waiting and how long the oldest has waited, and a penalty wait the
 * broker imposed. Pure: the screen passes its ticking clock.
 */
import type { BrokerKind, BudgetViewDto, CapacityView, ConnectionView } from '../../src-engine/api/views';
import { clock, untilText } from './format';

/**
 * Below this many leader fills a minute copied at once, a login is shown in a warning tone. Two is
 * a calm scalper's pace (an entry and its exit inside the same minute): a login that carries fewer
 * makes the exit of a quick trade wait behind its own entry's copies, which is exactly the delay a
 * trader must know about before trading, not discover after.
 */
export const CAPACITY_WARN_BELOW = 2;

export type Tone = 'ok' | 'warn' | 'bad';

export function capacityTone(c: Pick<CapacityView, 'fillsPerMinute'>): Tone {
  return c.fillsPerMinute !== undefined && c.fillsPerMinute < CAPACITY_WARN_BELOW ? 'warn' : 'ok';
}

const BROKER_WORDS: Readonly<Record<BrokerKind, string>> = { tradovate: 'Tradovate', projectx: 'ProjectX', paper: 'Paper' };
const PER_LOGIN: Readonly<Record<BrokerKind, string>> = { tradovate: 'per login', projectx: 'per API key', paper: 'per login' };

const count = (n: number): string => n.toLocaleString('en-US');

/**
 * The broker's limit and what Mirrorfill plans on (the capacity's figures: less a margin left to
 * the trader's own platform, or under a lower limit the broker showed by refusing), and which
 * limit decides: "Tradovate allows 80 requests a minute per login; Mirrorfill plans on 72 a minute
 * and 4,500 an hour, leaving room for your own platform; the minute's limit decides".
 */
export function limitsSentence(broker: BrokerKind, c: CapacityView, b?: Pick<BudgetViewDto, 'brokerLimit' | 'learnedLimit'>): string {
  const plans = `${count(Math.round(c.perMinute))} a minute${c.perHour !== undefined ? ` and ${count(Math.round(c.perHour))} an hour` : ''}`;
  const decides = c.limitedBy === 'hour' ? "; the hour's limit decides" : c.limitedBy === 'minute' && c.perHour !== undefined ? "; the minute's limit decides" : '';
  if (b?.learnedLimit !== undefined) {
    const allows = b.brokerLimit !== undefined ? ` (it publishes ${count(b.brokerLimit)})` : '';
    return `${BROKER_WORDS[broker]} refused this login past ${count(b.learnedLimit)} requests a minute${allows}; Mirrorfill plans on ${plans}${decides}`;
  }
  if (b?.brokerLimit !== undefined) return `${BROKER_WORDS[broker]} allows ${count(b.brokerLimit)} requests a minute ${PER_LOGIN[broker]}; Mirrorfill plans on ${plans}, leaving room for your own platform${decides}`;
  return `Mirrorfill plans on ${plans} ${PER_LOGIN[broker]}${decides}`;
}

function windowWords(windowMs: number): string {
  if (windowMs === 60_000) return 'this minute';
  if (windowMs === 3_600_000) return 'this hour';
  return `in the broker's ${Math.round(windowMs / 1000)} s window`;
}

/** "62 of 80 requests left this minute" */
export function requestsLeftText(b: BudgetViewDto): string {
  return `${count(b.remaining)} of ${count(b.limit)} request${b.limit === 1 ? '' : 's'} left ${windowWords(b.windowMs)}`;
}

/** "12 s", "3 min 5 s", "1 h 2 min": a wait that ticks, so seconds show until it is long. */
export function ageText(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 === 0 ? `${m} min` : `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** "Nothing waiting" or "3 requests waiting, oldest waiting 12 s". */
export function queueText(q: ConnectionView['queue'], now: number): string {
  if (!q || q.queued === 0) return 'Nothing waiting';
  const oldest = q.oldestSince !== undefined ? `, oldest waiting ${ageText(now - q.oldestSince)}` : '';
  return `${count(q.queued)} request${q.queued === 1 ? '' : 's'} waiting${oldest}`;
}

/** "Broker asked to wait until 14:03:12 (in 41 s)", while the penalty runs; undefined otherwise. */
export function penaltyText(b: BudgetViewDto | undefined, now: number): string | undefined {
  if (b?.penaltyUntil === undefined || b.penaltyUntil <= now) return undefined;
  return `Broker asked to wait until ${clock(b.penaltyUntil)} (in ${untilText(b.penaltyUntil, now)})`;
}

export interface LoginLoad {
  /** Live: requests left, the queue, a penalty; each a short phrase. */
  readonly now: readonly string[];
  readonly tone: Tone;
}

/**
 * What the login is doing now. Undefined for a login with no limits to speak of (paper, which keeps
 * no capacity) while nothing waits and no penalty runs: there is nothing to tell.
 */
export function loginLoad(c: Pick<ConnectionView, 'budget' | 'capacity' | 'queue'>, now: number): LoginLoad | undefined {
  const penalty = penaltyText(c.budget, now);
  const queued = (c.queue?.queued ?? 0) > 0;
  if (!c.capacity && !penalty && !queued) return undefined;
  const parts: string[] = [];
  if (c.budget && c.capacity) parts.push(requestsLeftText(c.budget));
  parts.push(queueText(c.queue, now));
  if (penalty) parts.push(penalty);
  const low = c.budget !== undefined && c.budget.limit > 0 && c.budget.remaining / c.budget.limit < 0.2;
  return { now: parts, tone: penalty ? 'bad' : queued || low ? 'warn' : 'ok' };
}

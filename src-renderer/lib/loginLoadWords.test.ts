import { describe, expect, it } from 'vitest';
import type { CapacityView } from '../../src-engine/api/views';
import { ageText, capacityTone, limitsSentence, loginLoad, penaltyText, queueText, requestsLeftText } from './loginLoadWords';

const tradovate20: CapacityView = { followers: 20, perMinute: 80, perHour: 5_000, fillsPerMinute: 4, limitedBy: 'minute' };
// Local wall-clock times, so the expected "14:03:12" holds in any time zone.
const at = (h: number, m: number, s: number): number => new Date(2026, 11, 7, h, m, s).getTime();

describe('a login\'s limits and which one decides', () => {
  it('names the broker\'s limit per login, what Mirrorfill plans on, and the deciding limit', () => {
    const planned: CapacityView = { followers: 20, perMinute: 72, perHour: 4_500, fillsPerMinute: 3, limitedBy: 'minute' };
    expect(limitsSentence('tradovate', planned, { brokerLimit: 80 })).toBe("Tradovate allows 80 requests a minute per login; Mirrorfill plans on 72 a minute and 4,500 an hour, leaving room for your own platform; the minute's limit decides");
    expect(limitsSentence('tradovate', { ...planned, perHour: 1_200, limitedBy: 'hour' }, { brokerLimit: 80 })).toContain("and 1,200 an hour, leaving room for your own platform; the hour's limit decides");
    // One limit only: nothing to choose between.
    expect(limitsSentence('projectx', { followers: 2, perMinute: 180, fillsPerMinute: 90, limitedBy: 'minute' }, { brokerLimit: 200 })).toBe('ProjectX allows 200 requests a minute per API key; Mirrorfill plans on 180 a minute, leaving room for your own platform');
    // A lower limit the broker showed by refusing.
    expect(limitsSentence('tradovate', { ...planned, perMinute: 54 }, { brokerLimit: 80, learnedLimit: 60 })).toBe("Tradovate refused this login past 60 requests a minute (it publishes 80); Mirrorfill plans on 54 a minute and 4,500 an hour; the minute's limit decides");
    // Not connected yet: no running budget, only the planned figures.
    expect(limitsSentence('projectx', { followers: 2, perMinute: 180, fillsPerMinute: 90, limitedBy: 'minute' })).toBe('Mirrorfill plans on 180 a minute per API key');
  });

  it('warns below two leader fills a minute copied at once, not at two', () => {
    expect(capacityTone({ fillsPerMinute: 0 })).toBe('warn');
    expect(capacityTone({ fillsPerMinute: 1 })).toBe('warn');
    expect(capacityTone({ fillsPerMinute: 2 })).toBe('ok');
    expect(capacityTone({ fillsPerMinute: undefined })).toBe('ok');
  });
});

describe('what a login is doing now', () => {
  it('says the requests left in the broker\'s window', () => {
    expect(requestsLeftText({ limit: 80, remaining: 62, windowMs: 60_000 })).toBe('62 of 80 requests left this minute');
    expect(requestsLeftText({ limit: 5_000, remaining: 4_100, windowMs: 3_600_000 })).toBe('4,100 of 5,000 requests left this hour');
    expect(requestsLeftText({ limit: 10, remaining: 3, windowMs: 10_000 })).toBe("3 of 10 requests left in the broker's 10 s window");
  });

  it('says the queue and how long its oldest request has waited, ticking with the clock', () => {
    const since = at(14, 0, 0);
    expect(queueText({ queued: 0 }, since)).toBe('Nothing waiting');
    expect(queueText(undefined, since)).toBe('Nothing waiting');
    expect(queueText({ queued: 1, oldestSince: since }, since + 12_400)).toBe('1 request waiting, oldest waiting 12 s');
    expect(queueText({ queued: 6, oldestSince: since }, since + 13_000)).toBe('6 requests waiting, oldest waiting 13 s');
    expect(ageText(125_000)).toBe('2 min 5 s');
    expect(ageText(120_000)).toBe('2 min');
    expect(ageText(3_720_000)).toBe('1 h 2 min');
  });

  it('says a penalty wait only while it runs', () => {
    const until = at(14, 3, 12);
    expect(penaltyText({ limit: 80, remaining: 0, windowMs: 60_000, penaltyUntil: until }, until - 41_000)).toBe('Broker asked to wait until 14:03:12 (in 41 s)');
    expect(penaltyText({ limit: 80, remaining: 0, windowMs: 60_000, penaltyUntil: until }, until)).toBeUndefined();
    expect(penaltyText({ limit: 80, remaining: 0, windowMs: 60_000 }, until)).toBeUndefined();
  });

  it('puts the live parts together, in a tone that says how tight it is', () => {
    const now = at(14, 0, 30);
    expect(loginLoad({ budget: { limit: 80, remaining: 62, windowMs: 60_000 }, capacity: tradovate20, queue: { queued: 0 } }, now)).toEqual({ now: ['62 of 80 requests left this minute', 'Nothing waiting'], tone: 'ok' });
    expect(loginLoad({ budget: { limit: 80, remaining: 0, windowMs: 60_000, penaltyUntil: now + 41_000 }, capacity: tradovate20, queue: { queued: 3, oldestSince: now - 12_000 } }, now)).toEqual({
      now: ['0 of 80 requests left this minute', '3 requests waiting, oldest waiting 12 s', `Broker asked to wait until ${new Date(now + 41_000).toTimeString().slice(0, 8)} (in 41 s)`],
      tone: 'bad',
    });
    expect(loginLoad({ budget: { limit: 80, remaining: 5, windowMs: 60_000 }, capacity: tradovate20, queue: { queued: 0 } }, now)?.tone).toBe('warn');
  });

  it('says nothing for paper, which has no limits, unless something waits', () => {
    const now = at(14, 0, 30);
    expect(loginLoad({ budget: { limit: 6_000, remaining: 6_000, windowMs: 60_000 }, capacity: undefined, queue: { queued: 0 } }, now)).toBeUndefined();
    expect(loginLoad({ budget: { limit: 6_000, remaining: 5_990, windowMs: 60_000 }, capacity: undefined, queue: { queued: 2, oldestSince: now - 1_000 } }, now)).toEqual({ now: ['2 requests waiting, oldest waiting 1 s'], tone: 'warn' });
  });
});

import { describe, expect, it } from 'vitest';
import { ManualClock } from '../domain/clockFixture';
import { RequestBudget } from './requestBudget';

function spend(budget: RequestBudget, n: number): void {
  for (let i = 0; i < n; i++) budget.record();
}

describe('request budget', () => {
  it('counts requests in a sliding minute and plans against the figure less its margin', () => {
    const clock = new ManualClock();
    const budget = new RequestBudget(clock, { perMinute: 80 });
    expect(budget.view()).toEqual({ limit: 72, remaining: 72, windowMs: 60_000, brokerLimit: 80 });
    spend(budget, 30);
    clock.t += 30_000;
    spend(budget, 40);
    expect(budget.view().remaining).toBe(2);
    spend(budget, 2);
    expect(budget.view().remaining).toBe(0);
    clock.t += 30_000;
    expect(budget.view().remaining).toBe(30);
  });

  it('counts an announced request at once, once: settled by its record, withdrawn when the call ends without one', async () => {
    const clock = new ManualClock();
    const budget = new RequestBudget(clock, { perMinute: 80 });
    const seen: number[] = [];
    await budget.announced(() => {
      seen.push(budget.view().remaining);
      budget.record();
      seen.push(budget.view().remaining);
      return Promise.resolve();
    });
    seen.push(budget.view().remaining);
    // Refused before it was written: nothing stays counted.
    await budget.announced(() => {
      seen.push(budget.view().remaining);
      return Promise.resolve();
    });
    seen.push(budget.view().remaining);
    expect(seen).toEqual([71, 71, 71, 70, 71]);
  });

  it('says how long a lookup waits for room: none while there is some, else until the oldest request leaves', () => {
    const clock = new ManualClock();
    const budget = new RequestBudget(clock, { perMinute: 80 });
    spend(budget, 40);
    clock.t += 20_000;
    expect(budget.msUntilRoom()).toBe(0);
    spend(budget, 32);
    expect(budget.msUntilRoom()).toBe(40_000);
    clock.t += 40_000;
    expect(budget.msUntilRoom()).toBe(0);
  });

  it('keeps the hour too: a minute with room is no use once the hour is spent', () => {
    const clock = new ManualClock();
    const budget = new RequestBudget(clock, { perMinute: 80, perHour: 200 });
    for (let m = 0; m < 3; m++) {
      spend(budget, 60);
      clock.t += 60_000;
    }
    // 180 of the hour's usable 180 (200 less 10 %): nothing left although the minute is empty.
    expect(budget.view().remaining).toBe(0);
    clock.t += 57 * 60_000 + 1;
    expect(budget.view().remaining).toBe(60);
  });

  it('learns a lower limit from a refusal and never raises it again', () => {
    const clock = new ManualClock();
    const budget = new RequestBudget(clock, { perMinute: 80 });
    spend(budget, 50);
    budget.refusedOverLimit(clock.t + 5_000);
    const v = budget.view();
    expect(v.learnedLimit).toBe(50);
    expect(v.limit).toBe(45);
    expect(v.remaining).toBe(0);
    expect(v.penaltyUntil).toBe(clock.t + 5_000);
    clock.t += 60_001;
    spend(budget, 70);
    budget.refusedOverLimit(clock.t + 1_000);
    expect(budget.view().learnedLimit).toBe(50);
    expect(budget.view().penaltyUntil).toBe(clock.t + 1_000);
  });

  it('does not learn from a refusal far below the figure (another client spent the login), but honours it', () => {
    const clock = new ManualClock();
    const budget = new RequestBudget(clock, { perMinute: 80 });
    spend(budget, 39);
    budget.refusedOverLimit(clock.t + 1_000);
    expect(budget.view()).toEqual({ limit: 72, remaining: 33, windowMs: 60_000, brokerLimit: 80, penaltyUntil: clock.t + 1_000 });
  });

  it('a penalty never shortens a longer one, and ends by itself', () => {
    const clock = new ManualClock();
    const budget = new RequestBudget(clock, { perMinute: 200 });
    budget.penalise(clock.t + 10_000);
    budget.penalise(clock.t + 1_000);
    expect(budget.penaltyUntil()).toBe(clock.t + 10_000);
    clock.t += 10_000;
    expect(budget.penaltyUntil()).toBeUndefined();
  });
});

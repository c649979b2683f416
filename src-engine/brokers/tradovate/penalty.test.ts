import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../domain/clockFixture';
import { BrokerError } from './brokerError';
import { DEFAULT_PENALTY_POLICY, sendHonouringPenalties, waitForRoom, type PenaltyContext } from './penalty';
import type { RequestBudget } from '../requestBudget';
import { tradovateBudget } from './requestBudget';

function context(clock: ManualClock, budget: RequestBudget, onSleep: (ms: number) => void = () => undefined): PenaltyContext {
  return {
    budget,
    clock,
    policy: DEFAULT_PENALTY_POLICY,
    sleep: (ms) => {
      onSleep(ms);
      clock.t += ms;
      return Promise.resolve();
    },
  };
}

describe('penalty tickets', () => {
  it('waits p-time with penaltyUntil shown, then resends once with the ticket', async () => {
    const clock = new ManualClock();
    const budget = tradovateBudget(clock);
    const seen: (string | undefined)[] = [];
    const during: (number | undefined)[] = [];
    const answers = [{ 'p-ticket': 'T1', 'p-time': 2 }, { orderId: 5 }];
    const ctx = context(clock, budget, () => during.push(budget.view().penaltyUntil));
    const result = await sendHonouringPenalties(
      ctx,
      (ticket) => {
        seen.push(ticket);
        return Promise.resolve(answers.shift());
      },
      (a) => a,
    );
    expect(result).toEqual({ orderId: 5 });
    expect(seen).toEqual([undefined, 'T1']);
    expect(during).toEqual([1_002_000]);
    expect(budget.view().penaltyUntil).toBeUndefined();
  });

  it('gives up with transient + retryAt on a long penalty, and permanently on a captcha', async () => {
    const clock = new ManualClock();
    const ctx = context(clock, tradovateBudget(clock));
    const long = sendHonouringPenalties(ctx, () => Promise.resolve({ 'p-ticket': 'T', 'p-time': 3600 }), (a) => a);
    await expect(long).rejects.toMatchObject({ outcome: 'transient', retryAt: 1_000_000 + 3_600_000 });
    // The hour-long penalty now blocks this login's requests before they are sent.
    await expect(sendHonouringPenalties(ctx, () => Promise.resolve({ ok: 1 }), (a) => a)).rejects.toMatchObject({ outcome: 'transient' });
    const captcha = sendHonouringPenalties(context(clock, tradovateBudget(clock)), () => Promise.resolve({ 'p-ticket': 'T', 'p-time': 1, 'p-captcha': true }), (a) => a);
    await expect(captcha).rejects.toBeInstanceOf(BrokerError);
    await expect(captcha).rejects.toMatchObject({ outcome: 'permanent' });
  });

  it('holds a new request until an announced penalty is over', async () => {
    const clock = new ManualClock();
    const budget = tradovateBudget(clock);
    budget.penalise(clock.t + 500);
    const slept: number[] = [];
    await sendHonouringPenalties(context(clock, budget, (ms) => slept.push(ms)), () => Promise.resolve({ ok: 1 }), (a) => a);
    expect(slept).toHaveLength(1);
    expect(slept[0]).toBeGreaterThanOrEqual(500);
  });
});

describe('a lookup when the budget is spent', () => {
  it('waits until a request leaves the minute, and gives up as transient past the policy\'s longest wait', async () => {
    const clock = new ManualClock();
    const budget = tradovateBudget(clock);
    for (let i = 0; i < 72; i++) budget.record();
    const slept: number[] = [];
    await waitForRoom(context(clock, budget, (ms) => slept.push(ms)));
    expect(slept).toEqual([60_000]);
    for (let i = 0; i < 72; i++) budget.record();
    const impatient: PenaltyContext = { ...context(clock, budget), policy: { ...DEFAULT_PENALTY_POLICY, maxWaitMs: 1_000 } };
    await expect(waitForRoom(impatient)).rejects.toMatchObject({ outcome: 'transient' });
  });
});

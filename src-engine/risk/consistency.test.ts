import { describe, expect, it } from 'vitest';
import { compileRules, consistencyThreshold } from './rules';
import { usd } from './testSupport';

const rule = (basis: 'profitTarget' | 'totalProfit' | 'winningDays', maxDayShare = 0.5) => {
  const c = compileRules({ consistency: { profitTarget: 600, maxDayShare, basis } }).consistency;
  if (!c) throw new Error('no rule');
  return c;
};
const figures = (priorProfit: number, priorWinningDays: number) => ({ dayPnl: usd(0), netLiq: usd(0), highWaterMark: usd(0), priorProfit: usd(priorProfit), priorWinningDays: usd(priorWinningDays) });

describe('consistency threshold by the firm’s formula', () => {
  it('profitTarget: a day capped at the share of the target, whatever the history', () => {
    expect(consistencyThreshold(rule('profitTarget'), figures(400, 500))).toBe(usd(300));
  });

  it('totalProfit: today stays under the share of the total, today included', () => {
    // 0.5 × 400 ÷ 0.5 = 400: a $400 day on $400 before is exactly half of $800.
    expect(consistencyThreshold(rule('totalProfit'), figures(400, 500))).toBe(usd(400));
    // 0.4 × 1000 ÷ 0.6 = 666.666…, rounded up to the Money unit.
    expect(consistencyThreshold(rule('totalProfit', 0.4), figures(1000, 0))).toBe(usd(666.6667));
  });

  it('winningDays: the share of the winning days, losing days left out', () => {
    expect(consistencyThreshold(rule('winningDays'), figures(400, 500))).toBe(usd(500));
  });

  it('never below the target cap: early on, or after losses, the target decides', () => {
    expect(consistencyThreshold(rule('totalProfit'), figures(100, 500))).toBe(usd(300));
    expect(consistencyThreshold(rule('totalProfit'), figures(-250, 0))).toBe(usd(300));
    expect(consistencyThreshold(rule('winningDays'), figures(0, 0))).toBe(usd(300));
    // A share of 1 puts no cap on the history.
    expect(consistencyThreshold(rule('winningDays', 1), figures(0, 5000))).toBe(usd(600));
  });
});

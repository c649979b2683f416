import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Refusal } from '../domain/refusal';
import { openDatabase, type Db } from '../store/db';
import { SqliteRiskStore } from '../store/riskRepository';
import { ESH6, harness, NQH6, ROLL_MONDAY, T0, usd, type Harness } from './testSupport';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

function track(h: Harness): Harness {
  cleanups.push(() => h.engine.dispose());
  return h;
}

/** Long `qty` ES at `price` with a quote there, on a connected account. */
function longES(h: Harness, account: string, qty: number, price: number): void {
  h.engine.onQuote(ESH6, price, h.clock.now());
  h.engine.onFill(account, h.fill('buy', qty, price));
}

describe('dailyLoss', () => {
  it('breaches exactly at the limit, not one tick before, and locks once', () => {
    const h = track(harness());
    h.connect('f1', { dailyLoss: 500 });
    longES(h, 'f1', 2, 6000);
    h.engine.onQuote(ESH6, 5996, h.clock.now());
    expect(h.engine.numbers('f1').dayPnl).toBe(usd(-400));
    h.engine.onQuote(ESH6, 5995.25, h.clock.now()); // one tick before: −$475
    expect(h.engine.numbers('f1').dayPnl).toBe(usd(-475));
    expect(h.of('lockStarted')).toHaveLength(0);
    expect(h.engine.gate('f1').hardLocked).toBe(false);

    h.engine.onQuote(ESH6, 5995, h.clock.now()); // −$500 ≤ −$500
    const started = h.of('lockStarted');
    expect(started).toHaveLength(1);
    expect(started[0]?.flatten).toBe(true);
    expect(started[0]?.lock).toMatchObject({ accountId: 'f1', kind: 'breach', rule: 'dailyLoss', tradingDay: '2026-03-02' });
    expect(started[0]?.lock.evidence).toMatchObject({ threshold: usd(-500), value: usd(-500) });
    expect(started[0]?.lock.evidence.values).toMatchObject({ dayPnl: usd(-500), netLiq: usd(49_500), dayStartNetLiq: usd(50_000) });
    expect(started[0]?.lock.evidence.fills).toHaveLength(1);
    expect(started[0]?.lock.evidence.pnlPath.at(-1)).toMatchObject({ dayPnl: usd(-500) });
    expect(h.engine.gate('f1')).toEqual({ hardLocked: true, entryGate: undefined, maxContracts: undefined });

    // Further losses: still one open lock.
    h.engine.onQuote(ESH6, 5990, h.clock.now());
    expect(h.of('lockStarted')).toHaveLength(1);
    expect(h.engine.openLocks('f1')).toHaveLength(1);
  });

  it('refuses unlock with the numbers until the 17:00 CT roll, then records the acknowledgement', () => {
    const h = track(harness());
    h.connect('f1', { dailyLoss: 500 });
    longES(h, 'f1', 2, 6000);
    h.engine.onQuote(ESH6, 5995, h.clock.now());
    const lock = h.of('lockStarted')[0]?.lock;
    // The runtime flattens at 5995: the loss is realized.
    h.engine.onFill('f1', h.fill('sell', 2, 5995));
    expect(h.engine.numbers('f1')).toMatchObject({ dayPnl: usd(-500), netLiq: usd(49_500), openContracts: 0 });

    const refused = h.engine.unlock('f1', 'f1');
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.message).toContain('dailyLoss');
    expect(refused.message).toContain('-$500.00');
    expect(refused.message).toContain('2026-03-02 17:00 CT');
    expect(h.engine.gate('f1').hardLocked).toBe(true);

    h.clock.advanceTo(ROLL_MONDAY);
    // A breach never lifts by itself.
    expect(h.engine.gate('f1').hardLocked).toBe(true);
    expect(h.of('lockEnded')).toHaveLength(0);
    expect(h.engine.numbers('f1').dayPnl).toBe(usd(0));
    expect(h.engine.view('f1').tradingDay).toBe('2026-03-03');

    const ok = h.engine.unlock('f1', '  f1  ');
    expect(ok.ok).toBe(true);
    expect(h.engine.gate('f1').hardLocked).toBe(false);
    const ended = h.engine.lock(lock?.id ?? '');
    expect(ended).toMatchObject({ endReason: 'unlocked', acknowledgement: 'f1' });
    expect(ended?.endedAt).toBeGreaterThanOrEqual(ROLL_MONDAY);
    expect(h.of('lockEnded')).toHaveLength(1);
    expect(h.engine.locks({ accountId: 'f1', open: false })).toHaveLength(1);
  });

  it('refuses an empty acknowledgement and an unknown lock id', () => {
    const h = track(harness());
    h.connect('f1', { dailyLoss: 500 });
    expect(h.engine.unlock('f1', 'f1')).toEqual({ ok: false, message: 'account f1 has no open lock' });
    longES(h, 'f1', 1, 6000);
    h.engine.onQuote(ESH6, 5990, h.clock.now());
    expect(h.engine.unlock('f1', '   ')).toMatchObject({ ok: false, message: expect.stringContaining('acknowledgement') as unknown });
    expect(h.engine.unlock('f1', 'f1', 'nope')).toMatchObject({ ok: false, message: expect.stringContaining('no open lock nope') as unknown });
  });

  it('a rule change lets the user unlock before the roll', () => {
    const h = track(harness());
    h.connect('f1', { dailyLoss: 500 });
    longES(h, 'f1', 2, 6000);
    h.engine.onQuote(ESH6, 5995, h.clock.now());
    h.engine.onFill('f1', h.fill('sell', 2, 5995));
    h.engine.setAccount('f1', { dailyLoss: 1000 });
    expect(h.engine.gate('f1').hardLocked).toBe(true); // still locked until the user unlocks
    expect(h.engine.unlock('f1', 'f1').ok).toBe(true);
  });
});

describe('trailingDrawdown', () => {
  it('intraday: follows the high-water mark and breaches on touch', () => {
    const h = track(harness());
    h.connect('f1', { trailingDrawdown: { amount: 1000, mode: 'intraday' } });
    longES(h, 'f1', 1, 6000);
    h.engine.onQuote(ESH6, 6010, h.clock.now());
    expect(h.engine.numbers('f1')).toMatchObject({ netLiq: usd(50_500), highWaterMark: usd(50_500), trailingThreshold: usd(49_500) });
    h.engine.onQuote(ESH6, 5991, h.clock.now());
    expect(h.engine.numbers('f1').netLiq).toBe(usd(49_550));
    expect(h.of('lockStarted')).toHaveLength(0);
    h.engine.onQuote(ESH6, 5990, h.clock.now());
    const lock = h.of('lockStarted')[0]?.lock;
    expect(lock).toMatchObject({ kind: 'breach', rule: 'trailingDrawdown' });
    expect(lock?.evidence).toMatchObject({ threshold: usd(49_500), value: usd(49_500) });
    expect(lock?.evidence.values.highWaterMark).toBe(usd(50_500));

    // Never resets by itself, not even at the roll.
    h.engine.onFill('f1', h.fill('sell', 1, 5990));
    h.clock.advanceTo(ROLL_MONDAY + 1000);
    const r = h.engine.unlock('f1', 'f1');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/trailingDrawdown still breached: net liquidation \$49,500\.00 ≤ \$49,500\.00.*never resets by itself/);
  });

  it('stops rising at stopAt', () => {
    const h = track(harness());
    h.connect('f1', { trailingDrawdown: { amount: 1000, mode: 'intraday', stopAt: 50_100 } });
    longES(h, 'f1', 1, 6000);
    h.engine.onQuote(ESH6, 6030, h.clock.now()); // HWM 51,500 → HWM − amount 50,500, capped at 50,100
    expect(h.engine.numbers('f1')).toMatchObject({ highWaterMark: usd(51_500), trailingThreshold: usd(50_100) });
    h.engine.onQuote(ESH6, 6002.25, h.clock.now()); // 50,112.50: above
    expect(h.of('lockStarted')).toHaveLength(0);
    h.engine.onQuote(ESH6, 6002, h.clock.now()); // 50,100: touch
    expect(h.of('lockStarted')[0]?.lock.rule).toBe('trailingDrawdown');
  });

  it('endOfDay: the high-water mark moves only at the roll, from the closing net liq', () => {
    const h = track(harness());
    h.connect('f1', { trailingDrawdown: { amount: 1000, mode: 'endOfDay' } });
    longES(h, 'f1', 1, 6000);
    h.engine.onQuote(ESH6, 6030, h.clock.now()); // +1,500 intraday: no effect on the HWM
    expect(h.engine.numbers('f1')).toMatchObject({ highWaterMark: usd(50_000), trailingThreshold: usd(49_000) });
    h.engine.onQuote(ESH6, 6010, h.clock.now()); // closes the day at 50,500
    h.clock.advanceTo(ROLL_MONDAY);
    expect(h.engine.numbers('f1')).toMatchObject({ highWaterMark: usd(50_500), trailingThreshold: usd(49_500), dayPnl: usd(0) });
    h.engine.onQuote(ESH6, 5990.25, h.clock.now()); // 49,512.50
    expect(h.of('lockStarted')).toHaveLength(0);
    h.engine.onQuote(ESH6, 5990, h.clock.now());
    expect(h.of('lockStarted')[0]?.lock.rule).toBe('trailingDrawdown');
  });
});

describe('soft locks', () => {
  it('consistency: soft at maxDayShare × profitTarget, entries blocked, lifts at the roll', () => {
    const h = track(harness());
    h.connect('f1', { consistency: { profitTarget: 3000, maxDayShare: 0.3 } });
    longES(h, 'f1', 2, 6000);
    h.engine.onQuote(ESH6, 6008.75, h.clock.now()); // +875
    expect(h.of('lockStarted')).toHaveLength(0);
    h.engine.onQuote(ESH6, 6009, h.clock.now()); // +900
    const started = h.of('lockStarted');
    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject({ flatten: false, lock: { kind: 'soft', rule: 'consistency' } });
    expect(started[0]?.lock.evidence.threshold).toBe(usd(900));
    expect(h.engine.gate('f1')).toMatchObject({ hardLocked: false, entryGate: 'softLock' });

    // Unlock refused while it still holds.
    const r = h.engine.unlock('f1', 'f1');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain('consistency still reached');

    h.engine.onFill('f1', h.fill('sell', 2, 6009)); // exits still happen
    h.clock.advanceTo(ROLL_MONDAY);
    const ended = h.of('lockEnded');
    expect(ended).toHaveLength(1);
    expect(ended[0]?.lock).toMatchObject({ rule: 'consistency', endReason: 'dayRoll' });
    expect(h.engine.gate('f1').entryGate).toBeUndefined();
    expect(h.engine.openLocks('f1')).toHaveLength(0);
  });

  it('dailyProfitTarget: soft exactly at the target; unlock accepted once below it', () => {
    const h = track(harness());
    h.connect('f1', { dailyProfitTarget: 500 });
    longES(h, 'f1', 1, 6000);
    h.engine.onQuote(ESH6, 6009.75, h.clock.now()); // +487.50
    expect(h.of('lockStarted')).toHaveLength(0);
    h.engine.onQuote(ESH6, 6010, h.clock.now()); // +500
    expect(h.of('lockStarted')[0]?.lock).toMatchObject({ kind: 'soft', rule: 'dailyProfitTarget' });
    h.engine.onQuote(ESH6, 6005, h.clock.now()); // gave back to +250
    expect(h.engine.unlock('f1', 'f1').ok).toBe(true);
    expect(h.engine.gate('f1').entryGate).toBeUndefined();
    // Reaching it again starts a new lock.
    h.engine.onQuote(ESH6, 6010, h.clock.now());
    expect(h.of('lockStarted')).toHaveLength(2);
  });

  it('session: flattens and soft-locks at HH:MM Chicago, lifts at the roll', () => {
    const h = track(harness());
    h.connect('f1', { session: { flattenAt: '15:10' } });
    longES(h, 'f1', 1, 6000);
    h.clock.advanceTo(Date.parse('2026-03-02T15:09:00-06:00'));
    expect(h.of('lockStarted')).toHaveLength(0);
    h.clock.advanceTo(Date.parse('2026-03-02T15:10:00-06:00'));
    const started = h.of('lockStarted');
    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject({ flatten: true, lock: { kind: 'soft', rule: 'session' } });
    expect(h.engine.gate('f1').entryGate).toBe('softLock');
    const r = h.engine.unlock('f1', 'f1');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain('15:10');

    h.clock.advanceTo(ROLL_MONDAY);
    expect(h.of('lockEnded')[0]?.lock).toMatchObject({ rule: 'session', endReason: 'dayRoll' });
    // And it fires again the next day.
    h.clock.advanceTo(Date.parse('2026-03-03T15:10:00-06:00'));
    expect(h.of('lockStarted')).toHaveLength(2);
    expect(h.of('lockStarted')[1]?.lock.tradingDay).toBe('2026-03-03');
  });
});

describe('day roll', () => {
  it('carries an open position\'s unrealized PnL into the new day\'s start', () => {
    const h = track(harness());
    h.connect('f1', { dailyLoss: 500 });
    longES(h, 'f1', 1, 6000);
    h.engine.onQuote(ESH6, 6010, h.clock.now()); // +500 open at the close
    expect(h.engine.numbers('f1').dayPnl).toBe(usd(500));
    h.clock.advanceTo(ROLL_MONDAY);
    expect(h.engine.view('f1')).toMatchObject({ tradingDay: '2026-03-03', dayStartNetLiq: usd(50_500), dayPnl: usd(0) });
    h.engine.onQuote(ESH6, 6000, h.clock.now());
    expect(h.engine.numbers('f1').dayPnl).toBe(usd(-500)); // back to the entry: a −$500 day
    expect(h.of('lockStarted')[0]?.lock).toMatchObject({ rule: 'dailyLoss', tradingDay: '2026-03-03' });
    // The new day's evidence starts at the roll.
    expect(h.of('lockStarted')[0]?.lock.evidence.fills).toHaveLength(0);
    expect(h.of('lockStarted')[0]?.lock.evidence.pnlPath[0]).toMatchObject({ dayPnl: usd(0), netLiq: usd(50_500) });
  });

  it('a jump over several rolls lands on the right day', () => {
    const h = track(harness());
    h.connect('f1', { dailyLoss: 500 });
    h.clock.advanceTo(Date.parse('2026-03-05T12:00:00-06:00'));
    expect(h.engine.view('f1').tradingDay).toBe('2026-03-05');
    expect(h.engine.view('f1').nextRollAt).toBe(Date.parse('2026-03-05T17:00:00-06:00'));
  });
});

describe('fail closed: riskUnknown', () => {
  it('an account with a PnL rule is unknown until snapshot + connection, and while a held contract has no price', () => {
    const h = track(harness());
    h.engine.setAccount('f1', { dailyLoss: 500 });
    expect(h.engine.gate('f1').entryGate).toBe('riskUnknown');
    expect(h.of('riskUnknown').at(-1)).toMatchObject({ unknown: true, reason: expect.stringContaining('snapshot') as unknown });
    h.engine.rebase('f1', { balance: usd(50_000), positions: [], fills: [] });
    expect(h.engine.gate('f1').entryGate).toBe('riskUnknown'); // not connected yet
    h.engine.setConnected('f1', true);
    expect(h.engine.gate('f1').entryGate).toBeUndefined();
    expect(h.of('riskUnknown').at(-1)).toMatchObject({ unknown: false });

    h.engine.onFill('f1', h.fill('buy', 1, 21_000, NQH6)); // no NQ quote yet
    expect(h.engine.gate('f1').entryGate).toBe('riskUnknown');
    expect(h.engine.view('f1').riskUnknown).toContain('NQ:202603');
    h.engine.onQuote(NQH6, 21_001, h.clock.now());
    expect(h.engine.gate('f1').entryGate).toBeUndefined();
    expect(h.engine.numbers('f1').dayPnl).toBe(usd(20));

    h.engine.setConnected('f1', false);
    expect(h.engine.gate('f1').entryGate).toBe('riskUnknown');
    expect(h.of('riskUnknown').at(-1)).toMatchObject({ unknown: true, reason: 'broker connection down' });
    // While disconnected nothing is evaluated from stale positions.
    h.engine.onQuote(NQH6, 20_000, h.clock.now());
    expect(h.of('lockStarted')).toHaveLength(0);
    h.engine.rebase('f1', { balance: usd(50_000), positions: [{ contract: NQH6, netPos: 1, avgPrice: 21_000 }], fills: [] });
    h.engine.setConnected('f1', true);
    expect(h.of('lockStarted')[0]?.lock.rule).toBe('dailyLoss'); // −$20,000: evaluated on reconnect
  });

  it('accounts without PnL rules are never riskUnknown; maxContracts is in the gate', () => {
    const h = track(harness());
    h.engine.setAccount('f1', { maxContracts: 3 });
    expect(h.engine.gate('f1')).toEqual({ hardLocked: false, entryGate: undefined, maxContracts: 3 });
    h.engine.setConnected('f1', false);
    h.engine.rebase('f1', { balance: usd(100_000), positions: [{ contract: ESH6, netPos: 2, avgPrice: 6000 }], fills: [] });
    expect(h.engine.gate('f1').entryGate).toBeUndefined();
    expect(h.of('riskUnknown')).toHaveLength(0);
    expect(h.engine.view('f1').gauges.find((g) => g.rule === 'maxContracts')).toMatchObject({ value: 2, limit: 3 });
  });

  it('gate() returns the same object until something changes (no allocation on the hot path)', () => {
    const h = track(harness());
    h.connect('f1', { dailyLoss: 500 });
    const g1 = h.engine.gate('f1');
    h.engine.onQuote(ESH6, 6000, h.clock.now());
    expect(h.engine.gate('f1')).toBe(g1);
    expect(h.engine.gate('nobody')).toEqual({ hardLocked: false, entryGate: undefined, maxContracts: undefined });
  });
});

describe('fills and snapshots', () => {
  it('dedupes fills by id', () => {
    const h = track(harness());
    h.connect('f1', { dailyLoss: 500 });
    h.engine.onQuote(ESH6, 6000, h.clock.now());
    const f = h.fill('buy', 1, 6000);
    h.engine.onFill('f1', f);
    h.engine.onFill('f1', f);
    expect(h.engine.numbers('f1').openContracts).toBe(1);
  });

  it('an account first seen mid-day starts its day at the balance minus what today\'s fills realized', () => {
    const h = track(harness());
    h.engine.setAccount('f1', { dailyLoss: 500 });
    const at = h.clock.now() - 60_000;
    h.engine.rebase('f1', {
      balance: usd(49_700), // already contains the −$300 below
      positions: [],
      fills: [
        { fillId: 'b1', contract: ESH6, side: 'buy', qty: 1, price: 6000, time: at },
        { fillId: 's1', contract: ESH6, side: 'sell', qty: 1, price: 5994, time: at + 1 },
      ],
    });
    h.engine.setConnected('f1', true);
    expect(h.engine.view('f1')).toMatchObject({ dayStartNetLiq: usd(50_000), dayPnl: usd(-300), highWaterMark: usd(49_700) });
    // A replay of those fills by the broker is not counted twice.
    h.engine.onFill('f1', { fillId: 's1', contract: ESH6, side: 'sell', qty: 1, price: 5994, time: at + 1 });
    expect(h.engine.numbers('f1').dayPnl).toBe(usd(-300));
  });

  it('a re-base replaces cash and positions (no double counting of a balance update)', () => {
    const h = track(harness());
    h.connect('f1', { dailyLoss: 1000 });
    longES(h, 'f1', 1, 6000);
    const sell = h.fill('sell', 1, 6004);
    h.engine.onFill('f1', sell);
    expect(h.engine.numbers('f1').dayPnl).toBe(usd(200));
    // Reconnect: the broker's balance has the same +$200; the fill is in its list.
    h.engine.setConnected('f1', false);
    h.engine.rebase('f1', { balance: usd(50_200), positions: [], fills: [sell] });
    h.engine.setConnected('f1', true);
    expect(h.engine.numbers('f1')).toMatchObject({ dayPnl: usd(200), netLiq: usd(50_200) });
  });

  it('a snapshot position without an average price fails closed', () => {
    const h = track(harness());
    h.engine.setAccount('f1', { dailyLoss: 500 });
    h.engine.onQuote(ESH6, 6000, h.clock.now());
    h.engine.rebase('f1', { balance: usd(50_000), positions: [{ contract: ESH6, netPos: 1 }], fills: [] });
    h.engine.setConnected('f1', true);
    expect(h.engine.gate('f1').entryGate).toBe('riskUnknown');
    expect(h.engine.view('f1').riskUnknown).toContain('ES:202603');
  });
});

describe('actions', () => {
  it('handles a flatten fill delivered from inside onAction, in order', () => {
    // The runtime's flatten fills synchronously, re-entering the engine from its own action.
    const h = track(
      harness({
        onAction: (a, engine) => {
          if (a.kind === 'lockStarted' && a.flatten) engine.onFill(a.lock.accountId, { fillId: 'flatten-1', contract: ESH6, side: 'sell', qty: 2, price: 5995, time: a.lock.startedAt });
        },
      }),
    );
    h.connect('f1', { dailyLoss: 500 });
    longES(h, 'f1', 2, 6000);
    h.engine.onQuote(ESH6, 5995, h.clock.now());
    expect(h.engine.numbers('f1')).toMatchObject({ openContracts: 0, netLiq: usd(49_500) });
    expect(h.of('lockStarted')).toHaveLength(1);
  });

  it('rate-limits `changed` per account', () => {
    const h = track(harness({ changedIntervalMs: 1000 }));
    h.connect('f1', { dailyLoss: 5000 });
    const before = h.of('changed').length;
    longES(h, 'f1', 1, 6000);
    for (let p = 6001; p < 6010; p++) h.engine.onQuote(ESH6, p, h.clock.now());
    const burst = h.of('changed').length - before;
    expect(burst).toBeLessThanOrEqual(1);
    h.clock.advanceBy(1000);
    expect(h.of('changed').length - before).toBe(burst + 1);
  });
});

describe('validation', () => {
  it('throws a Refusal naming the field', () => {
    const h = track(harness());
    const refusal = (rules: unknown): Refusal => {
      try {
        h.engine.setAccount('f1', rules as never);
      } catch (e) {
        if (e instanceof Refusal) return e;
        throw e;
      }
      throw new Error('not refused');
    };
    expect(refusal({ consistency: { profitTarget: 3000, maxDayShare: 30 } }).issues[0]).toMatchObject({ field: 'consistency.maxDayShare', message: expect.stringContaining('0.3 means 30%') as unknown });
    expect(refusal({ dailyLose: 500 }).issues[0]).toMatchObject({ field: 'dailyLose', message: expect.stringContaining('unknown rule') as unknown });
    expect(refusal({ trailingDrawdown: { amount: 2500, stopAt: 100 } }).issues[0]?.field).toBe('trailingDrawdown.stopAt');
    expect(refusal({ session: { flattenAt: '16:30' } }).issues[0]?.field).toBe('session.flattenAt');
    expect(refusal({ dailyLoss: -500 }).issues[0]).toMatchObject({ field: 'dailyLoss', message: expect.stringContaining('got -500') as unknown });
    // Once the account's balance is known, limits are checked against it.
    h.connect('f1', { dailyLoss: 500 });
    expect(refusal({ dailyLoss: 60_000 }).issues[0]?.field).toBe('dailyLoss');
    expect(refusal({ trailingDrawdown: { amount: 2000, stopAt: 48_000 } }).issues[0]?.message).toContain('starting balance');
    // A refused save changes nothing.
    expect(h.engine.view('f1').rules).toEqual({ dailyLoss: 500 });
  });
});

describe('restart', () => {
  it('a breach lock survives a restart on the same SQLite file; evidence and gate intact', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mirrorfill-risk-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'engine.db');
    let db: Db = openDatabase(path);
    const first = harness({ store: new SqliteRiskStore(db) });
    first.connect('f1', { dailyLoss: 500 });
    longES(first, 'f1', 2, 6000);
    first.engine.onQuote(ESH6, 5995, first.clock.now());
    const lockId = first.of('lockStarted')[0]?.lock.id ?? '';
    first.engine.onFill('f1', first.fill('sell', 2, 5995));
    first.engine.dispose();
    db.close();

    db = openDatabase(path);
    cleanups.push(() => db.close());
    const second = track(harness({ store: new SqliteRiskStore(db), start: first.clock.now() }));
    second.engine.setAccount('f1', { dailyLoss: 500 });
    expect(second.engine.gate('f1').hardLocked).toBe(true);
    expect(second.engine.openLocks('f1').map((l) => l.id)).toEqual([lockId]);
    const stored = second.engine.lock(lockId);
    expect(stored?.evidence).toMatchObject({ rule: 'dailyLoss', threshold: usd(-500), value: usd(-500) });
    expect(stored?.evidence.fills.map((f) => f.qty)).toEqual([2]);
    expect(stored?.evidence.pnlPath.length).toBeGreaterThan(0);
    // The stored day start and high-water mark come back: after the reconnect the day is still −$500.
    second.engine.rebase('f1', { balance: usd(49_500), positions: [], fills: [] });
    second.engine.setConnected('f1', true);
    expect(second.engine.numbers('f1').dayPnl).toBe(usd(-500));
    expect(second.engine.unlock('f1', 'f1').ok).toBe(false);
    expect(second.of('lockStarted')).toHaveLength(0); // no duplicate lock after restart

    second.clock.advanceTo(ROLL_MONDAY);
    expect(second.engine.unlock('f1', 'f1').ok).toBe(true);
    expect(second.engine.lock(lockId)).toMatchObject({ endReason: 'unlocked', acknowledgement: 'f1' });
  });

  it('a soft lock of an earlier day ends when the engine starts after the roll', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mirrorfill-risk-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'engine.db');
    let db: Db = openDatabase(path);
    const first = harness({ store: new SqliteRiskStore(db) });
    first.connect('f1', { dailyProfitTarget: 100 });
    longES(first, 'f1', 1, 6000);
    first.engine.onQuote(ESH6, 6002, first.clock.now());
    const lockId = first.of('lockStarted')[0]?.lock.id ?? '';
    first.engine.dispose();
    db.close();

    db = openDatabase(path);
    cleanups.push(() => db.close());
    const second = track(harness({ store: new SqliteRiskStore(db), start: ROLL_MONDAY + 3600_000 }));
    second.engine.setAccount('f1', { dailyProfitTarget: 100 });
    expect(second.engine.gate('f1').entryGate).toBe('riskUnknown'); // waiting for the snapshot, not soft-locked
    expect(second.engine.lock(lockId)).toMatchObject({ endReason: 'dayRoll', endedAt: ROLL_MONDAY });
    // The new day starts from the broker's balance net of today's fills (none).
    second.engine.rebase('f1', { balance: usd(50_100), positions: [{ contract: ESH6, netPos: 1, avgPrice: 6000 }], fills: [] });
    second.engine.setConnected('f1', true);
    second.engine.onQuote(ESH6, 6002, second.clock.now());
    expect(second.engine.view('f1')).toMatchObject({ tradingDay: '2026-03-03', dayStartNetLiq: usd(50_100) });
  });
});

describe('timekeeping', () => {
  it('starts at the scenario default start', () => {
    expect(new Date(T0).toISOString()).toBe('2026-03-02T15:30:00.000Z');
  });
});

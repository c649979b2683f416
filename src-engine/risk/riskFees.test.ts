/** The risk engine's figures net of fees, and the broker's balance beside its own. */
import { afterEach, describe, expect, it } from 'vitest';
import { ESH6, harness, usd, type Harness } from './testSupport';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

function track(h: Harness): Harness {
  cleanups.push(() => h.engine.dispose());
  return h;
}

describe('fees in the risk figures', () => {
  it("the broker's fee per fill comes off day PnL and net liq, and the daily loss fires on the net figure", () => {
    const h = track(harness());
    h.connect('f1', { dailyLoss: 100 });
    h.engine.onQuote(ESH6, 6000, h.clock.now());
    h.engine.onFill('f1', { ...h.fill('buy', 1, 6000), fees: usd(2.5) });
    expect(h.engine.numbers('f1')).toMatchObject({ dayPnl: usd(-2.5), netLiq: usd(49_997.5), fees: { today: usd(2.5), source: 'broker' } });
    h.engine.onQuote(ESH6, 5998.5, h.clock.now());
    // -$75 open and -$2.50 fees: inside the limit.
    expect(h.engine.gate('f1').hardLocked).toBe(false);
    h.engine.onFill('f1', { ...h.fill('sell', 1, 5998.5), fees: usd(2.5) });
    expect(h.engine.numbers('f1').dayPnl).toBe(usd(-80));
    h.engine.onQuote(ESH6, 6000, h.clock.now());
    h.engine.onFill('f1', { ...h.fill('buy', 1, 6000), fees: usd(2.5) });
    h.engine.onQuote(ESH6, 5999.75, h.clock.now());
    // -$80 − $2.50 − $12.50 = -$95: gross it would be -$87.50.
    expect(h.engine.numbers('f1').dayPnl).toBe(usd(-95));
    h.engine.onFill('f1', { ...h.fill('sell', 1, 5999.75), fees: usd(5) });
    // The exit's own fee makes -$100.00: the firm's figure, locked now (fee-blind: -$87.50).
    expect(h.engine.numbers('f1').dayPnl).toBe(usd(-100));
    expect(h.engine.gate('f1').hardLocked).toBe(true);
    expect(h.engine.openLocks('f1')[0]?.evidence.values.feesToday).toBe(usd(12.5));
  });

  it("estimates from the account's schedule until the broker's own figure replaces it", () => {
    const h = track(harness());
    h.connect('f1', { dailyLoss: 1000, fees: { perSide: { ES: 2.25 } } });
    h.engine.onQuote(ESH6, 6000, h.clock.now());
    const buy = h.fill('buy', 2, 6000);
    h.engine.onFill('f1', buy);
    expect(h.engine.numbers('f1')).toMatchObject({ dayPnl: usd(-4.5), fees: { today: usd(4.5), source: 'account', schedule: 'account' } });
    h.engine.onFee('f1', buy.fillId, usd(5.1));
    expect(h.engine.numbers('f1')).toMatchObject({ dayPnl: usd(-5.1), fees: { today: usd(5.1), source: 'broker' } });
    // The same figure again changes nothing.
    h.engine.onFee('f1', buy.fillId, usd(5.1));
    expect(h.engine.numbers('f1').dayPnl).toBe(usd(-5.1));
  });

  it('a fee that arrives before its fill is kept for it', () => {
    const h = track(harness());
    h.connect('f1', { dailyLoss: 1000 });
    h.engine.onQuote(ESH6, 6000, h.clock.now());
    const buy = h.fill('buy', 1, 6000);
    h.engine.onFee('f1', buy.fillId, usd(2.25));
    expect(h.engine.numbers('f1').dayPnl).toBe(usd(0));
    h.engine.onFill('f1', buy);
    expect(h.engine.numbers('f1')).toMatchObject({ dayPnl: usd(-2.25), fees: { today: usd(2.25), source: 'broker' } });
  });

  it("without a broker figure or a schedule the source says 'none'", () => {
    const h = track(harness());
    h.connect('f1', { dailyLoss: 1000 });
    h.engine.onQuote(ESH6, 6000, h.clock.now());
    expect(h.engine.numbers('f1').fees).toMatchObject({ today: usd(0), source: undefined, schedule: undefined });
    h.engine.onFill('f1', h.fill('buy', 1, 6000));
    expect(h.engine.numbers('f1').fees).toMatchObject({ today: usd(0), source: 'none' });
  });

  it("a snapshot's balance is already net of the day's fees: the day started before them", () => {
    const h = track(harness());
    h.engine.setAccount('f1', { dailyLoss: 1000 });
    h.engine.onQuote(ESH6, 6002, h.clock.now());
    const at = h.clock.now();
    // Bought at 6000 and sold at 6002 today: +$100 gross, $5 fees; the broker shows $50,095.
    h.engine.rebase('f1', {
      balance: usd(50_095),
      positions: [],
      fills: [
        { fillId: 'b1', contract: ESH6, side: 'buy', qty: 1, price: 6000, time: at - 2, fees: usd(2.5) },
        { fillId: 's1', contract: ESH6, side: 'sell', qty: 1, price: 6002, time: at - 1, fees: usd(2.5) },
      ],
    });
    h.engine.setConnected('f1', true);
    expect(h.engine.view('f1')).toMatchObject({ dayStartNetLiq: usd(50_000), dayPnl: usd(95), fees: { today: usd(5), source: 'broker' } });
  });
});

describe("the broker's balance beside the engine's", () => {
  it('a lower broker balance is shown with both numbers and acted on', () => {
    const h = track(harness());
    h.connect('f1', { dailyLoss: 500 });
    h.engine.onQuote(ESH6, 6000, h.clock.now());
    h.engine.onFill('f1', h.fill('buy', 1, 6000));
    h.engine.onBalance('f1', usd(49_700));
    expect(h.engine.numbers('f1')).toMatchObject({ dayPnl: usd(-300), drift: { broker: usd(49_700), engine: usd(50_000), difference: usd(-300) } });
    h.engine.onQuote(ESH6, 5996.25, h.clock.now());
    expect(h.engine.gate('f1').hardLocked).toBe(false);
    h.engine.onQuote(ESH6, 5996, h.clock.now());
    expect(h.engine.gate('f1').hardLocked).toBe(true);
    expect(h.engine.openLocks('f1')[0]?.evidence.values).toMatchObject({ dayPnl: usd(-500), brokerBalance: usd(49_700), engineBalance: usd(50_000) });
  });

  it('a higher broker balance is shown but the engine keeps its own lower figure', () => {
    const h = track(harness());
    h.connect('f1', { dailyLoss: 500 });
    h.engine.onBalance('f1', usd(50_300));
    expect(h.engine.numbers('f1')).toMatchObject({ dayPnl: usd(0), drift: { broker: usd(50_300), engine: usd(50_000) } });
  });

  it("a fill makes the broker's balance stale until its own balance event (latency is not a drift)", () => {
    const h = track(harness());
    h.connect('f1', { dailyLoss: 500 });
    h.engine.onQuote(ESH6, 6000, h.clock.now());
    h.engine.onFill('f1', h.fill('buy', 1, 6000));
    h.engine.onFill('f1', h.fill('sell', 1, 6004));
    // The broker's $50,000 from the snapshot predates the +$200: no drift, the profit counts.
    expect(h.engine.numbers('f1')).toMatchObject({ dayPnl: usd(200), drift: undefined });
    h.engine.onBalance('f1', usd(50_200));
    expect(h.engine.numbers('f1')).toMatchObject({ dayPnl: usd(200), drift: undefined });
  });

  it("a fill without a fee shows the broker's fee-net balance as a drift and the net figure is used", () => {
    const h = track(harness());
    h.connect('f1', { dailyLoss: 500 });
    h.engine.onQuote(ESH6, 6000, h.clock.now());
    const buy = h.fill('buy', 1, 6000);
    h.engine.onFill('f1', buy);
    h.engine.onBalance('f1', usd(49_997.75));
    expect(h.engine.numbers('f1')).toMatchObject({ dayPnl: usd(-2.25), drift: { broker: usd(49_997.75), engine: usd(50_000) } });
    // Its fee arrives: the two agree again.
    h.engine.onFee('f1', buy.fillId, usd(2.25));
    expect(h.engine.numbers('f1')).toMatchObject({ dayPnl: usd(-2.25), drift: undefined });
  });
});

describe('consistency history across trading days', () => {
  it('a winning day adds to the winning days at the roll, a losing one does not, and the threshold follows', async () => {
    const { ROLL_MONDAY } = await import('./testSupport');
    const h = track(harness());
    h.connect('f1', { consistency: { profitTarget: 600, maxDayShare: 0.5, basis: 'winningDays' } });
    const day = (points: number): void => {
      h.engine.onQuote(ESH6, 6000, h.clock.now());
      h.engine.onFill('f1', h.fill('buy', 1, 6000));
      h.engine.onQuote(ESH6, 6000 + points, h.clock.now());
      h.engine.onFill('f1', h.fill('sell', 1, 6000 + points));
    };
    day(5); // +$250
    h.clock.advanceTo(ROLL_MONDAY + 1);
    day(5); // +$250
    h.clock.advanceTo(ROLL_MONDAY + 86_400_000 + 1);
    day(-2); // −$100
    h.clock.advanceTo(ROLL_MONDAY + 2 * 86_400_000 + 1);
    h.engine.onQuote(ESH6, 6000, h.clock.now());
    // Winning days $500 (the loss left out): 0.5 × 500 ÷ 0.5 = $500.
    expect(h.engine.numbers('f1').consistencyThreshold).toBe(usd(500));
    expect(h.engine.view('f1').gauges.find((g) => g.rule === 'consistency')?.limit).toBe(usd(500));
  });
});

describe("a snapshot's balance against the engine's", () => {
  it("a difference no unseen fill explains is kept with both numbers, and the broker's figure is taken", () => {
    const h = track(harness());
    h.connect('f1', { dailyLoss: 500 });
    h.engine.onQuote(ESH6, 6000, h.clock.now());
    const buy = h.fill('buy', 1, 6000);
    h.engine.onFill('f1', buy);
    h.engine.setConnected('f1', false);
    // The broker took $40 the fills do not show.
    h.engine.rebase('f1', { balance: usd(49_960), positions: [{ contract: ESH6, netPos: 1, avgPrice: 6000 }], fills: [buy] });
    h.engine.setConnected('f1', true);
    expect(h.engine.numbers('f1')).toMatchObject({ dayPnl: usd(-40), drift: undefined, snapshotDrift: { broker: usd(49_960), engine: usd(50_000) } });
  });

  it('a fill the engine missed explains the difference: no drift', () => {
    const h = track(harness());
    h.connect('f1', { dailyLoss: 500 });
    h.engine.onQuote(ESH6, 6002, h.clock.now());
    h.engine.setConnected('f1', false);
    const at = h.clock.now();
    h.engine.rebase('f1', {
      balance: usd(50_100),
      positions: [],
      fills: [
        { fillId: 'm1', contract: ESH6, side: 'buy', qty: 1, price: 6000, time: at },
        { fillId: 'm2', contract: ESH6, side: 'sell', qty: 1, price: 6002, time: at },
      ],
    });
    h.engine.setConnected('f1', true);
    expect(h.engine.numbers('f1')).toMatchObject({ dayPnl: usd(100), snapshotDrift: undefined });
  });

  it('the trailing threshold follows net liquidation net of fees', () => {
    const h = track(harness());
    h.connect('f1', { trailingDrawdown: { amount: 100, mode: 'intraday' } });
    h.engine.onQuote(ESH6, 6000, h.clock.now());
    h.engine.onFill('f1', { ...h.fill('buy', 1, 6000), fees: usd(2.5) });
    h.engine.onQuote(ESH6, 5998.5, h.clock.now());
    // Net liq $50,000 − $75 − $2.50 = $49,922.50, above the $49,900 threshold.
    expect(h.engine.gate('f1').hardLocked).toBe(false);
    h.engine.onFill('f1', { ...h.fill('sell', 1, 5998.5), fees: usd(2.5) });
    // The exit's fee: $49,920.00 — still above. Fee-blind it would be $49,925.
    expect(h.engine.numbers('f1').netLiq).toBe(usd(49_920));
    h.engine.onQuote(ESH6, 6000, h.clock.now());
    h.engine.onFill('f1', { ...h.fill('buy', 1, 6000), fees: usd(20) });
    // $49,900.00 exactly: the threshold, reached by the fee alone.
    expect(h.engine.numbers('f1').netLiq).toBe(usd(49_900));
    expect(h.engine.openLocks('f1')[0]?.rule).toBe('trailingDrawdown');
  });
});

import { describe, expect, it } from 'vitest';
import { driftText, feesText, snapshotDriftText } from './riskSources';

describe('risk sources in words', () => {
  it('says where the fees come from', () => {
    expect(feesText({ today: 25, source: 'broker', schedule: undefined })).toBe('fees $25.00 from the broker');
    expect(feesText({ today: 5.6, source: 'preset', schedule: { kind: 'preset', label: 'Topstep 50K Trading Combine' } })).toBe('fees $5.60 estimated from Topstep 50K Trading Combine');
    expect(feesText({ today: 4.5, source: 'account', schedule: { kind: 'account', label: 'your own figures' } })).toBe('fees $4.50 estimated from your own figures');
    expect(feesText({ today: 0, source: 'none', schedule: undefined })).toMatch(/^fees not counted/);
    expect(feesText({ today: 0, source: undefined, schedule: undefined })).toBe("fees: the broker's, when it reports them");
  });

  it('gives both balances of a drift', () => {
    expect(driftText({ broker: 49_700, engine: 50_000 })).toBe('Broker $49,700.00 · Mirrorfill $50,000.00: limits use the lower');
    expect(snapshotDriftText({ broker: 49_960, engine: 50_000 }, '2026-03-02 09:31:00')).toBe("At the broker's snapshot of 2026-03-02 09:31:00 it had $49,960.00 where Mirrorfill had $50,000.00; the broker's figure was taken");
  });
});

import { describe, expect, it } from 'vitest';
import {
  addDays,
  chicagoTimeInTradingDay,
  chicagoTimeToUtc,
  chicagoWall,
  formatChicago,
  nextChicagoTime,
  nextRollAt,
  tradingDayEnd,
  tradingDayOf,
  tradingDayStart,
} from './tradingDay';

const t = (iso: string): number => Date.parse(iso);

describe('tradingDayOf', () => {
  it('rolls at 17:00 Chicago (CST, winter)', () => {
    expect(tradingDayOf(t('2026-03-02T16:59:59.999-06:00'))).toBe('2026-03-02');
    expect(tradingDayOf(t('2026-03-02T17:00:00-06:00'))).toBe('2026-03-03');
    expect(tradingDayOf(t('2026-03-02T09:30:00-06:00'))).toBe('2026-03-02');
    expect(tradingDayOf(t('2026-03-02T23:59:00-06:00'))).toBe('2026-03-03');
    expect(tradingDayOf(t('2026-03-03T00:30:00-06:00'))).toBe('2026-03-03');
  });

  it('rolls at 17:00 Chicago in summer time (CDT, UTC-5)', () => {
    expect(tradingDayOf(t('2026-07-15T16:59:00-05:00'))).toBe('2026-07-15');
    expect(tradingDayOf(t('2026-07-15T17:00:00-05:00'))).toBe('2026-07-16');
    // 17:00 CST-style offset would be 18:00 CDT: still the next day.
    expect(tradingDayOf(t('2026-07-15T22:00:00Z'))).toBe('2026-07-16'); // 17:00 CDT
    expect(tradingDayOf(t('2026-07-15T21:59:00Z'))).toBe('2026-07-15');
  });

  it('is right across the DST switches (2026-03-08 spring forward, 2026-11-01 fall back)', () => {
    // The Saturday evening before the switch is in CST, the Sunday evening after in CDT.
    expect(tradingDayEnd('2026-03-08')).toBe(t('2026-03-08T17:00:00-05:00'));
    expect(tradingDayStart('2026-03-09')).toBe(t('2026-03-08T17:00:00-05:00'));
    expect(tradingDayStart('2026-03-08')).toBe(t('2026-03-07T17:00:00-06:00'));
    // The trading day that contains the switch is 23 hours long.
    expect(tradingDayEnd('2026-03-08') - tradingDayStart('2026-03-08')).toBe(23 * 3600_000);
    expect(tradingDayEnd('2026-11-01') - tradingDayStart('2026-11-01')).toBe(25 * 3600_000);
    expect(tradingDayOf(t('2026-11-01T01:30:00-05:00'))).toBe('2026-11-01');
    expect(tradingDayOf(t('2026-11-01T01:30:00-06:00'))).toBe('2026-11-01');
  });

  it('crosses month and year ends', () => {
    expect(tradingDayOf(t('2026-12-31T17:00:00-06:00'))).toBe('2027-01-01');
    expect(tradingDayOf(t('2026-02-28T18:00:00-06:00'))).toBe('2026-03-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
  });
});

describe('nextRollAt', () => {
  it('is the next 17:00 CT, strictly after', () => {
    expect(nextRollAt(t('2026-03-02T09:30:00-06:00'))).toBe(t('2026-03-02T17:00:00-06:00'));
    expect(nextRollAt(t('2026-03-02T16:59:59.999-06:00'))).toBe(t('2026-03-02T17:00:00-06:00'));
    expect(nextRollAt(t('2026-03-02T17:00:00-06:00'))).toBe(t('2026-03-03T17:00:00-06:00'));
    expect(nextRollAt(t('2026-03-07T20:00:00-06:00'))).toBe(t('2026-03-08T17:00:00-05:00'));
  });
});

describe('Chicago wall time', () => {
  it('finds HH:MM on either side of DST', () => {
    expect(chicagoTimeToUtc(2026, 3, 2, 15, 10)).toBe(t('2026-03-02T15:10:00-06:00'));
    expect(chicagoTimeToUtc(2026, 7, 1, 15, 10)).toBe(t('2026-07-01T15:10:00-05:00'));
    // Skipped hour: 02:30 does not exist on 2026-03-08; it resolves just after the gap.
    expect(chicagoTimeToUtc(2026, 3, 8, 2, 30)).toBe(t('2026-03-08T03:30:00-05:00'));
    // Repeated hour: first occurrence.
    expect(chicagoTimeToUtc(2026, 11, 1, 1, 30)).toBe(t('2026-11-01T01:30:00-05:00'));
    expect(chicagoWall(t('2026-07-01T15:10:00-05:00'))).toMatchObject({ hour: 15, minute: 10 });
  });

  it('nextChicagoTime is strictly after', () => {
    expect(nextChicagoTime(t('2026-03-02T09:30:00-06:00'), '15:10')).toBe(t('2026-03-02T15:10:00-06:00'));
    expect(nextChicagoTime(t('2026-03-02T15:10:00-06:00'), '15:10')).toBe(t('2026-03-03T15:10:00-06:00'));
    expect(nextChicagoTime(t('2026-03-07T16:00:00-06:00'), '15:10')).toBe(t('2026-03-08T15:10:00-05:00'));
    expect(nextChicagoTime(t('2026-03-02T23:00:00-06:00'), '00:05')).toBe(t('2026-03-03T00:05:00-06:00'));
  });

  it('places a time of day inside a trading day', () => {
    expect(chicagoTimeInTradingDay('2026-03-02', '15:10')).toBe(t('2026-03-02T15:10:00-06:00'));
    // Evening times belong to the evening that opens the day.
    expect(chicagoTimeInTradingDay('2026-03-03', '18:00')).toBe(t('2026-03-02T18:00:00-06:00'));
  });

  it('formats for people', () => {
    expect(formatChicago(t('2026-03-02T17:00:00-06:00'))).toBe('2026-03-02 17:00 CT');
  });
});

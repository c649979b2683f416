/**
 * Exchange time for risk rules. CME futures trade in sessions that start at 17:00 Chicago time, so
 * a trading day is labelled by the calendar date on which it ENDS: Monday's session runs from
 * Sunday 17:00 CT to Monday 17:00 CT (copy-semantics §7: "the trading day rolls at 17:00
 * America/Chicago").
 *
 * Chicago alternates between CST (UTC-6) and CDT (UTC-5). Instead of hard-coding DST dates (they
 * have changed before, by law) the offset is read from the runtime's time-zone database through
 * Intl, which is DST-correct for any year. No tz library is needed.
 */

export const EXCHANGE_TIME_ZONE = 'America/Chicago';
/** Wall-clock hour at which a new trading day starts. */
export const ROLL_HOUR = 17;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Wall-clock fields of an instant in Chicago. */
export interface ChicagoWall {
  readonly year: number;
  readonly month: number; // 1-12
  readonly day: number;
  readonly hour: number; // 0-23
  readonly minute: number;
  readonly second: number;
}

// Building a DateTimeFormat is expensive (tens of µs); formatting with a cached one is cheap.
const formatter = new Intl.DateTimeFormat('en-US', {
  timeZone: EXCHANGE_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

export function chicagoWall(ms: number): ChicagoWall {
  if (!Number.isFinite(ms)) throw new RangeError(`not a time: ${ms}`);
  const f = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const p of formatter.formatToParts(ms)) {
    if (p.type === 'year' || p.type === 'month' || p.type === 'day' || p.type === 'hour' || p.type === 'minute' || p.type === 'second') {
      f[p.type] = Number(p.value);
    }
  }
  return f;
}

/** Chicago's UTC offset at an instant, in ms (-5 h or -6 h). Seconds-level precision is enough: Chicago offsets are whole hours. */
function offsetAt(ms: number): number {
  const w = chicagoWall(ms);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant at which Chicago's wall clock shows the given date and time (seconds 0).
 * An ambiguous time (the repeated hour when DST ends) resolves to its first occurrence; a time
 * that does not exist (the skipped hour when DST starts) resolves to the same wall time in the
 * offset before the jump, i.e. just after the gap (02:30 on that day → 03:30 CDT). Rolls (17:00)
 * are never affected: DST changes at 02:00.
 */
export function chicagoTimeToUtc(year: number, month: number, day: number, hour: number, minute: number): number {
  const wallAsUtc = Date.UTC(year, month - 1, day, hour, minute, 0);
  // Try each offset Chicago uses around that date; keep the ones that really show that wall time.
  const offsets = new Set([offsetAt(wallAsUtc - 6 * HOUR), offsetAt(wallAsUtc - 5 * HOUR), offsetAt(wallAsUtc + 12 * HOUR), offsetAt(wallAsUtc - 12 * HOUR)]);
  let best: number | undefined;
  for (const off of offsets) {
    const t = wallAsUtc - off;
    if (offsetAt(t) !== off) continue;
    if (best === undefined || t < best) best = t;
  }
  if (best !== undefined) return best;
  // In the DST gap: use the larger (standard-time) offset, which lands after the gap.
  const standard = Math.min(...offsets);
  return wallAsUtc - standard;
}

/** "YYYY-MM-DD" for a calendar date. */
export function formatDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseDate(date: string): { year: number; month: number; day: number } {
  const m = DATE_RE.exec(date);
  if (!m) throw new RangeError(`not a date (YYYY-MM-DD): "${date}"`);
  return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
}

/** Calendar arithmetic on dates, in UTC so no time zone can shift the day. */
export function addDays(date: string, days: number): string {
  const { year, month, day } = parseDate(date);
  const d = new Date(Date.UTC(year, month - 1, day) + days * DAY);
  return formatDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

/** The trading day an instant belongs to: 16:59 CT Monday → Monday, 17:00 CT Monday → Tuesday. */
export function tradingDayOf(ms: number): string {
  const w = chicagoWall(ms);
  const date = formatDate(w.year, w.month, w.day);
  return w.hour >= ROLL_HOUR ? addDays(date, 1) : date;
}

/** When a trading day starts: 17:00 CT on the calendar day before its label. */
export function tradingDayStart(tradingDay: string): number {
  const prev = parseDate(addDays(tradingDay, -1));
  return chicagoTimeToUtc(prev.year, prev.month, prev.day, ROLL_HOUR, 0);
}

/** When a trading day ends (= the next one starts): 17:00 CT on its label date. */
export function tradingDayEnd(tradingDay: string): number {
  const d = parseDate(tradingDay);
  return chicagoTimeToUtc(d.year, d.month, d.day, ROLL_HOUR, 0);
}

/** The next roll strictly after `ms` (at exactly 17:00:00.000 the day has just rolled, so the next one is tomorrow's). */
export function nextRollAt(ms: number): number {
  return tradingDayEnd(tradingDayOf(ms));
}

const HHMM_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function parseHhmm(hhmm: string): { hour: number; minute: number } {
  const m = HHMM_RE.exec(hhmm);
  if (!m) throw new RangeError(`not a time of day (HH:MM): "${hhmm}"`);
  return { hour: Number(m[1]), minute: Number(m[2]) };
}

/**
 * The instant of wall time HH:MM Chicago within a trading day. Times from 17:00 on fall on the
 * evening that opens the day (the calendar day before its label), earlier times on the label date.
 */
export function chicagoTimeInTradingDay(tradingDay: string, hhmm: string): number {
  const { hour, minute } = parseHhmm(hhmm);
  const date = parseDate(hour >= ROLL_HOUR ? addDays(tradingDay, -1) : tradingDay);
  return chicagoTimeToUtc(date.year, date.month, date.day, hour, minute);
}

/** The next instant strictly after `ms` at which Chicago's wall clock shows HH:MM:00. */
export function nextChicagoTime(ms: number, hhmm: string): number {
  const { hour, minute } = parseHhmm(hhmm);
  const w = chicagoWall(ms);
  // Today's occurrence, else tomorrow's, else (DST gap edge cases) the day after.
  let date = formatDate(w.year, w.month, w.day);
  for (let i = 0; i < 3; i++) {
    const d = parseDate(date);
    const t = chicagoTimeToUtc(d.year, d.month, d.day, hour, minute);
    if (t > ms) return t;
    date = addDays(date, 1);
  }
  throw new Error(`nextChicagoTime: no ${hhmm} after ${new Date(ms).toISOString()}`);
}

/** "2026-03-02 17:00 CT" for messages a trader reads. */
export function formatChicago(ms: number): string {
  const w = chicagoWall(ms);
  return `${formatDate(w.year, w.month, w.day)} ${String(w.hour).padStart(2, '0')}:${String(w.minute).padStart(2, '0')} CT`;
}

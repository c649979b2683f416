/**
 * Ratios are decimals kept as text (the engine never sizes with a float). The −/+ steps work in
 * tenths as integers so 0.1 + 0.2 is 0.3, not 0.30000000000000004.
 */
export const MIN_RATIO_TENTHS = 1;
export const MAX_RATIO_TENTHS = 10_000;

const DECIMAL = /^\d+(\.\d+)?$/;

/** Tenths for a ratio given as text or number, or undefined when it is not a plain decimal. */
export function ratioTenths(r: string | number | undefined): number | undefined {
  if (r === undefined) return undefined;
  const s = typeof r === 'number' ? String(r) : r.trim();
  if (!DECIMAL.test(s)) return undefined;
  const [int = '0', frac = ''] = s.split('.');
  if (frac.replace(/0+$/, '').length > 1) return undefined;
  return Number(int) * 10 + Number(frac.slice(0, 1) || '0');
}

export function formatTenths(t: number): string {
  const int = Math.floor(t / 10);
  const frac = t % 10;
  return frac === 0 ? String(int) : `${int}.${frac}`;
}

/** Normal form for comparing ratios ("2", "2.0" and 2 are the same). */
export function normalizeRatio(r: string | number | undefined): string | undefined {
  if (r === undefined) return undefined;
  const s = typeof r === 'number' ? String(r) : r.trim();
  if (!DECIMAL.test(s)) return s;
  const [int = '0', frac = ''] = s.split('.');
  const f = frac.replace(/0+$/, '');
  return `${String(Number(int))}${f ? `.${f}` : ''}`;
}

/** One step of the −/+ buttons: 0.1 below 1, 1 from 1 up; an odd value snaps to the next step. */
export function stepRatio(r: string | number | undefined, dir: 1 | -1): string {
  const s = r === undefined ? '1' : String(r).trim();
  const n = DECIMAL.test(s) ? Number(s) : 1;
  const eps = 1e-9;
  let next: number;
  if (dir > 0) next = n < 1 - eps ? (Math.floor(n * 10 + eps) + 1) / 10 : Math.floor(n + eps) + 1;
  else next = n <= 1 + eps ? (Math.ceil(n * 10 - eps) - 1) / 10 : Math.ceil(n - eps) - 1;
  const clamped = Math.min(MAX_RATIO_TENTHS / 10, Math.max(MIN_RATIO_TENTHS / 10, next));
  return formatTenths(Math.round(clamped * 10));
}

/** The engine's rule: a decimal from 0.1 to 1000. */
export function ratioProblem(r: string | number | undefined): string | undefined {
  if (r === undefined || r === '') return undefined;
  const s = typeof r === 'number' ? String(r) : r.trim();
  // A number out of range is told the range, a negative one included ("-1" is a number, not a typo).
  if (!/^-?\d*(\.\d+)?$/.test(s) || s === '-') return 'must be a number from 0.1 to 1000, such as 0.5 or 2';
  const n = Number(s);
  if (n < 0.1 || n > 1000) return 'must be between 0.1 and 1000';
  return undefined;
}

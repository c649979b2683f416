/** Display formatting: money, quantities, times. Numbers render with tabular figures (CSS). */
const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const usd0 = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 0, maximumFractionDigits: 0 });

export function money(n: number | undefined, opts: { signed?: boolean; whole?: boolean } = {}): string {
  if (n === undefined || !Number.isFinite(n)) return '—';
  const f = opts.whole ? usd0 : usd;
  const abs = f.format(Math.abs(n));
  if (n < 0) return `−${abs}`;
  if (opts.signed && n > 0) return `+${abs}`;
  return abs;
}

export function signClass(n: number | undefined): string {
  if (n === undefined || n === 0) return 'num';
  return n > 0 ? 'num pos' : 'num neg';
}

export function qty(n: number | undefined): string {
  if (n === undefined) return '—';
  if (n === 0) return '0';
  return n > 0 ? `+${n}` : `−${Math.abs(n)}`;
}

export function price(n: number | undefined): string {
  if (n === undefined) return '—';
  return n.toLocaleString('en-US', { maximumFractionDigits: 6 });
}

export function clock(t: number): string {
  const d = new Date(t);
  const p = (x: number, w = 2): string => String(x).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export function clockMs(t: number): string {
  return `${clock(t)}.${String(new Date(t).getMilliseconds()).padStart(3, '0')}`;
}

export function dateTime(t: number): string {
  const d = new Date(t);
  return `${d.toLocaleDateString('en-CA')} ${clock(t)}`;
}

/** "in 4 s", "in 2 min" */
export function untilText(at: number, now: number): string {
  const s = Math.max(0, Math.ceil((at - now) / 1000));
  if (s < 90) return `${s} s`;
  return `${Math.ceil(s / 60)} min`;
}

/** Milliseconds for latency cells: a copy well under a millisecond must not read as "0". */
export function ms(n: number | undefined): string {
  if (n === undefined) return '—';
  if (n < 10) return n.toFixed(n < 1 ? 2 : 1);
  return `${Math.round(n)}`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

const RULE_LABEL: Readonly<Record<string, string>> = {
  dailyLoss: 'Daily loss',
  trailingDrawdown: 'Trailing drawdown',
  maxContracts: 'Max contracts',
  dailyProfitTarget: 'Daily profit target',
  consistency: 'Consistency',
  session: 'Session end',
  breach: 'breach',
  soft: 'soft lock',
};

/** A risk rule (or lock kind) as a trader reads it: "Daily loss", not `dailyLoss`. */
export function ruleLabel(rule: string): string {
  return RULE_LABEL[rule] ?? rule;
}

/**
 * The product catalog (copy-semantics §4): exchange specs, families, micro/mini links, listed months
 * and contract-month rules. The data lives in resources/data/instruments.json so a spec change is a
 * data edit; this module refuses a catalog with anything wrong in it, because a bad point value
 * silently mis-sizes every notional copy and a bad month sends orders to a contract nobody trades.
 */
import data from '../../resources/data/instruments.json';
import { contractCode, MONTH_CODES, parseContractCode, type ContractCode } from './contractCode';
import { MONEY_SCALE } from './money';
import { Rational } from './rational';

export type Exchange = 'CME' | 'CBOT' | 'NYMEX' | 'COMEX';

/** How a contract month's last trading day is found. Business days are Monday to Friday; exchange holidays are ignored. */
export type ExpiryRule =
  | { readonly rule: 'thirdFriday' }
  | { readonly rule: 'lastFriday' }
  | { readonly rule: 'twoBusinessDaysBeforeThirdWednesday' }
  | { readonly rule: 'thirdLastBusinessDay' }
  | { readonly rule: 'lastBusinessDay' }
  | { readonly rule: 'seventhBusinessDayBeforeLastBusinessDay' }
  /** `days` business days before the 1st of the contract month (NG: 3, the 3rd last business day of the prior month). */
  | { readonly rule: 'businessDaysBeforeFirstOfMonth'; readonly days: number }
  /** `days` business days before the 25th of the prior month, one more when the 25th is not a business day (CL: 3). */
  | { readonly rule: 'businessDaysBefore25thOfPriorMonth'; readonly days: number };

export interface Product {
  readonly root: string;
  readonly name: string;
  readonly exchange: Exchange;
  /** Products that track the same underlying share it (ES, MES: "equity.sp500"); cross symbols must stay inside one. */
  readonly family: string;
  readonly pointValue: Rational;
  readonly tickSize: Rational;
  /** dollars per tick, exact */
  readonly tickValue: Rational;
  readonly micro?: string;
  readonly full?: string;
  /** Listed contract months, 1..12 ascending. */
  readonly months: readonly number[];
  readonly projectxRoot: string;
  /** Calendar days before the last trade day at which traders move to the next listed month. */
  readonly rollDays: number;
  readonly expiry: ExpiryRule;
}

export interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

export class Catalog {
  private static bundled: Catalog | undefined;

  private readonly list: readonly Product[];

  private constructor(
    private readonly byRoot: ReadonlyMap<string, Product>,
    readonly lastChecked: string,
  ) {
    this.list = Object.freeze([...byRoot.values()]);
  }

  /** The bundled catalog. Validated once; the result is immutable, so it is shared. */
  static load(): Catalog {
    Catalog.bundled ??= Catalog.fromData(data);
    return Catalog.bundled;
  }

  /** Validates raw catalog data; throws an Error naming the product and field at fault. */
  static fromData(raw: unknown): Catalog {
    const { lastChecked, products } = parseCatalog(raw);
    const byRoot = new Map<string, Product>();
    for (const p of products) byRoot.set(p.root, p);
    return new Catalog(byRoot, lastChecked);
  }

  product(root: string): Product | undefined {
    return this.byRoot.get(root);
  }

  require(root: string): Product {
    const p = this.byRoot.get(root);
    if (!p) throw new Error(`unknown symbol "${root}"`);
    return p;
  }

  /** In catalog order. */
  products(): readonly Product[] {
    return this.list;
  }

  /** False when either root is unknown: an unknown product is in no family. */
  sameFamily(a: string, b: string): boolean {
    const pa = this.byRoot.get(a);
    const pb = this.byRoot.get(b);
    return pa !== undefined && pb !== undefined && pa.family === pb.family;
  }

  lists(root: string, year: number, month: number): boolean {
    const p = this.byRoot.get(root);
    return p !== undefined && Number.isInteger(year) && p.months.includes(month);
  }

  /** The rule applies to any month, listed or not; callers that care check `lists` first. */
  lastTradeDay(root: string, year: number, month: number): CalendarDate {
    const p = this.require(root);
    if (!Number.isInteger(year) || year < 1000 || year > 9999) throw new RangeError(`${root}: year ${year} is not a four-digit year`);
    if (!Number.isInteger(month) || month < 1 || month > 12) throw new RangeError(`${root}: month ${month} is not 1-12`);
    return toCalendarDate(lastTradeDayOf(p.expiry, year, month));
  }

  /**
   * The contract a trader would call "the front month" at instant `atMs` (epoch ms), evaluated in
   * America/Chicago: the first listed month whose roll day (last trade day minus rollDays) is still
   * ahead. The day is the CME trading day, which starts at 17:00 CT the evening before, so the
   * evening session before a roll day already trades the new front.
   */
  frontMonth(root: string, atMs: number): ContractCode {
    const p = this.require(root);
    const today = tradingDayAt(atMs);
    const { year, month } = toCalendarDate(today);
    // Contracts for earlier months have all expired: every rule's last trade day falls on or before
    // the end of its contract month. The longest gap between listed months is 3, so 24 is ample.
    for (let i = 0; i < 24; i++) {
      const y = year + Math.floor((month - 1 + i) / 12);
      const m = ((month - 1 + i) % 12) + 1;
      if (!p.months.includes(m)) continue;
      if (today < lastTradeDayOf(p.expiry, y, m) - p.rollDays) return contractCode(p.root, y, m);
    }
    throw new Error(`${root}: no listed month within two years of ${toIsoDate(today)}`);
  }

  /**
   * Follower contract expiry rule of copy-semantics §4: the leader contract's expiry when
   * `followerRoot` lists that month, else followerRoot's front month at atMs.
   *
   * Two refinements keep this from ever choosing a dead or unintended contract: a follower on the
   * leader's own root always gets the leader's contract (the leader's fill proves it trades, even a
   * serial month outside the catalog's cycle), and a follower month that has already stopped
   * trading (MCL expires a day before CL) counts as not listed.
   */
  followerContract(leader: ContractCode, followerRoot: string, atMs: number): ContractCode {
    const { root, year, month } = parseContractCode(leader);
    const follower = this.require(followerRoot);
    if (follower.root === root) return leader;
    const stillTrades = lastTradeDayOf(follower.expiry, year, month) >= tradingDayAt(atMs);
    if (follower.months.includes(month) && stillTrades) return contractCode(follower.root, year, month);
    return this.frontMonth(follower.root, atMs);
  }

  /** Exactly (pointValue(a)/pointValue(b)) as a Rational, for notional sizing. */
  pointValueRatio(a: string, b: string): Rational {
    return this.require(a).pointValue.div(this.require(b).pointValue);
  }
}

// ---------------------------------------------------------------------------------------------
// Calendar. A civil date is a day number (days since 1970-01-01) so that comparisons and "n days
// before" are plain integer arithmetic; Date is used only as a proleptic Gregorian calculator in UTC.

const DAY_MS = 86_400_000;
const SESSION_START_HOUR_CT = 17;
const SUNDAY = 0;
const WEDNESDAY = 3;
const FRIDAY = 5;
const SATURDAY = 6;

function dayNumber(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

function toCalendarDate(day: number): CalendarDate {
  const d = new Date(day * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

function toIsoDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function weekday(day: number): number {
  return new Date(day * DAY_MS).getUTCDay();
}

function isBusinessDay(day: number): boolean {
  const w = weekday(day);
  return w !== SUNDAY && w !== SATURDAY;
}

/** The n-th business day strictly before `day`. */
function businessDaysBefore(day: number, n: number): number {
  let d = day;
  for (let left = n; left > 0; ) {
    d--;
    if (isBusinessDay(d)) left--;
  }
  return d;
}

function lastBusinessDayOfMonth(year: number, month: number): number {
  return businessDaysBefore(dayNumber(year, month + 1, 1), 1); // Date.UTC rolls month 13 into January
}

function nthWeekdayOfMonth(year: number, month: number, wd: number, n: number): number {
  const first = dayNumber(year, month, 1);
  return first + ((wd - weekday(first) + 7) % 7) + 7 * (n - 1);
}

function lastWeekdayOfMonth(year: number, month: number, wd: number): number {
  const last = dayNumber(year, month + 1, 0);
  return last - ((weekday(last) - wd + 7) % 7);
}

function lastTradeDayOf(rule: ExpiryRule, year: number, month: number): number {
  switch (rule.rule) {
    case 'thirdFriday':
      return nthWeekdayOfMonth(year, month, FRIDAY, 3);
    case 'lastFriday':
      return lastWeekdayOfMonth(year, month, FRIDAY);
    case 'twoBusinessDaysBeforeThirdWednesday':
      return businessDaysBefore(nthWeekdayOfMonth(year, month, WEDNESDAY, 3), 2);
    case 'thirdLastBusinessDay':
      return businessDaysBefore(lastBusinessDayOfMonth(year, month), 2);
    case 'lastBusinessDay':
      return lastBusinessDayOfMonth(year, month);
    case 'seventhBusinessDayBeforeLastBusinessDay':
      return businessDaysBefore(lastBusinessDayOfMonth(year, month), 7);
    case 'businessDaysBeforeFirstOfMonth':
      return businessDaysBefore(dayNumber(year, month, 1), rule.days);
    case 'businessDaysBefore25thOfPriorMonth': {
      // NYMEX: "3 business days before the 25th ... if the 25th is not a business day, 4 business
      // days before the 25th" — one extra day, not merely counting from the preceding business day.
      const the25th = dayNumber(year, month - 1, 25); // month 0 is December of the prior year
      return businessDaysBefore(the25th, rule.days + (isBusinessDay(the25th) ? 0 : 1));
    }
  }
}

// Building a DateTimeFormat costs tens of microseconds; formatting with a cached one is cheap.
const chicago = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/Chicago',
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
});

/** The CME trading day (a day number) that `atMs` belongs to: the Chicago date, or the next one from 17:00 CT. */
function tradingDayAt(atMs: number): number {
  if (!Number.isFinite(atMs)) throw new RangeError(`not a time: ${atMs}`);
  const f = { year: 0, month: 0, day: 0, hour: 0 };
  for (const part of chicago.formatToParts(atMs)) {
    if (part.type === 'year' || part.type === 'month' || part.type === 'day' || part.type === 'hour') f[part.type] = Number(part.value);
  }
  const day = dayNumber(f.year, f.month, f.day);
  return f.hour >= SESSION_START_HOUR_CT ? day + 1 : day;
}

// ---------------------------------------------------------------------------------------------
// Validation. Plain checks rather than a schema library so every message can name the product and
// the field in words a person editing the JSON understands.

const EXCHANGES: readonly Exchange[] = ['CME', 'CBOT', 'NYMEX', 'COMEX'];
const SIMPLE_RULES = ['thirdFriday', 'lastFriday', 'twoBusinessDaysBeforeThirdWednesday', 'thirdLastBusinessDay', 'lastBusinessDay', 'seventhBusinessDayBeforeLastBusinessDay'] as const;
const COUNTED_RULES = ['businessDaysBeforeFirstOfMonth', 'businessDaysBefore25thOfPriorMonth'] as const;
const PRODUCT_FIELDS = new Set(['root', 'name', 'exchange', 'family', 'pointValue', 'tickSize', 'micro', 'full', 'months', 'expiry', 'rollDays', 'projectxRoot', '$comment']);
const TOP_FIELDS = new Set(['$comment', 'lastChecked', 'products']);
// Roots appear in broker symbols (Tradovate MNQZ6) and in ContractCode, which takes 1-6 upper-case
// letters or digits; a longer root would load here and then fail on the first contract built from it.
const ROOT = /^[A-Z0-9]{1,6}$/;
const PROJECTX_ROOT = /^[A-Z0-9]{1,8}$/;
const FAMILY = /^[a-z0-9]+(?:\.[a-z0-9]+)*$/;
const MAX_ROLL_DAYS = 45;

type Raw = Record<string, unknown>;

function isRaw(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function catalogError(where: string, field: string, problem: string): Error {
  return new Error(`instrument catalog: ${where}, field "${field}": ${problem}`);
}

function parseCatalog(raw: unknown): { lastChecked: string; products: Product[] } {
  if (!isRaw(raw)) throw new Error('instrument catalog: expected a JSON object at the top level');
  for (const key of Object.keys(raw)) if (!TOP_FIELDS.has(key)) throw catalogError('top level', key, 'unknown field');
  const { lastChecked, products } = raw;
  if (typeof lastChecked !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(lastChecked)) {
    throw catalogError('top level', 'lastChecked', `expected a YYYY-MM-DD date, got ${show(lastChecked)}`);
  }
  if (!Array.isArray(products) || products.length === 0) throw catalogError('top level', 'products', 'expected a non-empty array');
  const parsed = products.map((p: unknown, i) => parseProduct(p, i));
  checkCrossReferences(parsed);
  return { lastChecked, products: parsed };
}

function parseProduct(raw: unknown, index: number): Product {
  if (!isRaw(raw)) throw new Error(`instrument catalog: products[${index}] is not an object`);
  const root = raw.root;
  if (typeof root !== 'string' || !ROOT.test(root)) {
    throw catalogError(`products[${index}]`, 'root', `expected 1-6 upper-case letters or digits, got ${show(root)}`);
  }
  const where = `product "${root}"`;
  for (const key of Object.keys(raw)) if (!PRODUCT_FIELDS.has(key)) throw catalogError(where, key, 'unknown field');

  const text = (field: string, pattern?: RegExp, hint = 'a non-empty string'): string => {
    const v = raw[field];
    if (typeof v !== 'string' || v.trim() === '' || (pattern && !pattern.test(v))) throw catalogError(where, field, `expected ${hint}, got ${show(v)}`);
    return v;
  };
  const optionalRoot = (field: string): string | undefined => (raw[field] === undefined ? undefined : text(field, ROOT, 'a product root'));
  const positive = (field: string): Rational => {
    // Strings only: a JSON number such as 0.1 is already a binary approximation when parsed.
    const v = text(field, undefined, 'a decimal string such as "0.25"');
    let r: Rational;
    try {
      r = Rational.parse(v);
    } catch {
      throw catalogError(where, field, `not a decimal number: ${show(v)}`);
    }
    if (r.sign() <= 0) throw catalogError(where, field, `must be greater than zero, got ${show(v)}`);
    return r;
  };

  const exchange = EXCHANGES.find((e) => e === raw.exchange);
  if (exchange === undefined) throw catalogError(where, 'exchange', `expected one of ${EXCHANGES.join(', ')}, got ${show(raw.exchange)}`);

  const pointValue = positive('pointValue');
  const tickSize = positive('tickSize');
  const tickValue = pointValue.mul(tickSize);
  // PnL is kept in Money (1/10,000 USD); a tick value finer than that could not be booked exactly.
  if (tickValue.mulInt(MONEY_SCALE).den !== 1n) {
    throw catalogError(where, 'tickSize', `tick value ${tickValue.toDecimalString()} is not a whole number of 1/${MONEY_SCALE} USD`);
  }

  const rollDays = raw.rollDays;
  if (typeof rollDays !== 'number' || !Number.isInteger(rollDays) || rollDays < 0 || rollDays > MAX_ROLL_DAYS) {
    throw catalogError(where, 'rollDays', `expected a whole number of days 0-${MAX_ROLL_DAYS}, got ${show(rollDays)}`);
  }

  const micro = optionalRoot('micro');
  const full = optionalRoot('full');
  return Object.freeze({
    root,
    name: text('name'),
    exchange,
    family: text('family', FAMILY, 'a dotted lower-case family such as "equity.sp500"'),
    pointValue,
    tickSize,
    tickValue,
    ...(micro !== undefined ? { micro } : {}),
    ...(full !== undefined ? { full } : {}),
    months: Object.freeze(parseMonths(raw.months, where)),
    projectxRoot: text('projectxRoot', PROJECTX_ROOT, 'a ProjectX root (1-8 upper-case letters or digits)'),
    rollDays,
    expiry: Object.freeze(parseExpiry(raw.expiry, where)),
  });
}

function parseMonths(v: unknown, where: string): number[] {
  if (typeof v !== 'string' || v === '') throw catalogError(where, 'months', `expected month letters such as "HMUZ", got ${show(v)}`);
  const months: number[] = [];
  for (const letter of v) {
    const month = MONTH_CODES.indexOf(letter) + 1;
    if (month === 0) throw catalogError(where, 'months', `unknown month letter "${letter}" in ${show(v)} (letters are ${MONTH_CODES})`);
    if (months.includes(month)) throw catalogError(where, 'months', `month letter "${letter}" appears twice in ${show(v)}`);
    months.push(month);
  }
  return months.sort((a, b) => a - b);
}

function parseExpiry(v: unknown, where: string): ExpiryRule {
  if (!isRaw(v)) throw catalogError(where, 'expiry', `expected an object such as {"rule": "thirdFriday"}, got ${show(v)}`);
  const rule = v.rule;
  const simple = SIMPLE_RULES.find((r) => r === rule);
  if (simple !== undefined) {
    for (const key of Object.keys(v)) if (key !== 'rule') throw catalogError(where, `expiry.${key}`, `not used by rule "${simple}"`);
    return { rule: simple };
  }
  const counted = COUNTED_RULES.find((r) => r === rule);
  if (counted !== undefined) {
    for (const key of Object.keys(v)) if (key !== 'rule' && key !== 'days') throw catalogError(where, `expiry.${key}`, `not used by rule "${counted}"`);
    const days = v.days;
    if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > 10) {
      throw catalogError(where, 'expiry.days', `rule "${counted}" needs a whole number of business days 1-10, got ${show(days)}`);
    }
    return { rule: counted, days };
  }
  throw catalogError(where, 'expiry.rule', `unknown rule ${show(rule)} (known: ${[...SIMPLE_RULES, ...COUNTED_RULES].join(', ')})`);
}

/**
 * Links must form pairs: X.micro = Y exactly when Y.full = X for micros, and every `full` names a
 * full-size product of the same family with a larger point value. A mini (QM) points at its full
 * product without being that product's micro. Without this, micro fallback and notional sizing
 * could convert into another underlying.
 */
function checkCrossReferences(products: readonly Product[]): void {
  const byRoot = new Map<string, Product>();
  const byProjectX = new Map<string, string>();
  for (const p of products) {
    if (byRoot.has(p.root)) throw catalogError(`product "${p.root}"`, 'root', 'appears twice');
    byRoot.set(p.root, p);
    const other = byProjectX.get(p.projectxRoot);
    // ProjectX ids are mapped back to products by this root, so it must be unambiguous.
    if (other !== undefined) throw catalogError(`product "${p.root}"`, 'projectxRoot', `"${p.projectxRoot}" is already used by ${other}`);
    byProjectX.set(p.projectxRoot, p.root);
  }
  for (const p of products) {
    const where = `product "${p.root}"`;
    const link = (field: 'micro' | 'full', target: string): Product => {
      const t = byRoot.get(target);
      if (!t) throw catalogError(where, field, `links to unknown root "${target}"`);
      if (t.root === p.root) throw catalogError(where, field, 'links to itself');
      if (t.family !== p.family) throw catalogError(where, field, `"${target}" is in family ${t.family}, not ${p.family}`);
      return t;
    };
    if (p.micro !== undefined) {
      const m = link('micro', p.micro);
      if (m.full !== p.root) throw catalogError(where, 'micro', `"${m.root}" must link back with "full": "${p.root}"`);
    }
    if (p.full !== undefined) {
      const f = link('full', p.full);
      if (f.full !== undefined) throw catalogError(where, 'full', `"${f.root}" is itself a smaller variant of "${f.full}"; link to the full-size product`);
      if (p.pointValue.cmp(f.pointValue) >= 0) throw catalogError(where, 'full', `"${f.root}" must have a larger point value than ${p.root}`);
    }
  }
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import data from '../../resources/data/instruments.json';
import { contractCode, parseContractCode, type ContractCode } from './contractCode';
import { Catalog } from './instruments';
import { Rational } from './rational';

const catalog = Catalog.load();
const DAY_MS = 86_400_000;

const ALL_ROOTS = ['ES', 'MES', 'NQ', 'MNQ', 'YM', 'MYM', 'RTY', 'M2K', 'CL', 'MCL', 'QM', 'NG', 'QG', 'GC', 'MGC', 'SI', 'SIL', 'HG', 'MHG', '6E', 'M6E', '6B', 'M6B', '6J', 'ZB', 'ZN', 'ZF', 'ZT', 'UB', 'BTC', 'MBT', 'ETH', 'MET'];

/** An instant given as Chicago wall time with its explicit UTC offset (-06:00 CST, -05:00 CDT). */
const at = (iso: string): number => Date.parse(iso);
/** A ContractCode from its text, through the real constructor rather than a cast. */
function code(text: string): ContractCode {
  const { root, year, month } = parseContractCode(text);
  return contractCode(root, year, month);
}

/** Chicago calendar date of an instant, computed independently of the module under test. */
const chicagoDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Chicago', year: 'numeric', month: '2-digit', day: '2-digit' });

function ymd(d: { year: number; month: number; day: number }): string {
  return `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

function lastTradeOf(c: ContractCode): string {
  const { root, year, month } = parseContractCode(c);
  return ymd(catalog.lastTradeDay(root, year, month));
}

describe('bundled catalog', () => {
  it('covers every product of copy-semantics §4 and records when it was checked', () => {
    expect(catalog.lastChecked).toBe('2026-11-22');
    for (const root of ALL_ROOTS) expect(catalog.product(root), root).toBeDefined();
    expect(catalog.products().map((p) => p.root).sort()).toEqual([...ALL_ROOTS].sort());
    expect(catalog.product('XYZ')).toBeUndefined();
    expect(() => catalog.require('XYZ')).toThrow('unknown symbol "XYZ"');
  });

  it('has the exchange tick values in dollars, exactly', () => {
    const expected: Record<string, string> = {
      ES: '12.5', MES: '1.25', NQ: '5', MNQ: '0.5', YM: '5', MYM: '0.5', RTY: '5', M2K: '0.5',
      CL: '10', MCL: '1', QM: '12.5', NG: '10', QG: '12.5',
      GC: '10', MGC: '1', SI: '25', SIL: '5', HG: '12.5', MHG: '1.25',
      '6E': '6.25', M6E: '1.25', '6B': '6.25', M6B: '0.625', '6J': '6.25',
      ZB: '31.25', UB: '31.25', ZN: '15.625', ZF: '7.8125', ZT: '7.8125',
      BTC: '25', MBT: '0.5', ETH: '12.5', MET: '0.05',
    };
    for (const root of ALL_ROOTS) {
      const p = catalog.require(root);
      expect(p.tickValue.toDecimalString(), root).toBe(expected[root]);
      expect(p.tickValue.cmp(p.pointValue.mul(p.tickSize)), root).toBe(0);
    }
  });

  it('keeps binary-unfriendly specs exact', () => {
    const zn = catalog.require('ZN');
    expect(zn.tickSize.cmp(Rational.of(1, 64))).toBe(0);
    expect(zn.pointValue.toString()).toBe('1000');
    const zt = catalog.require('ZT');
    expect(zt.tickSize.cmp(Rational.of(1, 256))).toBe(0);
    expect(zt.pointValue.toString()).toBe('2000');
    const jy = catalog.require('6J');
    expect(jy.tickSize.toDecimalString(12)).toBe('0.0000005');
    expect(jy.pointValue.toString()).toBe('12500000');
    expect(catalog.require('MBT').pointValue.toDecimalString()).toBe('0.1');
  });

  it('links micros and minis symmetrically, always inside one family', () => {
    const micros: Record<string, string> = { ES: 'MES', NQ: 'MNQ', YM: 'MYM', RTY: 'M2K', CL: 'MCL', GC: 'MGC', SI: 'SIL', HG: 'MHG', '6E': 'M6E', '6B': 'M6B', BTC: 'MBT', ETH: 'MET' };
    for (const p of catalog.products()) {
      expect(p.micro, p.root).toBe(micros[p.root]);
      if (p.micro !== undefined) {
        const m = catalog.require(p.micro);
        expect(m.full, p.root).toBe(p.root);
        expect(catalog.sameFamily(p.root, m.root)).toBe(true);
        expect(m.pointValue.cmp(p.pointValue)).toBe(-1);
      }
      if (p.full !== undefined) {
        const f = catalog.require(p.full);
        expect(catalog.sameFamily(p.root, f.root), p.root).toBe(true);
        expect(f.full, `${f.root} is full-size`).toBeUndefined();
      }
    }
    // Minis point at their full product without being its micro.
    expect(catalog.require('QM').full).toBe('CL');
    expect(catalog.require('QG').full).toBe('NG');
    expect(catalog.require('QM').micro).toBeUndefined();
    expect(catalog.require('NG').micro).toBeUndefined();
    expect(catalog.require('6J').micro).toBeUndefined();
  });

  it('groups families by underlying', () => {
    expect(catalog.require('ES').family).toBe('equity.sp500');
    expect(catalog.sameFamily('ES', 'MES')).toBe(true);
    expect(catalog.sameFamily('CL', 'MCL') && catalog.sameFamily('CL', 'QM')).toBe(true);
    expect(catalog.sameFamily('NG', 'QG')).toBe(true);
    expect(catalog.sameFamily('MNQ', 'MES')).toBe(false);
    expect(catalog.sameFamily('ZN', 'ZB')).toBe(false);
    expect(catalog.sameFamily('ES', 'XYZ')).toBe(false);
  });

  it('gives point-value ratios as exact fractions', () => {
    expect(catalog.pointValueRatio('MNQ', 'NQ').toString()).toBe('1/10');
    expect(catalog.pointValueRatio('ES', 'MES').toString()).toBe('10');
    expect(catalog.pointValueRatio('QM', 'CL').toString()).toBe('1/2');
    expect(catalog.pointValueRatio('SIL', 'SI').toString()).toBe('1/5');
    expect(catalog.pointValueRatio('MBT', 'BTC').toString()).toBe('1/50');
    expect(catalog.pointValueRatio('MET', 'ETH').toString()).toBe('1/500');
    expect(() => catalog.pointValueRatio('ES', 'XYZ')).toThrow('unknown symbol "XYZ"');
  });

  it('knows which months each product lists', () => {
    expect(catalog.require('ES').months).toEqual([3, 6, 9, 12]);
    expect(catalog.lists('ES', 2026, 3)).toBe(true);
    expect(catalog.lists('ES', 2026, 1)).toBe(false);
    expect(catalog.lists('CL', 2026, 1)).toBe(true);
    expect(catalog.lists('GC', 2026, 4)).toBe(true);
    expect(catalog.lists('GC', 2026, 3)).toBe(false);
    expect(catalog.lists('SI', 2026, 5)).toBe(true);
    expect(catalog.lists('XYZ', 2026, 3)).toBe(false);
    expect(catalog.lists('ES', 2026, 15)).toBe(false);
  });
});

describe('last trade day', () => {
  it.each([
    ['ES', 2026, 3, '2026-03-20'], // third Friday
    ['MNQ', 2026, 12, '2026-12-18'],
    ['CL', 2026, 4, '2026-03-20'], // 3 business days before Wed 25 March
    ['CL', 2026, 2, '2026-01-20'], // 25 January is a Sunday: 4 business days before it
    ['CL', 2026, 5, '2026-04-21'], // 25 April is a Saturday
    ['MCL', 2026, 4, '2026-03-19'], // one business day before CL
    ['QM', 2026, 4, '2026-03-19'],
    ['NG', 2026, 3, '2026-02-25'], // 3rd last business day of the prior month
    ['NG', 2026, 4, '2026-03-27'],
    ['QG', 2026, 4, '2026-03-26'], // one business day before NG
    ['GC', 2026, 2, '2026-02-25'], // 3rd last business day of the contract month
    ['GC', 2026, 6, '2026-06-26'],
    ['MHG', 2026, 5, '2026-04-28'], // prior month, unlike HG
    ['HG', 2026, 5, '2026-05-27'],
    ['6E', 2026, 3, '2026-03-16'], // Monday before the third Wednesday
    ['6J', 2026, 9, '2026-09-14'],
    ['ZN', 2026, 3, '2026-03-20'], // 7 business days before Tue 31 March
    ['ZB', 2026, 6, '2026-06-19'],
    ['ZT', 2026, 3, '2026-03-31'], // last business day
    ['ZF', 2026, 9, '2026-09-30'],
    ['ZF', 2027, 12, '2027-12-31'],
    ['BTC', 2026, 3, '2026-03-27'], // last Friday
    ['MET', 2026, 7, '2026-07-31'],
  ] as const)('%s %i-%i ends on %s', (root, year, month, expected) => {
    expect(ymd(catalog.lastTradeDay(root, year, month))).toBe(expected);
  });

  it('never falls on a weekend', () => {
    for (const p of catalog.products()) {
      for (let year = 2026; year <= 2030; year++) {
        for (let month = 1; month <= 12; month++) {
          const d = catalog.lastTradeDay(p.root, year, month);
          const wd = new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay();
          expect(wd === 0 || wd === 6, `${p.root} ${year}-${month}`).toBe(false);
        }
      }
    }
  });

  it('refuses a bad month or unknown root', () => {
    expect(() => catalog.lastTradeDay('ES', 2026, 13)).toThrow(/month 13/);
    expect(() => catalog.lastTradeDay('XYZ', 2026, 3)).toThrow('unknown symbol "XYZ"');
  });
});

describe('front month', () => {
  it('holds the expiring equity contract until the roll Thursday, 8 days before expiry', () => {
    expect(catalog.frontMonth('ES', at('2026-03-02T09:30:00-06:00'))).toBe('ES:202603');
    expect(catalog.frontMonth('ES', at('2026-03-11T12:00:00-05:00'))).toBe('ES:202603');
    expect(catalog.frontMonth('ES', at('2026-03-12T09:30:00-05:00'))).toBe('ES:202606');
    expect(catalog.frontMonth('ES', at('2026-03-13T09:30:00-05:00'))).toBe('ES:202606');
    expect(catalog.frontMonth('MNQ', at('2026-11-30T09:30:00-06:00'))).toBe('MNQ:202612');
    expect(catalog.frontMonth('MNQ', at('2026-12-15T09:30:00-06:00'))).toBe('MNQ:202703');
  });

  it('switches at the 17:00 CT session open for the roll day, in summer time and winter time', () => {
    // June 2026: expiry Fri 19 June, roll Thu 11 June; its session opens Wed 10 June 17:00 CDT.
    expect(catalog.frontMonth('ES', at('2026-06-10T16:59:00-05:00'))).toBe('ES:202606');
    expect(catalog.frontMonth('ES', at('2026-06-10T17:00:00-05:00'))).toBe('ES:202609');
    // December 2026: expiry Fri 18 December, roll Thu 10 December; session opens Wed 9 Dec 17:00 CST.
    expect(catalog.frontMonth('ES', at('2026-12-09T16:59:00-06:00'))).toBe('ES:202612');
    expect(catalog.frontMonth('ES', at('2026-12-09T17:00:00-06:00'))).toBe('ES:202703');
    // 22:30 UTC on 9 Dec is 16:30 in Chicago: a UTC date would have rolled already.
    expect(catalog.frontMonth('ES', Date.UTC(2026, 11, 9, 22, 30))).toBe('ES:202612');
  });

  it('skips energy contracts that expired in the prior month', () => {
    // March CL (H6) expired 20 February; April (J6) expires 20 March and rolls 13 March.
    expect(catalog.frontMonth('CL', at('2026-03-02T09:30:00-06:00'))).toBe('CL:202604');
    expect(catalog.frontMonth('CL', at('2026-03-12T09:30:00-05:00'))).toBe('CL:202604');
    expect(catalog.frontMonth('CL', at('2026-03-13T09:30:00-05:00'))).toBe('CL:202605');
    expect(catalog.frontMonth('MCL', at('2026-03-02T09:30:00-06:00'))).toBe('MCL:202604');
    expect(catalog.frontMonth('QM', at('2026-03-13T09:30:00-05:00'))).toBe('QM:202605');
    // March NG expired 25 February; April expires 27 March.
    expect(catalog.frontMonth('NG', at('2026-03-02T09:30:00-06:00'))).toBe('NG:202604');
    expect(catalog.frontMonth('NG', at('2026-03-20T09:30:00-05:00'))).toBe('NG:202605');
  });

  it('rolls monthly crypto at expiry and metals and treasuries before first notice', () => {
    expect(catalog.frontMonth('BTC', at('2026-03-02T09:30:00-06:00'))).toBe('BTC:202603');
    expect(catalog.frontMonth('BTC', at('2026-03-26T09:30:00-05:00'))).toBe('BTC:202603');
    expect(catalog.frontMonth('BTC', at('2026-03-27T09:30:00-05:00'))).toBe('BTC:202604');
    expect(catalog.frontMonth('MBT', at('2026-04-01T09:30:00-05:00'))).toBe('MBT:202604');
    // April gold: first notice 31 March; the roll to June comes the week before.
    expect(catalog.frontMonth('GC', at('2026-03-02T09:30:00-06:00'))).toBe('GC:202604');
    expect(catalog.frontMonth('GC', at('2026-03-27T09:30:00-05:00'))).toBe('GC:202606');
    expect(catalog.frontMonth('MGC', at('2026-03-27T09:30:00-05:00'))).toBe('MGC:202606');
    // March silver and copper deliver from 1 March: on 2 March traders are in May.
    expect(catalog.frontMonth('SI', at('2026-03-02T09:30:00-06:00'))).toBe('SI:202605');
    expect(catalog.frontMonth('HG', at('2026-03-02T09:30:00-06:00'))).toBe('HG:202605');
    // March 10-year notes: first notice 27 February, so June is front from 20 February.
    expect(catalog.frontMonth('ZN', at('2026-02-19T09:30:00-06:00'))).toBe('ZN:202603');
    expect(catalog.frontMonth('ZN', at('2026-02-20T09:30:00-06:00'))).toBe('ZN:202606');
    expect(catalog.frontMonth('ZT', at('2026-03-02T09:30:00-06:00'))).toBe('ZT:202606');
    expect(catalog.frontMonth('6E', at('2026-03-02T09:30:00-06:00'))).toBe('6E:202603');
    expect(catalog.frontMonth('6E', at('2026-03-12T09:30:00-05:00'))).toBe('6E:202606');
  });

  it('refuses an unknown root', () => {
    expect(() => catalog.frontMonth('XYZ', at('2026-03-02T09:30:00-06:00'))).toThrow('unknown symbol "XYZ"');
  });

  it('is, for every product and every day of 2026-2028, a listed month still trading that day', () => {
    const start = Date.UTC(2026, 0, 1);
    const end = Date.UTC(2028, 11, 31);
    const problems: string[] = [];
    for (const p of catalog.products()) {
      const seen: ContractCode[] = [];
      for (let day = start; day <= end; day += DAY_MS) {
        const noonInChicago = day + 18 * 3_600_000; // 12:00 CST / 13:00 CDT, same Chicago date
        const today = new Date(day).toISOString().slice(0, 10);
        const front = catalog.frontMonth(p.root, noonInChicago);
        const { root, year, month } = parseContractCode(front);
        if (root !== p.root || !catalog.lists(root, year, month)) problems.push(`${p.root} on ${today}: ${front} is not a listed ${p.root} month`);
        if (lastTradeOf(front) < today) problems.push(`${p.root} on ${today}: ${front} stopped trading on ${lastTradeOf(front)}`);
        const previous = seen.at(-1);
        if (previous !== front) {
          // Never moves backwards, and never jumps over a listed month.
          if (previous !== undefined && nextListed(previous) !== front) problems.push(`${p.root} on ${today}: ${previous} → ${front}`);
          seen.push(front);
        }
      }
      // Three years of a product's cycle: every listed month took its turn as the front.
      if (seen.length < 3 * p.months.length) problems.push(`${p.root}: only ${seen.length} front months in 3 years`);
    }
    expect(problems).toEqual([]);
  });

  it('is still trading at any instant, evening sessions included', () => {
    const roots = fc.constantFrom(...ALL_ROOTS);
    const instants = fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2029, 0, 1) });
    fc.assert(
      fc.property(roots, instants, (root, atMs) => {
        const front = catalog.frontMonth(root, atMs);
        expect(lastTradeOf(front) >= chicagoDate.format(atMs)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('matches between a full-size product and its smaller variants on every weekday', () => {
    // MHG expires a month ahead of HG and so cannot roll on the same day; everything else must.
    const pairs = catalog.products().filter((p) => p.full !== undefined && p.root !== 'MHG');
    expect(pairs.length).toBe(13);
    const problems: string[] = [];
    for (let day = Date.UTC(2026, 0, 1); day <= Date.UTC(2028, 11, 31); day += DAY_MS) {
      const wd = new Date(day).getUTCDay();
      if (wd === 0 || wd === 6) continue;
      const noon = day + 18 * 3_600_000;
      for (const small of pairs) {
        const full = catalog.frontMonth(small.full ?? '', noon);
        const mine = catalog.frontMonth(small.root, noon);
        if (full.slice(full.indexOf(':')) !== mine.slice(mine.indexOf(':'))) problems.push(`${new Date(day).toISOString().slice(0, 10)}: ${full} but ${mine}`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('follower contract', () => {
  const march2 = at('2026-03-02T09:30:00-06:00');

  it("takes the leader's month when the follower lists it", () => {
    expect(catalog.followerContract(code('CL:202605'), 'QM', march2)).toBe('QM:202605');
    expect(catalog.followerContract(code('CL:202605'), 'MCL', march2)).toBe('MCL:202605');
    expect(catalog.followerContract(code('MNQ:202612'), 'NQ', march2)).toBe('NQ:202612');
    expect(catalog.followerContract(code('ES:202606'), 'MES', march2)).toBe('MES:202606');
    // After the roll the leader may still hold the old month; the follower follows it, not the front.
    expect(catalog.followerContract(code('ES:202603'), 'MES', at('2026-03-16T09:30:00-05:00'))).toBe('MES:202603');
  });

  it("takes the follower's front month when the leader's month is not listed", () => {
    // A contract mapping from gold to silver: SI has no April contract.
    expect(catalog.followerContract(code('GC:202604'), 'SI', march2)).toBe('SI:202605');
    // Copper to micro gold: MGC has no July.
    expect(catalog.followerContract(code('HG:202607'), 'MGC', march2)).toBe('MGC:202604');
    // CL is monthly, ES quarterly.
    expect(catalog.followerContract(code('CL:202605'), 'ES', march2)).toBe('ES:202603');
  });

  it('treats a follower month that has stopped trading as not listed', () => {
    // CL April trades until 20 March; MCL April stopped on 19 March.
    const march20 = at('2026-03-20T09:30:00-05:00');
    expect(catalog.followerContract(code('CL:202604'), 'MCL', march20)).toBe('MCL:202605');
    expect(catalog.followerContract(code('CL:202604'), 'MCL', at('2026-03-19T09:30:00-05:00'))).toBe('MCL:202604');
  });

  it("keeps the leader's own contract on the leader's root, even a serial month outside the cycle", () => {
    expect(catalog.followerContract(code('GC:202603'), 'GC', march2)).toBe('GC:202603');
  });

  it('refuses an unknown follower root', () => {
    expect(() => catalog.followerContract(code('ES:202603'), 'XYZ', march2)).toThrow('unknown symbol "XYZ"');
  });
});

describe('refusing bad catalog data', () => {
  type RawCatalog = Record<string, unknown> & { products: Record<string, unknown>[] };

  function raw(): RawCatalog {
    return structuredClone(data);
  }

  /** The bundled data with one product's fields replaced (undefined deletes the field). */
  function withProduct(root: string, patch: Record<string, unknown>): RawCatalog {
    const copy = raw();
    const p = copy.products.find((x) => x.root === root);
    if (!p) throw new Error(`test setup: no ${root}`);
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined) Reflect.deleteProperty(p, k);
      else p[k] = v;
    }
    return copy;
  }

  it('accepts the bundled data as it is', () => {
    expect(Catalog.fromData(raw()).products().length).toBe(ALL_ROOTS.length);
  });

  it.each([
    ['ES', { pointValue: 'abc' }, /product "ES", field "pointValue": not a decimal number: "abc"/],
    ['ES', { pointValue: 50 }, /product "ES", field "pointValue": expected a decimal string/],
    ['ZN', { tickSize: '0' }, /product "ZN", field "tickSize": must be greater than zero/],
    ['ZN', { tickSize: '-0.015625' }, /product "ZN", field "tickSize": must be greater than zero/],
    ['ES', { tickSize: '0.000001' }, /product "ES", field "tickSize": tick value 0.00005 is not a whole number/],
    ['ES', { months: 'HMUA' }, /product "ES", field "months": unknown month letter "A"/],
    ['ES', { months: 'HMUH' }, /product "ES", field "months": month letter "H" appears twice/],
    ['ES', { months: '' }, /product "ES", field "months"/],
    ['ES', { micro: 'XYZ' }, /product "ES", field "micro": links to unknown root "XYZ"/],
    ['ES', { micro: 'MNQ' }, /product "ES", field "micro": "MNQ" is in family equity.nasdaq100/],
    ['MES', { full: 'NQ' }, /field "(micro|full)"/],
    ['QM', { full: 'MCL' }, /product "QM", field "full": "MCL" is itself a smaller variant of "CL"/],
    ['MES', { pointValue: '50' }, /field "full": "ES" must have a larger point value/],
    ['ES', { exchange: 'CBOE' }, /product "ES", field "exchange": expected one of CME, CBOT, NYMEX, COMEX, got "CBOE"/],
    ['ES', { family: 'Equity SP' }, /product "ES", field "family"/],
    ['ES', { name: '' }, /product "ES", field "name"/],
    ['ES', { rollDays: -1 }, /product "ES", field "rollDays"/],
    ['ES', { rollDays: 2.5 }, /product "ES", field "rollDays"/],
    ['ES', { rollDays: undefined }, /product "ES", field "rollDays": expected a whole number of days 0-45, got nothing/],
    ['ES', { expiry: { rule: 'thirdMonday' } }, /product "ES", field "expiry.rule": unknown rule "thirdMonday"/],
    ['ES', { expiry: 'thirdFriday' }, /product "ES", field "expiry"/],
    ['CL', { expiry: { rule: 'businessDaysBefore25thOfPriorMonth' } }, /product "CL", field "expiry.days"/],
    ['ES', { expiry: { rule: 'thirdFriday', days: 3 } }, /product "ES", field "expiry.days": not used/],
    ['ES', { projectxRoot: 'ENQ' }, /product "NQ", field "projectxRoot": "ENQ" is already used by ES/],
    ['ES', { projectxRoot: 'e.p' }, /product "ES", field "projectxRoot"/],
    ['ES', { tickSzie: '0.25' }, /product "ES", field "tickSzie": unknown field/],
    ['ES', { root: 'es' }, /products\[0\], field "root"/],
    ['MES', { root: 'ES' }, /field "(root|micro|full)"/],
  ] as const)('refuses %s with %j', (root, patch, message) => {
    expect(() => Catalog.fromData(withProduct(root, patch))).toThrow(message);
  });

  it('refuses a malformed top level', () => {
    expect(() => Catalog.fromData(null)).toThrow(/top level/);
    expect(() => Catalog.fromData({ ...raw(), lastChecked: 'yesterday' })).toThrow(/field "lastChecked"/);
    expect(() => Catalog.fromData({ ...raw(), products: [] })).toThrow(/field "products"/);
    expect(() => Catalog.fromData({ ...raw(), extra: 1 })).toThrow(/field "extra": unknown field/);
    expect(() => Catalog.fromData({ ...raw(), products: [...raw().products, 'ES'] })).toThrow(/products\[33\] is not an object/);
    const dup = raw();
    dup.products.push({ ...dup.products[0], projectxRoot: 'EP2' });
    expect(() => Catalog.fromData(dup)).toThrow(/product "ES", field "root": appears twice/);
  });
});

/** The next listed contract after `c` for its product. */
function nextListed(c: ContractCode): ContractCode {
  const { root, year, month } = parseContractCode(c);
  const p = catalog.require(root);
  for (let i = 1; i <= 12; i++) {
    const m = ((month - 1 + i) % 12) + 1;
    const y = year + Math.floor((month - 1 + i) / 12);
    if (p.months.includes(m)) return contractCode(root, y, m);
  }
  throw new Error(`no listed month after ${c}`);
}

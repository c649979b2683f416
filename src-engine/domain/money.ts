import { Rational } from './rational';

/**
 * Money is an integer count of 1/10,000 USD. Tick values of listed futures are all multiples of
 * $0.0001 (ZN $15.625, ZT $7.8125, MET $0.025), so every fill's PnL is an exact integer here and
 * sums never drift. Safe up to ±$900 billion.
 */
export type Money = number & { readonly __brand: 'Money' };

export const MONEY_SCALE = 10_000;

export function money(units: number): Money {
  if (!Number.isSafeInteger(units)) throw new RangeError(`money: ${units} is not an integer amount`);
  return units as Money;
}

export const ZERO_MONEY = money(0);

/** From a broker's decimal dollar amount (50000, 49987.5). Brokers send at most 4 decimals. */
export function moneyFromDollars(dollars: number): Money {
  if (!Number.isFinite(dollars)) throw new RangeError(`money: ${dollars} is not a finite amount`);
  return money(Math.round(dollars * MONEY_SCALE));
}

export function moneyFromRational(r: Rational): Money {
  return money(r.mul(Rational.of(MONEY_SCALE)).roundHalfAwayFromZero());
}

export function moneyToRational(m: Money): Rational {
  return Rational.of(m, MONEY_SCALE);
}

export function addMoney(a: Money, b: Money): Money {
  return money(a + b);
}

export function subMoney(a: Money, b: Money): Money {
  return money(a - b);
}

export function moneyToDollars(m: Money): number {
  return m / MONEY_SCALE;
}

/** "$1,234.50" / "-$500.00" for people; cents shown, sub-cent digits only when present. */
export function formatMoney(m: Money): string {
  const neg = m < 0;
  const abs = Math.abs(m);
  const whole = Math.floor(abs / MONEY_SCALE);
  const frac = abs % MONEY_SCALE;
  const fracText = frac % 100 === 0 ? String(frac / 100).padStart(2, '0') : String(frac).padStart(4, '0');
  return `${neg ? '-' : ''}$${whole.toLocaleString('en-US')}.${fracText}`;
}

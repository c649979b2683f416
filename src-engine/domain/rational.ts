/**
 * Exact rational numbers on bigint. Sizing multiplies ratios like 0.29 or 0.7 by balances and
 * point values; in binary floating point 0.29 * 100 is 28.999999999999996 and floor() would lose a
 * contract. Every sizing product here is a fraction of integers and is rounded exactly once.
 */
export class Rational {
  private constructor(
    readonly num: bigint,
    readonly den: bigint,
  ) {}

  static readonly ZERO: Rational = new Rational(0n, 1n);
  static readonly ONE: Rational = new Rational(1n, 1n);

  static of(num: bigint | number, den: bigint | number = 1n): Rational {
    const n = typeof num === 'number' ? toBigIntExact(num) : num;
    const d = typeof den === 'number' ? toBigIntExact(den) : den;
    if (d === 0n) throw new RangeError('Rational: zero denominator');
    return Rational.normalise(n, d);
  }

  /**
   * Parses a plain decimal string ("0.29", "-12.5", "1000"). Exponent notation and anything else
   * is refused: these strings come from config and scenario files, where a typo must not pass.
   */
  static parse(text: string): Rational {
    const m = /^([+-]?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
    if (!m) throw new RangeError(`not a decimal number: "${text}"`);
    const [, sign, whole = '0', frac = ''] = m;
    const den = 10n ** BigInt(frac.length);
    const num = BigInt(whole + frac) * (sign === '-' ? -1n : 1n);
    return Rational.normalise(num, den);
  }

  /**
   * Reads what toString() writes ("7", "-1/3") or a plain decimal ("0.25"). Memoised: sizing reads
   * the same few factors on every fill, and values are immutable.
   */
  static fromString(text: string): Rational {
    const hit = parsed.get(text);
    if (hit) return hit;
    const m = /^(-?\d+)\/(\d+)$/.exec(text.trim());
    const r = m ? Rational.of(BigInt(m[1] ?? '0'), BigInt(m[2] ?? '1')) : Rational.parse(text);
    if (parsed.size > 10_000) parsed.clear();
    parsed.set(text, r);
    return r;
  }

  /**
   * From a JS number that was written as a decimal literal (a YAML `ratio: 0.29`). The shortest
   * round-trip string of a double is exactly the literal the user typed, so parsing that string
   * recovers the intended decimal instead of the binary approximation.
   */
  static fromDecimalNumber(value: number): Rational {
    if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
    const text = String(value);
    if (/e/i.test(text)) {
      const fixed = value.toFixed(20).replace(/0+$/, '').replace(/\.$/, '');
      return Rational.parse(fixed);
    }
    return Rational.parse(text);
  }

  add(o: Rational): Rational {
    return Rational.normalise(this.num * o.den + o.num * this.den, this.den * o.den);
  }
  sub(o: Rational): Rational {
    return Rational.normalise(this.num * o.den - o.num * this.den, this.den * o.den);
  }
  mul(o: Rational): Rational {
    return Rational.normalise(this.num * o.num, this.den * o.den);
  }
  div(o: Rational): Rational {
    if (o.num === 0n) throw new RangeError('Rational: division by zero');
    return Rational.normalise(this.num * o.den, this.den * o.num);
  }
  mulInt(n: number): Rational {
    return Rational.normalise(this.num * toBigIntExact(n), this.den);
  }

  cmp(o: Rational): -1 | 0 | 1 {
    const l = this.num * o.den;
    const r = o.num * this.den;
    return l < r ? -1 : l > r ? 1 : 0;
  }
  isZero(): boolean {
    return this.num === 0n;
  }
  sign(): -1 | 0 | 1 {
    return this.num < 0n ? -1 : this.num > 0n ? 1 : 0;
  }

  floor(): number {
    const q = this.num / this.den;
    const exact = q * this.den === this.num;
    return Number(this.num < 0n && !exact ? q - 1n : q);
  }
  ceil(): number {
    const q = this.num / this.den;
    const exact = q * this.den === this.num;
    return Number(this.num > 0n && !exact ? q + 1n : q);
  }
  /** Round half away from zero: 0.5 → 1, -0.5 → -1, 1.49 → 1. */
  roundHalfAwayFromZero(): number {
    const abs = this.num < 0n ? -this.num : this.num;
    const r = Number((2n * abs + this.den) / (2n * this.den));
    return this.num < 0n ? -r : r;
  }

  toNumber(): number {
    return Number(this.num) / Number(this.den);
  }
  toString(): string {
    return this.den === 1n ? this.num.toString() : `${this.num}/${this.den}`;
  }
  /** Decimal text when the value is a terminating decimal within `maxDigits`, else "num/den". */
  toDecimalString(maxDigits = 12): string {
    for (let digits = 0; digits <= maxDigits; digits++) {
      const scale = 10n ** BigInt(digits);
      if ((this.num * scale) % this.den !== 0n) continue;
      const v = (this.num * scale) / this.den;
      const neg = v < 0n;
      const s = (neg ? -v : v).toString().padStart(digits + 1, '0');
      const text = digits === 0 ? s : `${s.slice(0, s.length - digits)}.${s.slice(s.length - digits)}`;
      return neg ? `-${text}` : text;
    }
    return this.toString();
  }

  /** The one way to build a value: sign on the numerator, lowest terms. */
  private static normalise(num: bigint, den: bigint): Rational {
    if (den < 0n) {
      num = -num;
      den = -den;
    }
    const g = gcd(num, den);
    return g > 1n ? new Rational(num / g, den / g) : new Rational(num, den);
  }
}

const parsed = new Map<string, Rational>();

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}


function toBigIntExact(n: number): bigint {
  if (!Number.isSafeInteger(n)) throw new RangeError(`Rational: ${n} is not a safe integer`);
  return BigInt(n);
}

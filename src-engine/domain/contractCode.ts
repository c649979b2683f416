/**
 * The one internal contract form: `ROOT:YYYYMM` (e.g. `MNQ:202612` for Micro Nasdaq December
 * 2026). Every adapter translates its broker's names (Tradovate `MNQZ6`, ProjectX
 * `CON.F.US.MNQ.Z26`) to and from this, so the engine never sees a broker's spelling.
 */
export type ContractCode = string & { readonly __brand: 'ContractCode' };

/** CME month codes, January to December. */
export const MONTH_CODES = 'FGHJKMNQUVXZ';

const PATTERN = /^([A-Z0-9]{1,6}):(\d{4})(0[1-9]|1[0-2])$/;

export function contractCode(root: string, year: number, month: number): ContractCode {
  if (!/^[A-Z0-9]{1,6}$/.test(root)) throw new Error(`contract: "${root}" is not a product root`);
  if (!Number.isInteger(year) || year < 2000 || year > 2099) throw new Error(`contract: year ${year} is out of range`);
  if (!Number.isInteger(month) || month < 1 || month > 12) throw new Error(`contract: month ${month} is out of range`);
  return `${root}:${year}${String(month).padStart(2, '0')}` as ContractCode;
}

export function isContractCode(s: string): s is ContractCode {
  return PATTERN.test(s);
}

export function parseContractCode(code: string): { root: string; year: number; month: number } {
  const m = PATTERN.exec(code);
  if (!m) throw new Error(`contract: "${code}" is not of the form ROOT:YYYYMM`);
  return { root: m[1] ?? '', year: Number(m[2]), month: Number(m[3]) };
}

export function rootOf(code: ContractCode): string {
  return parseContractCode(code).root;
}

export function monthCodeOf(month: number): string {
  const c = MONTH_CODES[month - 1];
  if (c === undefined) throw new Error(`contract: month ${month} is out of range`);
  return c;
}

export function monthOfCode(letter: string): number {
  const i = MONTH_CODES.indexOf(letter.toUpperCase());
  if (i < 0 || letter.length !== 1) throw new Error(`contract: "${letter}" is not a month code (${MONTH_CODES})`);
  return i + 1;
}

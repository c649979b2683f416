/**
 * Tradovate contract names ↔ the internal ContractCode (`ROOT:YYYYMM`). Tradovate writes the root,
 * the CME month letter and ONE digit of the year (`MNQZ6`, `6EH7`, `M2KZ6`, §5.11), so the decade
 * is inferred: the earliest year ending in that digit whose contract month is no more than a year
 * in the past. A name a few months old still means the contract that just expired, not one nine
 * years out; a name for a month long gone rolls to the next decade.
 */
import { contractCode, monthCodeOf, MONTH_CODES, parseContractCode, type ContractCode } from '../../domain/contractCode';
import { decoded, failed, type Decoded } from './codec';

const NAME = /^([A-Z0-9]{1,6}?)([FGHJKMNQUVXZ])(\d)$/;

export function toTradovateSymbol(code: ContractCode): string {
  const { root, year, month } = parseContractCode(code);
  return `${root}${monthCodeOf(month)}${year % 10}`;
}

export function fromTradovateSymbol(name: string, nowMs: number): Decoded<ContractCode> {
  const m = NAME.exec(name.trim().toUpperCase());
  if (!m) return failed(`not a Tradovate contract name: ${name.slice(0, 40)}`);
  const [, root = '', letter = '', digitText = ''] = m;
  const month = MONTH_CODES.indexOf(letter) + 1;
  if (month < 1 || root.length === 0) return failed(`not a Tradovate contract name: ${name.slice(0, 40)}`);
  try {
    return decoded(contractCode(root, resolveDecade(Number(digitText), month, nowMs), month));
  } catch (e) {
    return failed(e instanceof Error ? e.message : String(e));
  }
}

/** The earliest year ending in `digit` whose (year, month) is not before one year ago. */
export function resolveDecade(digit: number, month: number, nowMs: number): number {
  const now = new Date(nowMs);
  const floor = (now.getUTCFullYear() - 1) * 12 + now.getUTCMonth(); // months since year 0, a year ago
  let year = Math.floor((now.getUTCFullYear() - 1) / 10) * 10 + digit;
  while (year * 12 + (month - 1) < floor) year += 10;
  return year;
}

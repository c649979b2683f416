/**
 * What the risk engine needs to know about a product: its tick size and the dollar value of one
 * tick. Kept as a narrow structural interface so the risk code depends on two numbers, not on how
 * the catalog (src-engine/domain/instruments.ts) is loaded; the real Catalog satisfies it.
 */
import { parseContractCode, type ContractCode } from '../domain/contractCode';
import type { Rational } from '../domain/rational';

export type { ContractCode };

export interface RiskProduct {
  /** Minimum price increment, exact (ES 1/4, ZN 1/64). */
  readonly tickSize: Rational;
  /** Dollars per tick per contract, exact (ES 12.5, ZN 15.625). */
  readonly tickValue: Rational;
}

export interface RiskCatalog {
  /** Throws for an unknown root. */
  require(root: string): RiskProduct;
}

/** The root of an internal contract code (`ROOT:YYYYMM`); throws for anything else. */
export function rootOfContract(contract: ContractCode): string {
  return parseContractCode(contract).root;
}

/**
 * What a fill cost in fees, and where that figure came from. A prop firm judges an account on its
 * PnL net of commissions and exchange fees, so every risk figure is net of them too.
 *
 * Order of trust: the broker's own figure for the fill (ProjectX trade `fees`, Tradovate fillFee,
 * paper) → the account's fee schedule (a firm preset's, or the trader's own) × contracts → nothing,
 * which the Risk screen shows as "fees not counted" rather than pretending they are zero.
 * A scheduled figure is an estimate: the broker's own, when it arrives later, replaces it.
 */
import type { RiskRulesInput } from '../api/config';
import { money, type Money } from '../domain/money';
import { rootOfContract, type ContractCode } from './product';
import { dollarsToMoney } from './rules';

export type FeeSource = 'broker' | 'preset' | 'account' | 'none';

export interface FeeSchedule {
  /** Root → Money per contract per side. */
  readonly perSide: ReadonlyMap<string, Money>;
  readonly source: 'preset' | 'account';
  /** The preset id when source is 'preset'. */
  readonly preset: string | undefined;
}

export interface FillFee {
  readonly fees: Money;
  readonly source: FeeSource;
}

export function compileFeeSchedule(input: RiskRulesInput['fees']): FeeSchedule | undefined {
  if (!input) return undefined;
  const perSide = new Map<string, Money>();
  for (const [root, rate] of Object.entries(input.perSide)) perSide.set(root, dollarsToMoney(rate));
  return { perSide, source: input.preset !== undefined ? 'preset' : 'account', preset: input.preset };
}

/**
 * The fee of one fill: the broker's when given, else the schedule's rate for its root × qty. A
 * root the schedule does not list is charged nothing by it, and then the figure's source is 'none'.
 */
export function feeOfFill(fill: { readonly contract: ContractCode; readonly qty: number; readonly fees?: Money | undefined }, schedule: FeeSchedule | undefined): FillFee {
  if (fill.fees !== undefined) return { fees: fill.fees, source: 'broker' };
  const rate = schedule?.perSide.get(rootOfContract(fill.contract));
  if (schedule === undefined || rate === undefined) return { fees: money(0), source: 'none' };
  return { fees: money(rate * fill.qty), source: schedule.source };
}

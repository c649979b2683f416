/**
 * ProjectX brackets are offsets in ticks from the entry (§6.1), while the engine speaks absolute
 * prices. The conversion is exact (rationals, never floats) and signed the way several clients
 * send it: below the reference negative, above positive — a long's stop negative and target
 * positive, a short's the other way round.
 */
import { Rational } from '../../domain/rational';
import { OrderType } from './wireEnums';

export function ticksBetween(price: number, reference: number, tickSize: Rational): number {
  return Rational.fromDecimalNumber(price).sub(Rational.fromDecimalNumber(reference)).div(tickSize).roundHalfAwayFromZero();
}

/** The two bracket fields of an Order/place body: a Stop for the loss, a Limit for the profit. */
export function bracketFields(bracket: { readonly stopLoss?: number | undefined; readonly takeProfit?: number | undefined }, reference: number, tickSize: Rational): Record<string, { ticks: number; type: number }> {
  return {
    ...(bracket.stopLoss !== undefined ? { stopLossBracket: { ticks: ticksBetween(bracket.stopLoss, reference, tickSize), type: OrderType.Stop } } : {}),
    ...(bracket.takeProfit !== undefined ? { takeProfitBracket: { ticks: ticksBetween(bracket.takeProfit, reference, tickSize), type: OrderType.Limit } } : {}),
  };
}

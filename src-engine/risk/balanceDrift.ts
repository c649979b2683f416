/**
 * The broker's balance against the engine's own. The engine computes cash exactly from fills and
 * fees, but the broker's figure is what the firm judges: an adjustment, a fee the engine did not
 * know or a fill it never saw shows up only there. A difference beyond a cent is a drift: it is
 * shown with both numbers, and the risk rules act on the lower cash (a loss rule fires no later
 * than either figure says). The broker's figure is compared only while it is newer than the
 * engine's last fill (see RiskEngine's brokerCash); a balance event ahead of its fill makes a
 * drift that lasts until the fill arrives, in the conservative direction only if it was a loss.
 */
import { money, type Money } from '../domain/money';

/** One cent in Money units: brokers round balances to cents. */
export const DRIFT_TOLERANCE: Money = money(100);

export interface BalanceDrift {
  readonly broker: Money;
  readonly engine: Money;
  /** broker − engine. */
  readonly difference: Money;
}

export function balanceDrift(engineCash: Money, brokerCash: Money | undefined): BalanceDrift | undefined {
  if (brokerCash === undefined) return undefined;
  const difference = brokerCash - engineCash;
  if (Math.abs(difference) <= DRIFT_TOLERANCE) return undefined;
  return { broker: brokerCash, engine: engineCash, difference: money(difference) };
}

/** The cash the rules act on: the lower of the two while they drift apart, else the engine's exact figure. */
export function conservativeCash(engineCash: Money, brokerCash: Money | undefined): Money {
  const d = balanceDrift(engineCash, brokerCash);
  return d !== undefined && d.broker < engineCash ? d.broker : engineCash;
}

/**
 * Plain words for where an account's risk figures come from: the fees they are net of, and the
 * broker's balance when it differs from Mirrorfill's own.
 */
import type { FeesView } from '../../src-engine/api/views';
import { money } from './format';

/** "fees $25.00 from the broker" — what the day's figures already take off, and on whose word. */
export function feesText(f: FeesView): string {
  const amount = `fees ${money(f.today)}`;
  switch (f.source) {
    case 'broker':
      return `${amount} from the broker`;
    case 'preset':
    case 'account':
      return `${amount} estimated from ${f.schedule?.label ?? 'your figures'}`;
    case 'none':
      return 'fees not counted: the broker gave none and no fee schedule covers this product';
    case undefined:
      return f.schedule ? `fees: the broker's, else ${f.schedule.label}` : "fees: the broker's, when it reports them";
  }
}

/** "Broker $49,700.00 · Mirrorfill $50,000.00: limits use the lower" */
export function driftText(d: { readonly broker: number; readonly engine: number }): string {
  return `Broker ${money(d.broker)} · Mirrorfill ${money(d.engine)}: limits use the lower`;
}

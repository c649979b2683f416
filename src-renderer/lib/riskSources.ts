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

/** "At the snapshot of 14:02:11 the broker had $49,700.00 where Mirrorfill had $50,000.00; the broker's was taken" */
export function snapshotDriftText(d: { readonly broker: number; readonly engine: number }, when: string): string {
  return `At the broker's snapshot of ${when} it had ${money(d.broker)} where Mirrorfill had ${money(d.engine)}; the broker's figure was taken`;
}

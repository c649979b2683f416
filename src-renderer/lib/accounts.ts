import type { AccountView, SnapshotView } from '../../src-engine/api/views';

export function accountById(snap: SnapshotView | undefined, id: string | null | undefined): AccountView | undefined {
  if (!snap || !id) return undefined;
  return snap.accounts.find((a) => a.id === id);
}

/** The name the trader knows the account by; the id when it is not known (yet). */
export function accountName(snap: SnapshotView | undefined, id: string | null | undefined): string {
  if (!id) return '—';
  return accountById(snap, id)?.name ?? id;
}

export const BROKER_LABEL: Record<AccountView['broker'], string> = { tradovate: 'Tradovate', projectx: 'ProjectX', paper: 'Paper' };

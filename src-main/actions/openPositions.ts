import type { SnapshotView } from '../../src-engine/api/views';

/** Open positions across every account the engine knows (leader and followers alike). */
export function openPositions(s: SnapshotView): { readonly positions: number; readonly accounts: number } {
  let positions = 0;
  let accounts = 0;
  for (const a of s.accounts) {
    const open = a.positions.filter((p) => p.netPos !== 0).length;
    positions += open;
    if (open > 0) accounts++;
  }
  return { positions, accounts };
}

/**
 * Product families, mirroring resources/data/instruments.json (a unit test checks they agree).
 * A cross symbol may only name a root of the same family (MNQ → NQ yes, MNQ → MES no).
 */
export const FAMILIES: Readonly<Record<string, readonly string[]>> = {
  'equity.sp500': ['ES', 'MES'],
  'equity.nasdaq100': ['NQ', 'MNQ'],
  'equity.dow': ['YM', 'MYM'],
  'equity.russell2000': ['RTY', 'M2K'],
  'energy.crude': ['CL', 'MCL', 'QM'],
  'energy.natgas': ['NG', 'QG'],
  'metals.gold': ['GC', 'MGC'],
  'metals.silver': ['SI', 'SIL'],
  'metals.copper': ['HG', 'MHG'],
  'fx.eurusd': ['6E', 'M6E'],
  'fx.gbpusd': ['6B', 'M6B'],
  'fx.jpyusd': ['6J'],
  'rates.ust30y': ['ZB'],
  'rates.ustultra30y': ['UB'],
  'rates.ust10y': ['ZN'],
  'rates.ust5y': ['ZF'],
  'rates.ust2y': ['ZT'],
  'crypto.bitcoin': ['BTC', 'MBT'],
  'crypto.ether': ['ETH', 'MET'],
};

const FAMILY_OF: ReadonlyMap<string, string> = new Map(Object.entries(FAMILIES).flatMap(([family, roots]) => roots.map((r) => [r, family] as const)));

export function familyOf(root: string): string | undefined {
  return FAMILY_OF.get(root);
}

export function knownRoot(root: string): boolean {
  return FAMILY_OF.has(root);
}

/** The other roots a follower may trade instead of `root` (same family, not itself). */
export function crossChoices(root: string): readonly string[] {
  const family = FAMILY_OF.get(root);
  return family ? (FAMILIES[family] ?? []).filter((r) => r !== root) : [];
}

export const ALL_ROOTS: readonly string[] = Object.values(FAMILIES).flat();

/**
 * Per-account platform settings the Gateway API cannot change but reacts to (§6.1, §6.3, §13):
 * bracket mode, copy-trading follower, simulated vs live, and the canTrade lock.
 */
export type BracketMode = 'autoOco' | 'position';

export interface SimAccountFlags {
  /** Auto OCO Brackets accept bracket fields on place; Position Brackets reject them (code 2). */
  bracketMode: BracketMode;
  /** Copy-trading followers cannot cancel through the API (cancel code 6). */
  follower: boolean;
  /** Only simulated accounts may cancel through the API (§6.3). */
  simulated: boolean;
  canTrade: boolean;
}

export const DEFAULT_ACCOUNT_FLAGS: Readonly<SimAccountFlags> = { bracketMode: 'autoOco', follower: false, simulated: true, canTrade: true };

export class SimAccountSettings {
  private readonly flags = new Map<number, SimAccountFlags>();

  get(accountId: number): SimAccountFlags {
    let f = this.flags.get(accountId);
    if (!f) {
      f = { ...DEFAULT_ACCOUNT_FLAGS };
      this.flags.set(accountId, f);
    }
    return f;
  }

  set(accountId: number, change: Partial<SimAccountFlags>): void {
    Object.assign(this.get(accountId), change);
  }
}

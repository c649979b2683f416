/**
 * A command the engine refuses: bad input or a rule it would break. It names the field and what
 * is wrong, and the refusing code has changed nothing.
 */
export interface Issue {
  /** Dotted path of the offending field ("followers[1].ratio"), or "" for the whole request. */
  readonly field: string;
  readonly message: string;
}

export class Refusal extends Error {
  readonly issues: readonly Issue[];

  constructor(issues: readonly Issue[] | string) {
    const list = typeof issues === 'string' ? [{ field: '', message: issues }] : issues;
    super(list.map((i) => (i.field ? `${i.field}: ${i.message}` : i.message)).join('; '));
    this.name = 'Refusal';
    this.issues = list;
  }
}

export function refuseIf(issues: readonly Issue[]): void {
  if (issues.length > 0) throw new Refusal(issues);
}

/** Minimal, strict option parsing for the CLI: unknown options are errors, values are checked. */
export interface ParsedArgs {
  readonly positional: readonly string[];
  readonly options: ReadonlyMap<string, string | true>;
}

export class UsageError extends Error {}

export function parseArgs(args: readonly string[], spec: Readonly<Record<string, 'flag' | 'value'>>): ParsedArgs {
  const positional: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const [name = '', inline] = a.slice(2).split('=', 2);
    const kind = spec[name];
    if (kind === undefined) throw new UsageError(`unknown option --${name}`);
    if (kind === 'flag') options.set(name, true);
    else {
      const v = inline ?? args[++i];
      if (v === undefined) throw new UsageError(`--${name} needs a value`);
      options.set(name, v);
    }
  }
  return { positional, options };
}

export function portOption(p: ParsedArgs): number {
  const v = p.options.get('port');
  if (v === undefined) return 0;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--port must be 0..65535 (0 = any free port), got ${String(v)}`);
  return n;
}

export function stringOption(p: ParsedArgs, name: string): string | undefined {
  const v = p.options.get(name);
  return typeof v === 'string' ? v : undefined;
}

/**
 * Strict option parsing for the CLI on `node:util` parseArgs: unknown options are errors, values
 * are checked, and `--name=value` keeps every `=` of its value.
 */
import { parseArgs as parseNodeArgs } from 'node:util';

export interface ParsedArgs {
  readonly positional: readonly string[];
  readonly options: ReadonlyMap<string, string | true>;
}

export class UsageError extends Error {}

export function parseArgs(args: readonly string[], spec: Readonly<Record<string, 'flag' | 'value'>>): ParsedArgs {
  const options: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const [name, kind] of Object.entries(spec)) options[name] = { type: kind === 'flag' ? 'boolean' : 'string' };
  let parsed: ReturnType<typeof parseNodeArgs>;
  try {
    parsed = parseNodeArgs({ args: [...args], options, strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError(usageMessage(err));
  }
  const out = new Map<string, string | true>();
  for (const [name, value] of Object.entries(parsed.values)) {
    if (typeof value === 'string') out.set(name, value);
    else if (value === true) out.set(name, true);
  }
  return { positional: parsed.positionals, options: out };
}

/** parseArgs's messages, without its advice about `--` that does not apply to these commands. */
function usageMessage(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  const msg = err instanceof Error ? err.message : String(err);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${/'([^']+)'/.exec(msg)?.[1] ?? msg}`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const name = /--([\w-]+)/.exec(msg)?.[1];
    return name !== undefined ? `--${name} ${msg.includes('does not take') ? 'takes no value' : 'needs a value'}` : msg;
  }
  return msg;
}

export function portOption(p: ParsedArgs): number {
  const v = p.options.get('port');
  if (v === undefined) return 0;
  const n = Number(v);
  if (typeof v !== 'string' || !/^\d+$/.test(v) || !Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--port must be 0..65535 (0 = any free port), got ${String(v)}`);
  return n;
}

export function stringOption(p: ParsedArgs, name: string): string | undefined {
  const v = p.options.get(name);
  return typeof v === 'string' ? v : undefined;
}

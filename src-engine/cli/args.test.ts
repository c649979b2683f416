/** CLI options: parsed by node:util, values kept whole, a user's serve token checked for strength. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs, portOption, stringOption, UsageError } from './args';
import { TOKEN_ENV, tokenOption } from './tokenOption';

const SPEC = { port: 'value', token: 'value', 'token-file': 'value', quick: 'flag' } as const;
const STRONG = '0123456789abcdef0123456789abcdef'; // 32 hex characters: 128 bits

describe('parseArgs', () => {
  it('keeps every = of an inline value', () => {
    expect(stringOption(parseArgs(['--token=abc=def=='], SPEC), 'token')).toBe('abc=def==');
  });

  it('reads separate values, flags and positionals', () => {
    const p = parseArgs(['run', '--port', '8080', '--quick'], SPEC);
    expect(p.positional).toEqual(['run']);
    expect(portOption(p)).toBe(8080);
    expect(p.options.get('quick')).toBe(true);
  });

  it('refuses unknown options, missing values and values on flags, naming the option', () => {
    expect(() => parseArgs(['--bogus'], SPEC)).toThrow(new UsageError('unknown option --bogus'));
    expect(() => parseArgs(['--port'], SPEC)).toThrow(new UsageError('--port needs a value'));
    expect(() => parseArgs(['--quick=1'], SPEC)).toThrow(new UsageError('--quick takes no value'));
  });

  it('refuses a port that is not a whole number in range', () => {
    for (const v of ['65536', '-1', '1e3', ' 80', 'x']) expect(() => portOption(parseArgs([`--port=${v}`], SPEC))).toThrow(/--port must be 0\.\.65535/);
  });
});

describe('tokenOption', () => {
  it('takes --token when it has at least 128 bits', () => {
    expect(tokenOption(parseArgs([`--token=${STRONG}`], SPEC), {})).toBe(STRONG);
    expect(tokenOption(parseArgs(['--token=AbCdEfGhIjKlMnOpQrStUv=='], SPEC), {})).toBe('AbCdEfGhIjKlMnOpQrStUv==');
  });

  it('refuses a token under 128 bits with a message saying how long it must be', () => {
    expect(() => tokenOption(parseArgs(['--token=abc=def=='], SPEC), {})).toThrow(/--token: the token is too short \(about 54 bits for 9 characters; at least 128 needed/);
    expect(() => tokenOption(parseArgs([`--token=${STRONG.slice(1)}`], SPEC), {})).toThrow(/about 124 bits/);
    expect(() => tokenOption(parseArgs(['--token=has space in it and is long enough ok'], SPEC), {})).toThrow(/printable ASCII without spaces/);
  });

  it('takes the token from the environment and removes it from there', () => {
    const env: NodeJS.ProcessEnv = { [TOKEN_ENV]: STRONG, OTHER: 'x' };
    expect(tokenOption(parseArgs([], SPEC), env)).toBe(STRONG);
    expect(env).toEqual({ OTHER: 'x' });
  });

  it('takes the token from a file, without its final newline', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mirrorfill-token-')), 'token');
    writeFileSync(file, `${STRONG}\n`);
    expect(tokenOption(parseArgs(['--token-file', file], SPEC), {})).toBe(STRONG);
    expect(() => tokenOption(parseArgs(['--token-file', `${file}.missing`], SPEC), {})).toThrow(new RegExp(`--token-file ${file}\\.missing: .*ENOENT`));
  });

  it('refuses two sources at once, and gives none when none is given', () => {
    expect(() => tokenOption(parseArgs([`--token=${STRONG}`], SPEC), { [TOKEN_ENV]: STRONG })).toThrow(/give the token one way, not --token and MIRRORFILL_TOKEN/);
    expect(tokenOption(parseArgs([], SPEC), {})).toBeUndefined();
  });
});

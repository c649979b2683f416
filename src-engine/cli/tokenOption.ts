/**
 * The headless server's token as the user gives it: `--token`, `--token-file FILE`, or the
 * environment's MIRRORFILL_TOKEN (taken out of the environment once read, so child processes do
 * not inherit it). None given: the server makes a random one.
 */
import { readFileSync } from 'node:fs';
import { type ParsedArgs, stringOption, UsageError } from './args';

export const TOKEN_ENV = 'MIRRORFILL_TOKEN';
export const MIN_TOKEN_BITS = 128;

export function tokenOption(p: ParsedArgs, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const inline = stringOption(p, 'token');
  const file = stringOption(p, 'token-file');
  const fromEnv = env[TOKEN_ENV];
  delete env.MIRRORFILL_TOKEN;
  const given = [inline !== undefined ? '--token' : undefined, file !== undefined ? '--token-file' : undefined, fromEnv !== undefined ? TOKEN_ENV : undefined].filter((x) => x !== undefined);
  if (given.length > 1) throw new UsageError(`give the token one way, not ${given.join(' and ')}`);
  if (inline !== undefined) return checkToken(inline, '--token');
  if (fromEnv !== undefined) return checkToken(fromEnv, TOKEN_ENV);
  if (file === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--token-file ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  // A file written by `echo` or an editor ends in a newline that is not part of the token.
  return checkToken(text.replace(/\r?\n$/, ''), `--token-file ${file}`);
}

function checkToken(token: string, where: string): string {
  if (!/^[\x21-\x7e]+$/.test(token)) throw new UsageError(`${where}: the token must be printable ASCII without spaces`);
  const bits = estimatedBits(token);
  if (bits < MIN_TOKEN_BITS) {
    throw new UsageError(
      `${where}: the token is too short (about ${bits} bits for ${token.length} characters; at least ${MIN_TOKEN_BITS} needed, e.g. 32 hex characters from \`openssl rand -hex 16\`)`,
    );
  }
  return token;
}

/** Bits if each character were random over the smallest usual alphabet the token fits. */
function estimatedBits(token: string): number {
  const perChar = /^[0-9]+$/.test(token) ? Math.log2(10) : /^[0-9a-f]+$/i.test(token) ? 4 : /^[A-Za-z0-9+/=_-]+$/.test(token) ? 6 : Math.log2(94);
  return Math.floor(token.length * perChar);
}

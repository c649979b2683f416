/**
 * What keeps secrets out of log lines and error text: every string is scrubbed, whatever field it
 * sits in and however deep, not only fields whose name looks secret. A broker's error text or a
 * stack can quote a token, a password or an Authorization header; a log line is read by people and
 * tools that must never see one.
 *
 * Three nets: fields whose name is a secret's; patterns a secret has in text (`Bearer …`, a JWT,
 * `password=…`, `"accessToken":"…"`); and the engine's own secret values, remembered when they are
 * read from the keychain or the environment, wherever they appear.
 */
const SECRET_KEY = /pass(word)?|secret|^sec$|token|api[-_]?key|authorization|p-ticket|credential|^cookie$/i;
export const REDACTED = '[redacted]';

/** Whether a field of this name holds a secret (its value is never logged, stored in settings or shown). */
export function isSecretKey(name: string): boolean {
  return SECRET_KEY.test(name);
}

/** A name that is a secret's, as a key in text (`password=`, `"apiKey":`, `access_token:`). */
const KEY_IN_TEXT = String.raw`[\w-]*(?:pass(?:word)?|secret|token|api[-_]?key|credential|p-ticket)[\w-]*|sec|authorization`;
const TEXT_PATTERNS: readonly (readonly [RegExp, string])[] = [
  [/\b(Bearer)\s+[A-Za-z0-9\-._~+/]+=*/gi, `$1 ${REDACTED}`],
  [/\b(Basic)\s+[A-Za-z0-9+/]{8,}=*/g, `$1 ${REDACTED}`],
  [/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, REDACTED],
  // "key": "value" (JSON, also cut short) and key=value / key: value (queries, forms, messages)
  [new RegExp(String.raw`(["']?)\b(${KEY_IN_TEXT})\1(\s*[:=]\s*)"(?:[^"\\]|\\.)*"?`, 'gi'), `$1$2$1$3"${REDACTED}"`],
  [new RegExp(String.raw`\b(${KEY_IN_TEXT})(\s*[:=]\s*)(?!"|\[redacted\]|Bearer\s|Basic\s)[^\s&,;"'}\]]+`, 'gi'), `$1$2${REDACTED}`],
];

/** Below this a value is too likely to be an ordinary word to be replaced everywhere it appears. */
const MIN_REMEMBERED = 6;
/** Session tokens are renewed for as long as the engine runs: the oldest are forgotten past this (each log string is checked against every one). */
const MAX_REMEMBERED = 64;
const remembered = new Set<string>();
/** The remembered values longest first (one that contains another is replaced whole); rebuilt on change. */
let longestFirst: string[] | undefined;

/** Makes `value` redacted wherever it appears in text from now on (a secret or token the engine holds). */
export function rememberSecret(value: string | undefined): void {
  if (value === undefined || value.length < MIN_REMEMBERED) return;
  remembered.delete(value); // re-added as the newest
  remembered.add(value);
  if (remembered.size > MAX_REMEMBERED) {
    const oldest = remembered.values().next();
    if (oldest.done !== true) remembered.delete(oldest.value);
  }
  longestFirst = undefined;
}

/** Tests: forget what was remembered. */
export function forgetSecrets(): void {
  remembered.clear();
  longestFirst = undefined;
}

/** Text none of the patterns can match (most log strings): skipped cheaply. */
const MAY_HOLD_PATTERN = /[:=]|bearer|basic|eyJ/i;

export function redactText(text: string): string {
  if (text.length < MIN_REMEMBERED) return text;
  let out = text;
  longestFirst ??= [...remembered].sort((a, b) => b.length - a.length);
  for (const secret of longestFirst) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  if (!MAY_HOLD_PATTERN.test(out)) return out;
  for (const [pattern, replacement] of TEXT_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** Past this depth a value is summarised, not written: no log line walks an unbounded structure. */
const MAX_DEPTH = 32;

/** A copy of `value` safe to log: every string scrubbed at any depth; errors, cycles and bigints made plain. */
export function redact(value: unknown): unknown {
  return walk(value, 0, new WeakSet<object>());
}

function walk(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactText(value);
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return typeof value === 'function' || typeof value === 'symbol' ? String(value) : value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => walk(v, depth + 1, seen));
    if (value instanceof Error) {
      const plain: Record<string, unknown> = { name: value.name, message: value.message, ...(value.stack !== undefined ? { stack: value.stack } : {}) };
      for (const [k, v] of Object.entries(value)) plain[k] = v;
      return walk(plain, depth, seen);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? REDACTED : walk(v, depth + 1, seen);
    return out;
  } finally {
    seen.delete(value);
  }
}

/**
 * Structured logging with one rule that matters: secrets never reach a log line. Fields whose name
 * looks like a secret are replaced before anything is written, whatever the caller passed.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(scope: string): Logger;
}

const SECRET_KEY = /pass(word)?|secret|^sec$|token|api[-_]?key|authorization|p-ticket|credential/i;

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? '[redacted]' : redact(v, depth + 1);
  return out;
}

export type LogSink = (line: { level: LogLevel; scope: string; msg: string; time: number; fields?: unknown }) => void;

export function createLogger(sink: LogSink, scope = 'engine', minLevel: LogLevel = 'info'): Logger {
  const order: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
  const write = (level: LogLevel) => (msg: string, fields?: LogFields) => {
    if (order[level] < order[minLevel]) return;
    sink({ level, scope, msg, time: Date.now(), ...(fields ? { fields: redact(fields) } : {}) });
  };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (s) => createLogger(sink, `${scope}.${s}`, minLevel),
  };
}

/** JSON lines on stderr: stdout belongs to command output (the scenario runner's JSON lines). */
export const stderrSink: LogSink = (line) => {
  process.stderr.write(`${JSON.stringify(line)}\n`);
};

export const silentLogger: Logger = createLogger(() => undefined);

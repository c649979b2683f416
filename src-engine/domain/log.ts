/**
 * Structured logging with two rules that matter: secrets never reach a log line (every message and
 * field is scrubbed, ./redact.ts), and logging never fails the code that logs: a sink that throws
 * (a full disk, a read-only folder) is counted, not propagated, since the caller may be placing an
 * order.
 */
import { redact, redactText } from '../api/redact';

export { redact, redactText, rememberSecret } from '../api/redact';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(scope: string): Logger;
  /** Whether lines of this level are written: a hot path builds a debug line's fields only when they are. */
  enabled(level: LogLevel): boolean;
}

export type LogSink = (line: { level: LogLevel; scope: string; msg: string; time: number; fields?: unknown }) => void;

/** Lines a sink threw on, in this process (they are lost; the sink reports its own failure). */
let sinkFailures = 0;
export function logSinkFailures(): number {
  return sinkFailures;
}

export function createLogger(sink: LogSink, scope = 'engine', minLevel: LogLevel = 'info'): Logger {
  const order: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
  const write = (level: LogLevel) => (msg: string, fields?: LogFields) => {
    if (order[level] < order[minLevel]) return;
    try {
      sink({ level, scope, msg: redactText(msg), time: Date.now(), ...(fields ? { fields: redact(fields) } : {}) });
    } catch {
      sinkFailures++;
    }
  };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (s) => createLogger(sink, `${scope}.${s}`, minLevel),
    enabled: (level) => order[level] >= order[minLevel],
  };
}

/** JSON lines on stderr: stdout belongs to command output (the scenario runner's JSON lines). */
export const stderrSink: LogSink = (line) => {
  process.stderr.write(`${JSON.stringify(line)}\n`);
};

export const silentLogger: Logger = createLogger(() => undefined);

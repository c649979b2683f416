/**
 * Main's log file (`<userData>/logs/main.log`, beside the engine's `engine.log`): JSON lines, the
 * same shape as the engine's, plus the engine process's own stdout/stderr (a crash trace lands
 * here, since the engine can no longer write its own log when it dies).
 *
 * Main never holds a secret, so nothing here needs redacting beyond what the engine prints.
 */
import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

export type MainLogLevel = 'info' | 'warn' | 'error';

export interface MainLog {
  info(msg: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(msg: string, fields?: Readonly<Record<string, unknown>>): void;
  error(msg: string, fields?: Readonly<Record<string, unknown>>): void;
  /** One line the engine process printed, kept verbatim. */
  engineOutput(stream: 'stdout' | 'stderr', line: string): void;
}

export interface MainLogLine {
  readonly time: number;
  readonly level: MainLogLevel;
  readonly scope: string;
  readonly msg: string;
  readonly fields?: Readonly<Record<string, unknown>>;
}

/** A log writing lines through `write`; `scope` says whose line it is. */
export function createMainLog(write: (line: MainLogLine) => void, now: () => number = Date.now): MainLog {
  const at =
    (level: MainLogLevel) =>
    (msg: string, fields?: Readonly<Record<string, unknown>>): void => {
      write({ time: now(), level, scope: 'main', msg, ...(fields ? { fields } : {}) });
    };
  return {
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    engineOutput: (stream, line) => write({ time: now(), level: stream === 'stderr' ? 'warn' : 'info', scope: `engine.${stream}`, msg: line }),
  };
}

const ROTATE_AT_BYTES = 5 * 1024 * 1024;

/**
 * Appends to `file`, rotating once to `file.1` when it has grown past 5 MB at open. Writes are
 * synchronous: the last lines before a crash or a kill must be on disk.
 */
export function openMainLog(file: string, mirror?: (line: MainLogLine) => void): MainLog {
  mkdirSync(dirname(file), { recursive: true });
  try {
    if (statSync(file).size > ROTATE_AT_BYTES) renameSync(file, `${file}.1`);
  } catch {
    // No log yet: nothing to rotate.
  }
  return createMainLog((line) => {
    try {
      appendFileSync(file, `${JSON.stringify(line)}\n`);
    } catch {
      // A full disk must not take the app down; the line is lost.
    }
    mirror?.(line);
  });
}

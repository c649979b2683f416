/**
 * Main's log file (`<userData>/logs/main.log`, beside the engine's `engine.log`): JSON lines, the
 * same shape as the engine's, plus the engine process's own stdout/stderr (a crash trace lands
 * here, since the engine can no longer write its own log when it dies).
 *
 * Main never holds a secret, but the engine's own output is copied here verbatim and a library may
 * print one: every line is scrubbed as the engine's log lines are.
 */
import { appendFileSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { redact, redactText } from '../../src-engine/api/redact';

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
      write({ time: now(), level, scope: 'main', msg: redactText(msg), ...(fields ? { fields: redact(fields) as Record<string, unknown> } : {}) });
    };
  return {
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    engineOutput: (stream, line) => write({ time: now(), level: stream === 'stderr' ? 'warn' : 'info', scope: `engine.${stream}`, msg: redactText(line) }),
  };
}

const ROTATE_AT_BYTES = 5 * 1024 * 1024;
const KEEP = 3;

/**
 * Appends to `file`, rotating it to `file.1` (… `file.3`, the oldest dropped) whenever it passes
 * 5 MB, at open or while the app runs for weeks. Writes are synchronous: the last lines before a
 * crash or a kill must be on disk; main writes few lines, so this costs nothing that matters.
 */
export function openMainLog(file: string, mirror?: (line: MainLogLine) => void, rotateAtBytes = ROTATE_AT_BYTES): MainLog {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  let size = 0;
  try {
    size = statSync(file).size;
  } catch {
    // No log yet.
  }
  const rotate = (): void => {
    try {
      rmSync(`${file}.${KEEP}`, { force: true });
      for (let i = KEEP - 1; i >= 1; i--) {
        try {
          renameSync(`${file}.${i}`, `${file}.${i + 1}`);
        } catch {
          // That one does not exist yet.
        }
      }
      renameSync(file, `${file}.1`);
    } catch {
      // Cannot rotate (read-only folder): keep appending; the write itself reports nothing either.
    }
    size = 0;
  };
  if (size > rotateAtBytes) rotate();
  return createMainLog((line) => {
    const text = `${JSON.stringify(line)}\n`;
    const bytes = Buffer.byteLength(text);
    try {
      if (size > 0 && size + bytes > rotateAtBytes) rotate();
      appendFileSync(file, text, { mode: 0o600 });
      size += bytes;
    } catch {
      // A full disk must not take the app down; the line is lost.
    }
    mirror?.(line);
  });
}

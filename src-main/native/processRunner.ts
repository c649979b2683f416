/**
 * Runs one Node script as a child with a time limit, keeping the tail of its output for the one
 * line that says why it failed. Used for the installers and builders the launcher calls.
 */
import { spawn } from 'node:child_process';

export interface RunResult {
  readonly code: number | null;
  readonly timedOut: boolean;
  /** The last lines it printed (stdout and stderr together). */
  readonly tail: string;
}

export interface RunOptions {
  readonly cwd: string;
  readonly timeoutMs: number;
  readonly env?: NodeJS.ProcessEnv;
  /** Every line it prints, as it prints it (progress for the terminal), with where it printed it. */
  readonly onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

export type ScriptRunner = (script: string, args: readonly string[], opts: RunOptions) => Promise<RunResult>;

const TAIL_LINES = 20;

export const runNodeScript: ScriptRunner = (script, args, opts) =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    // One partial line per stream: their chunks interleave.
    const partials = { stdout: '', stderr: '' };
    const take = (stream: 'stdout' | 'stderr') => (chunk: Buffer): void => {
      const parts = (partials[stream] + chunk.toString('utf8')).split(/\r?\n|\r/);
      partials[stream] = parts.pop() ?? '';
      for (const line of parts) {
        if (line.trim() === '') continue;
        lines.push(line);
        if (lines.length > TAIL_LINES) lines.shift();
        opts.onLine?.(line, stream);
      }
    };
    child.stdout.on('data', take('stdout'));
    child.stderr.on('data', take('stderr'));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    const done = (code: number | null, spawnError?: Error): void => {
      clearTimeout(timer);
      for (const rest of [partials.stdout, partials.stderr]) if (rest.trim() !== '') lines.push(rest);
      if (spawnError) lines.push(spawnError.message);
      resolve({ code, timedOut, tail: lines.join('\n') });
    };
    child.once('error', (err) => done(null, err));
    child.once('close', (code) => done(code));
  });

/** The line of a failed run's output that says most: the last one that looks like an error. */
export function failureLine(tail: string): string {
  const lines = tail.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const error = [...lines].reverse().find((l) => /error|fail|cannot|denied|timed? ?out|ENOTFOUND|EAI_AGAIN|ECONN/i.test(l) && !/^\s*at /.test(l));
  return (error ?? lines[lines.length - 1] ?? 'no output').replace(/^(gyp|npm) ERR! /, '').slice(0, 300);
}

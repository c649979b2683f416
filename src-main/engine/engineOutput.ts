/**
 * The engine process's stdout and stderr (utilityProcess `stdio: 'pipe'`) into main's log, line by
 * line. Both streams must be read: an unread pipe fills up and blocks the engine on its next write.
 * The last stderr lines are kept as the plain reason shown when the engine dies.
 */
import type { MainLog } from '../log/mainLog';
import type { EngineChild } from '../seams';

export interface EngineOutput {
  /** The last non-empty stderr line (a crash's message), if any. */
  lastError(): string | undefined;
}

const KEEP = 20;

export function pipeEngineOutput(child: Pick<EngineChild, 'stdout' | 'stderr'>, log: MainLog): EngineOutput {
  const recent: string[] = [];
  const follow = (stream: NodeJS.ReadableStream | null, name: 'stdout' | 'stderr'): void => {
    if (!stream) return;
    let carry = '';
    const emit = (line: string): void => {
      const text = line.replace(/\r$/, '');
      if (!text.trim()) return;
      log.engineOutput(name, text);
      if (name === 'stderr') {
        recent.push(text);
        if (recent.length > KEEP) recent.shift();
      }
    };
    stream.on('data', (chunk: Buffer | string) => {
      const lines = (carry + chunk.toString()).split('\n');
      carry = lines.pop() ?? '';
      for (const l of lines) emit(l);
    });
    stream.on('end', () => {
      if (carry) emit(carry);
      carry = '';
    });
    // A broken pipe when the process dies is expected; the exit code tells the story.
    stream.on('error', () => undefined);
  };
  follow(child.stdout, 'stdout');
  follow(child.stderr, 'stderr');
  return {
    lastError: () => {
      // Node prints "Error: message" after the stack's first lines; prefer that line.
      const errorLine = [...recent].reverse().find((l) => /^\w*Error\b/.test(l.trim()));
      return (errorLine ?? recent.at(-1))?.trim();
    },
  };
}

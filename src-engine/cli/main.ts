/**
 * The `mirrorfill` command: simulate, serve, demo, sim, chaos.
 */
import { createLogger, stderrSink } from '../domain/log';
import { guardLibraryRejections } from '../host/libraryRejections';
import { UsageError } from './args';
import { chaosCommand } from './chaos';
import { demoCommand } from './demo';
import { serveCommand } from './serve';
import { simCommand } from './sim';
import { simulateCommand } from './simulate';

const COMMANDS: Record<string, (args: readonly string[]) => Promise<number>> = {
  simulate: simulateCommand,
  serve: serveCommand,
  demo: demoCommand,
  sim: simCommand,
  chaos: chaosCommand,
};

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = name !== undefined ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(`usage: mirrorfill <${Object.keys(COMMANDS).join('|')}> ...\n`);
    return 2;
  }
  try {
    return await command(args);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${name}: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

guardLibraryRejections(createLogger(stderrSink, 'mirrorfill', 'warn'));
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Servers stop on a signal; a finished command must not wait for stray handles.
    if (code !== 0 || process.argv[2] === 'simulate' || process.argv[2] === 'chaos') setImmediate(() => process.exit(code));
  },
  (err: unknown) => {
    process.stderr.write(`mirrorfill: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);

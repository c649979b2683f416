/**
 * The `mirrorfill` command: simulate, serve, demo, sim, bench, chaos.
 */
import { simulateCommand } from './simulate';

const COMMANDS: Record<string, (args: readonly string[]) => Promise<number>> = {
  simulate: simulateCommand,
};

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = name !== undefined ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(`usage: mirrorfill <${Object.keys(COMMANDS).join('|')}> ...\n`);
    return 2;
  }
  return command(args);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`mirrorfill: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);

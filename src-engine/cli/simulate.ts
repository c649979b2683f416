/**
 * `npm run simulate -- FILE [--broker NAME]`: JSON lines on stdout, exit 0 when every expectation
 * held, 1 at the first that did not, 2 for a file that is not a valid scenario.
 */
import { Catalog } from '../domain/instruments';
import type { BrokerKind } from '../orders/broker';
import { loadScenario, ScenarioFileError } from '../scenario/load';
import { runScenario, type Line } from '../scenario/runner';

export const USAGE = 'usage: mirrorfill simulate FILE [--broker tradovate|projectx|paper]';

export async function simulateCommand(args: readonly string[]): Promise<number> {
  const files: string[] = [];
  let broker: BrokerKind | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--broker') {
      const v = args[++i];
      if (v !== 'tradovate' && v !== 'projectx' && v !== 'paper') {
        process.stderr.write(`simulate: --broker must be tradovate, projectx or paper (got ${v ?? 'nothing'})\n${USAGE}\n`);
        return 2;
      }
      broker = v;
    } else if (a?.startsWith('--') === true) {
      process.stderr.write(`simulate: unknown option ${a}\n${USAGE}\n`);
      return 2;
    } else if (a !== undefined) files.push(a);
  }
  const file = files[0];
  if (file === undefined || files.length > 1) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const catalog = Catalog.load();
  let scenario;
  try {
    scenario = loadScenario(file, catalog);
  } catch (err) {
    if (err instanceof ScenarioFileError) {
      process.stderr.write(`${err.message}\n`);
      process.stdout.write(`${JSON.stringify({ t: 'invalid', file: err.file, line: err.line ?? null, error: err.problem })}\n`);
      return 2;
    }
    throw err;
  }
  const out = (line: Line): void => {
    process.stdout.write(`${JSON.stringify(line)}\n`);
  };
  out({ t: 'scenario', name: scenario.name, file, broker: broker ?? 'as written' });
  const result = await runScenario(scenario, catalog, out, broker && broker !== 'paper' ? { brokerOverride: broker } : {});
  if (!result.ok) {
    process.stderr.write(`${file}: ${result.failure?.message ?? 'failed'}\n`);
    return 1;
  }
  return 0;
}

/**
 * Replays one scenario file for a test and fails with the runner's own account of what went wrong
 * and the last lines it printed.
 */
import { basename } from 'node:path';
import { Catalog } from '../domain/instruments';
import type { BrokerKind } from '../orders/broker';
import { loadScenario } from './load';
import { runScenario, type Line } from './runner';

export async function replay(file: string, broker?: BrokerKind): Promise<void> {
  const catalog = Catalog.load();
  const scenario = loadScenario(file, catalog);
  const lines: Line[] = [];
  const result = await runScenario(scenario, catalog, (l) => lines.push(l), broker && broker !== 'paper' ? { brokerOverride: broker } : {});
  if (!result.ok) {
    const tail = lines.slice(-25).map((l) => JSON.stringify(l)).join('\n');
    throw new Error(`${basename(file)}${broker ? ` (--broker ${broker})` : ''}: ${result.failure?.message ?? 'failed'}\n--- last lines ---\n${tail}`);
  }
}

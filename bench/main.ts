/**
 * `npm run bench [-- --quick]`: copier-added and end-to-end latency for 1, 5, 20 and 100
 * followers on paper and over loopback to the Tradovate and ProjectX simulators; throughput and
 * memory with 20 followers. Prints a table and writes bench/results.json. Figures, not pass/fail.
 * `--shared-login`: twenty followers under one Tradovate login within its limits (sharedLogin.ts).
 */
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { resolve } from 'node:path';
import type { BrokerKind } from '../src-engine/orders/broker';
import { runCase } from './latencyCase';
import { printSharedLogin, sharedLoginBench } from './sharedLogin';

interface Row {
  readonly path: 'copierAdded' | 'endToEnd';
  readonly broker: BrokerKind;
  readonly followers: number;
  readonly fills: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

const quick = process.argv.includes('--quick');
const only = process.argv.find((a) => a.startsWith('--broker='))?.slice('--broker='.length);
const BROKERS: BrokerKind[] = (only ? [only] : ['paper', 'tradovate', 'projectx']) as BrokerKind[];
const FOLLOWERS = [1, 5, 20, 100];

function fillsFor(followers: number): number {
  if (quick) return followers >= 100 ? 100 : 300;
  return 2000;
}

function stats(samples: readonly number[]): { p50: number; p99: number; max: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
  return { p50: at(0.5), p99: at(0.99), max: s[s.length - 1] ?? 0 };
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

async function main(): Promise<void> {
  if (process.argv.includes('--shared-login')) {
    printSharedLogin(await sharedLoginBench(quick));
    return;
  }
  const rows: Row[] = [];
  let throughput: Record<string, number> = {};
  let rssMb = 0;
  for (const broker of BROKERS) {
    for (const followers of FOLLOWERS) {
      const fills = fillsFor(followers);
      const r = await runCase({ broker, followers, fills, warmup: Math.min(100, Math.ceil(fills / 10)) });
      for (const [path, samples] of [['copierAdded', r.copierAdded], ['endToEnd', r.endToEnd]] as const) {
        const s = stats(samples);
        rows.push({ path, broker, followers, fills, p50Ms: round(s.p50), p99Ms: round(s.p99), maxMs: round(s.max) });
      }
      if (followers === 20) {
        throughput = { ...throughput, [broker]: Math.round(r.fillsPerSec) };
        rssMb = Math.max(rssMb, Math.round(r.rssMb));
      }
      process.stderr.write(`bench: ${broker} ×${followers} done\n`);
    }
  }
  const machine = `${cpus().length}× ${cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}`;
  const result = {
    rows,
    throughputFillsPerSec: throughput['paper'] ?? 0,
    throughputByBroker: throughput,
    rssMb,
    machine,
    date: new Date().toISOString(),
    quick,
  };
  const out = resolve(import.meta.dirname, 'results.json');
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  printTable(rows);
  process.stdout.write(`\nthroughput with 20 followers (fills/s, copies written and acknowledged back to back): ${Object.entries(throughput).map(([b, n]) => `${b} ${n}`).join(', ')}\n`);
  process.stdout.write(`engine RSS with 20 followers: ${rssMb} MB\nmachine: ${machine}\nwritten: ${out}\n`);
}

function printTable(rows: readonly Row[]): void {
  const head = ['path', 'broker', 'followers', 'fills', 'p50 ms', 'p99 ms', 'max ms'];
  const body = rows.map((r) => [r.path, r.broker, String(r.followers), String(r.fills), r.p50Ms.toFixed(3), r.p99Ms.toFixed(3), r.maxMs.toFixed(3)]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((c, i) => (i >= 2 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join(' | ')} |`;
  process.stdout.write(`${line(head)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n${body.map(line).join('\n')}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);

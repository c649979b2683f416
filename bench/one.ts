/**
 * `npx tsx bench/one.ts <broker> <followers> <fills> [runs]`: one benchmark case, for profiling
 * (`node --cpu-prof --import tsx bench/one.ts ...`). Prints copier-added and end-to-end p50/p99/max.
 */
import type { BrokerKind } from '../src-engine/orders/broker';
import { runCase } from './latencyCase';

const [broker = 'paper', followers = '20', fills = '500', runs = '1'] = process.argv.slice(2);

function stats(samples: readonly number[]): string {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
  return `p50 ${at(0.5).toFixed(3)} p99 ${at(0.99).toFixed(3)} max ${(s[s.length - 1] ?? 0).toFixed(3)}`;
}

async function main(): Promise<void> {
  for (let r = 0; r < Number(runs); r++) {
    const t0 = performance.now();
    const res = await runCase({ broker: broker as BrokerKind, followers: Number(followers), fills: Number(fills), warmup: Math.min(100, Math.ceil(Number(fills) / 10)) });
    process.stdout.write(`${broker} ×${followers} fills ${fills}: copierAdded ${stats(res.copierAdded)} | endToEnd ${stats(res.endToEnd)} | ${Math.round(res.fillsPerSec)} fills/s, rss ${Math.round(res.rssMb)} MB, ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);

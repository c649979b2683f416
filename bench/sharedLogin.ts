/**
 * `npm run bench -- --shared-login`: twenty followers under one Tradovate login, the simulator
 * enforcing the login's observed limits (80 a minute, 5,000 an hour), a leader trading one contract
 * in and out at 1, 4 and 10 fills a minute. For each pace: how long follower orders took from the
 * leader's fill to their write (entries and exits apart), how many entries the budget could not
 * carry within the catch-up window (given up and shown, never sent late), requests per copied
 * fill at the broker, and any penalty earned. The pace is kept on the engine's clock (each fill
 * moves it on by 60 s / pace), so a run takes seconds, not minutes.
 */
import { stringify } from 'yaml';
import { TradovateSim } from '../src-engine/brokers/tradovate/sim/tradovateSim';
import { Catalog } from '../src-engine/domain/instruments';
import { parseScenario } from '../src-engine/scenario/load';
import { runScenario, type Line } from '../src-engine/scenario/runner';

const FOLLOWERS = 20;
const PACES = [1, 4, 10] as const;

export interface PaceResult {
  readonly pace: number;
  readonly leaderFills: number;
  readonly entries: { readonly sent: number; readonly givenUp: number; readonly p50Ms: number; readonly p90Ms: number; readonly maxMs: number };
  readonly exits: { readonly sent: number; readonly p50Ms: number; readonly p90Ms: number; readonly maxMs: number };
  /** Order requests at the broker per follower order placed. */
  readonly requestsPerCopy: number;
  readonly penalties: number;
}

function scenarioText(pace: number, minutes: number): string {
  const followers = Array.from({ length: FOLLOWERS }, (_, i) => `f${String(i + 1).padStart(2, '0')}`);
  const steps: unknown[] = [{ advance: '1m' }];
  const gap = `${Math.round(60_000 / pace)}ms`;
  for (let n = 0; n < pace * minutes; n++) {
    steps.push({ leader: { account: 'lead', side: n % 2 === 0 ? 'buy' : 'sell', qty: 1, symbol: 'MES' } });
    steps.push({ advance: gap });
  }
  return stringify({
    name: `shared login at ${pace} fills a minute`,
    limits: { tradovate: {} },
    accounts: [{ id: 'lead', broker: 'tradovate', login: 'apex', balance: 50_000 }, ...followers.map((id) => ({ id, broker: 'tradovate', login: 'apex', balance: 50_000 }))],
    groups: [{ name: 'Shared', leader: 'lead', followers: followers.map((account) => ({ account })) }],
    quotes: { MES: 6000 },
    steps,
  });
}

function spread(samples: readonly number[]): { p50Ms: number; p90Ms: number; maxMs: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => Math.round((s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0) * 10) / 10;
  return { p50Ms: at(0.5), p90Ms: at(0.9), maxMs: Math.round((s[s.length - 1] ?? 0) * 10) / 10 };
}

async function runPace(pace: number, minutes: number): Promise<PaceResult> {
  const catalog = Catalog.load();
  const scenario = parseScenario(scenarioText(pace, minutes), `shared-login-${pace}`, catalog);
  const lines: Line[] = [];
  const delays = { entry: [] as number[], exit: [] as number[] };
  let penalties = 0;
  let requests = 0;
  let placed = 0;
  const r = await runScenario(scenario, catalog, (l) => lines.push(l), {
    onWorld: (world) => {
      const engine = world.requireEngine();
      // The leader goes in and out, and each fill's copies are acknowledged before the next
      // (a step settles first): a copy made while the leader holds is an entry, else an exit.
      engine.on((e) => {
        if (e.t !== 'copyLatency' || e.sentMs === undefined) return;
        const leader = world.requireEngine().core.current('lead', catalog.frontMonth('MES', world.clock.now()));
        (leader === 0 ? delays.exit : delays.entry).push(e.sentMs);
      });
    },
    inspect: (world) => {
      const tv = world.frontEnds.get('tradovate');
      if (!(tv instanceof TradovateSim)) throw new Error('the Tradovate simulator should run');
      penalties = tv.stats.penaltyAnswers + (tv.limits?.stats.tooManyRequests ?? 0);
      for (const [ep, n] of tv.stats.requests) if (ep.startsWith('order/')) requests += n;
      for (const a of world.exchange.allAccounts()) placed += a.orderLog.filter((o) => o.source === 'api').length;
    },
  });
  if (r.failure) throw new Error(`pace ${pace}: step ${r.failure.step}: ${r.failure.message}`);
  const givenUp = lines.filter((l) => l.t === 'skip' && l.reason === 'budgetExpired').length;
  return {
    pace,
    leaderFills: pace * minutes,
    entries: { sent: delays.entry.length, givenUp, ...spread(delays.entry) },
    exits: { sent: delays.exit.length, ...spread(delays.exit) },
    requestsPerCopy: placed > 0 ? Math.round((requests / placed) * 100) / 100 : 0,
    penalties,
  };
}

export async function sharedLoginBench(quick: boolean): Promise<PaceResult[]> {
  const out: PaceResult[] = [];
  for (const pace of PACES) {
    out.push(await runPace(pace, quick ? 2 : 5));
    process.stderr.write(`bench: shared login at ${pace} fills a minute done\n`);
  }
  return out;
}

export function printSharedLogin(results: readonly PaceResult[]): void {
  const head = ['fills/min', 'leader fills', 'entries sent', 'given up', 'entry p50/p90/max ms', 'exits sent', 'exit p50/p90/max ms', 'requests/copy', 'penalties'];
  const body = results.map((r) => [
    String(r.pace),
    String(r.leaderFills),
    String(r.entries.sent),
    String(r.entries.givenUp),
    `${r.entries.p50Ms}/${r.entries.p90Ms}/${r.entries.maxMs}`,
    String(r.exits.sent),
    `${r.exits.p50Ms}/${r.exits.p90Ms}/${r.exits.maxMs}`,
    r.requestsPerCopy.toFixed(2),
    String(r.penalties),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((c, i) => c.padStart(widths[i] ?? 0)).join(' | ')} |`;
  process.stdout.write(`${FOLLOWERS} followers under one Tradovate login (limits on), one contract in and out:\n`);
  process.stdout.write(`${line(head)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n${body.map(line).join('\n')}\n`);
}

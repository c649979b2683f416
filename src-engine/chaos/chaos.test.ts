/**
 * The chaos suite's short form inside `npm test`: fixed seeds, each a run with the engine in a child
 * process SIGKILLed several times (at follower order events, inside the simulator's handling of the
 * engine's request) over the Tradovate and ProjectX simulators, wire faults included. Fails on any
 * duplicate, loss, orphan, over-target follower, unjournaled order, unexplained unmirrored leader
 * order, damaged database or unfinished run, printing the seed (`npm run chaos -- --seed N --profile
 * test` replays it). CHAOS_SEED runs one seed of your choice instead.
 */
import { describe, expect, it } from 'vitest';
import { Catalog } from '../domain/instruments';
import { runChaos } from './run';
import { PROFILES } from './suite';

const SEEDS: readonly number[] = process.env.CHAOS_SEED !== undefined ? [Number(process.env.CHAOS_SEED)] : [4242, 777, 20261207];

describe('chaos (short)', () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: no duplicate, loss or orphan across kills and wire faults`, async () => {
      const r = await runChaos(Catalog.load(), { ...PROFILES.test.run, seed });
      const summary = [
        `seed ${r.seed}, ${r.kills} kills (replay: npm run chaos -- --profile test --seed ${r.seed})`,
        ...(r.aborted ? [`aborted: ${r.aborted}`] : []),
        ...r.findings.map((f) => `${f.kind} [${f.phase}] ${f.account}: ${f.detail}`),
        ...(r.dir ? [`kept ${r.dir}`] : []),
      ].join('\n');
      expect(r.kills, summary).toBeGreaterThan(0);
      expect(r.aborted, summary).toBeUndefined();
      expect(r.integrity, summary).toBe('ok');
      expect(r.findings, summary).toEqual([]);
    }, 180_000);
  }
});

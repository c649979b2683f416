/**
 * Quiescence: the simulators have nothing scheduled (no held messages, no open fault windows, no
 * partial fill still to come), the engine child is idle (every connection up and reconciled,
 * nothing in flight, no grace timer), and two looks in a row saw nothing happen in between.
 */
import type { ChaosWorld } from './chaosWorld';
import type { EngineProcess } from './engineProcess';

export async function settle(world: ChaosWorld, engine: EngineProcess, timeoutMs: number): Promise<{ ok: true } | { ok: false; busy: string }> {
  const deadline = performance.now() + timeoutMs;
  let stable = 0;
  let lastActivity: number | undefined;
  while (performance.now() < deadline) {
    const before = world.exchange.sequence();
    await world.exchange.whenIdle();
    await Promise.all(world.frontEnds().map((fe) => fe.whenIdle()));
    const activity = await engine.settle(Math.max(1, deadline - performance.now()));
    if (activity === undefined) break;
    const quiet = world.exchange.sequence() === before && activity === lastActivity;
    stable = quiet ? stable + 1 : 0;
    lastActivity = activity;
    if (stable >= 2) return { ok: true };
  }
  const fe = world.frontEnds().map((f) => `${f.broker} pending ${f.pendingWork()}`);
  return { ok: false, busy: `engine not idle within ${timeoutMs} ms; exchange scheduled ${world.exchange.pendingWork()}; ${fe.join(', ')}` };
}

/**
 * Engine events as the simulators see them: every order event on a follower account (an order
 * placed, modified, cancelled, filled or refused there). The chaos schedule waits on them, and
 * kills the engine at one of them, synchronously, while the simulator is still handling the
 * engine's request.
 */
import type { ChaosWorld } from './chaosWorld';

interface Waiter {
  left: number;
  readonly atEvent: (() => void) | undefined;
  readonly resolve: (v: 'event' | 'dropped') => void;
}

export class OrderEventCounter {
  private readonly waiters = new Set<Waiter>();
  private readonly detach: () => void;
  count = 0;

  constructor(world: ChaosWorld) {
    const followers = new Set(world.followerKeys().map((k) => world.account(k).id));
    this.detach = world.exchange.onAccountEvent(undefined, (e) => {
      if (e.kind !== 'order' || !followers.has(e.order.accountId)) return;
      this.count++;
      for (const w of [...this.waiters]) {
        if (--w.left > 0) continue;
        this.waiters.delete(w);
        w.atEvent?.();
        w.resolve('event');
      }
    });
  }

  /**
   * Resolves at the `n`-th follower order event from now (at once for 0), after calling `atEvent`
   * inside the event's delivery; 'dropped' when `dropWaiters` gives up on it first.
   */
  after(n: number, atEvent?: () => void): Promise<'event' | 'dropped'> {
    if (n <= 0) {
      atEvent?.();
      return Promise.resolve('event');
    }
    return new Promise((resolve) => this.waiters.add({ left: n, atEvent, resolve }));
  }

  /** Forgets every wait (the race it was in was won by something else). */
  dropWaiters(): void {
    for (const w of this.waiters) w.resolve('dropped');
    this.waiters.clear();
  }

  dispose(): void {
    this.dropWaiters();
    this.detach();
  }
}

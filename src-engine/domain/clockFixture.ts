/** A clock for tests, moved by hand: nothing waits, and timers are not kept. */
import type { Clock } from './clock';

export class ManualClock implements Clock {
  constructor(public t = 1_000_000) {}

  now(): number {
    return this.t;
  }

  at(): () => void {
    return () => undefined;
  }
}

/**
 * Time for the engine and the simulators. Wall time moves by itself; a scenario clock also jumps
 * forward on `advance`. Timers are scheduled on clock time, so a jump past a day roll fires it.
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Runs `fn` once the clock reaches `atMs` (at once if already past). Returns a canceller. */
  at(atMs: number, fn: () => void): () => void;
}

interface PendingTimer {
  readonly due: number;
  readonly fn: () => void;
  handle: ReturnType<typeof setTimeout> | undefined;
  done: boolean;
}

/**
 * Shared timer bookkeeping: a real timeout per timer for the passage of wall time, plus a sweep
 * after every jump for timers the jump made due. Timers never fire twice.
 */
abstract class TimerClock implements Clock {
  private readonly timers = new Set<PendingTimer>();

  abstract now(): number;

  at(atMs: number, fn: () => void): () => void {
    const timer: PendingTimer = { due: atMs, fn, handle: undefined, done: false };
    this.timers.add(timer);
    this.arm(timer);
    return () => {
      timer.done = true;
      if (timer.handle !== undefined) clearTimeout(timer.handle);
      this.timers.delete(timer);
    };
  }

  /** Fires every timer now due, earliest first. */
  protected sweep(): void {
    const due = [...this.timers].filter((t) => t.due <= this.now()).sort((a, b) => a.due - b.due);
    for (const t of due) this.fire(t);
    for (const t of this.timers) this.arm(t);
  }

  /** Timers still waiting (for idle checks and leak tests). */
  pendingTimers(): number {
    return this.timers.size;
  }

  private arm(timer: PendingTimer): void {
    if (timer.handle !== undefined) clearTimeout(timer.handle);
    // setTimeout caps at ~24.8 days; re-arming on wake-up covers longer waits.
    const delay = Math.min(Math.max(0, timer.due - this.now()), 2 ** 31 - 1);
    timer.handle = setTimeout(() => {
      if (this.now() >= timer.due) this.fire(timer);
      else this.arm(timer);
    }, delay);
    // A pending day-roll timer must not keep a finished CLI or test process alive.
    timer.handle.unref();
  }

  private fire(timer: PendingTimer): void {
    if (timer.done) return;
    timer.done = true;
    if (timer.handle !== undefined) clearTimeout(timer.handle);
    this.timers.delete(timer);
    timer.fn();
  }
}

export class SystemClock extends TimerClock {
  now(): number {
    return Date.now();
  }
}

/**
 * A scenario's clock: starts at the scenario's `start`, runs at wall speed, and jumps on advance().
 * Monotonic: it never goes backwards.
 */
export class ScenarioClock extends TimerClock {
  private offset: number;
  private readonly t0 = performance.now();

  constructor(startMs: number) {
    super();
    this.offset = startMs;
  }

  now(): number {
    return Math.floor(this.offset + (performance.now() - this.t0));
  }

  advanceBy(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`advance: ${ms} ms is not a forward move`);
    this.offset += ms;
    this.sweep();
  }

  advanceTo(atMs: number): void {
    this.advanceBy(Math.max(0, atMs - this.now()));
  }
}

/**
 * Time, injectable: the supervisor's backoff, shutdown deadline and health window are tested with a
 * manual clock instead of real waiting.
 */
export interface Scheduler {
  now(): number;
  /** Runs `fn` after `ms`; returns a function that cancels it. */
  setTimeout(fn: () => void, ms: number): () => void;
}

export const realScheduler: Scheduler = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};

/** Resolves after `ms` on the given scheduler; `cancel` drops the timer (no stray handle). */
export function sleep(scheduler: Scheduler, ms: number): { readonly done: Promise<void>; cancel(): void } {
  let cancel: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    cancel = scheduler.setTimeout(resolve, ms);
  });
  return { done, cancel: () => cancel() };
}

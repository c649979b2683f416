/**
 * Keeps main's view of the engine (for the tray icon) fresh: re-reads `state.get` when the engine
 * says something changed, at most once per interval and one read at a time — while copying, the
 * engine announces changes on every fill.
 */
import type { SnapshotView } from '../../src-engine/api/views';
import type { Scheduler } from '../scheduler';
import type { EngineLink } from './engineLink';

export class SnapshotWatch {
  private inFlight = false;
  private again = false;
  private cancelWait: (() => void) | undefined;
  private lastAt = -Infinity;

  constructor(
    private readonly link: EngineLink,
    private readonly scheduler: Scheduler,
    private readonly onSnapshot: (s: SnapshotView) => void,
    private readonly minIntervalMs = 1_000,
  ) {}

  refresh(): void {
    if (this.inFlight) {
      this.again = true;
      return;
    }
    if (this.cancelWait) return;
    const wait = this.lastAt + this.minIntervalMs - this.scheduler.now();
    if (wait > 0) {
      this.cancelWait = this.scheduler.setTimeout(() => {
        this.cancelWait = undefined;
        this.read();
      }, wait);
      return;
    }
    this.read();
  }

  stop(): void {
    this.cancelWait?.();
    this.cancelWait = undefined;
    this.again = false;
  }

  private read(): void {
    if (!this.link.connected) return;
    this.inFlight = true;
    this.lastAt = this.scheduler.now();
    this.link
      .invoke('state.get', {})
      .then(
        (s) => this.onSnapshot(s),
        () => undefined, // the engine went away; its state change updates the tray instead
      )
      .finally(() => {
        this.inFlight = false;
        if (this.again) {
          this.again = false;
          this.refresh();
        }
      });
  }
}

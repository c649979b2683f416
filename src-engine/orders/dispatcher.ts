/**
 * Sends follower requests through each connection's lane (copy-semantics §8a). A request goes out
 * at once when the lane is ready and the broker's budget allows; otherwise it waits in a priority
 * queue: flatten and exits, then protective orders, then entries, then modifications, with a burst
 * of modifications of one order coalesced into the last. The broker's penalty is honoured; a
 * reserve of the budget is kept for exits. Never awaits followers one by one: each send starts as
 * soon as it is submitted.
 */
import type { BrokerConnection, CommandOutcome, ModifyOrderRequest, PlaceOutcome } from './broker';
import type { Intent } from './intent';
import { PRIORITY, type Priority } from './intent';

/** Jobs name the engine's account ids; the dispatcher translates to the broker's at the wire. */
export type Job =
  | { readonly kind: 'place'; readonly intent: Intent }
  | { readonly kind: 'modify'; readonly request: ModifyOrderRequest; readonly priority: Priority }
  | { readonly kind: 'cancel'; readonly accountId: string; readonly orderId: string; readonly priority: Priority };

export interface DispatchHooks {
  /**
   * A place is about to be handed to the connection (status → sending). False when the intent no
   * longer stands (abandoned or settled while it waited in the lane): nothing is sent for it.
   */
  onSending(intent: Intent): boolean;
  onQueued(intent: Intent): void;
  onPlaceOutcome(intent: Intent, outcome: PlaceOutcome): void;
  onCommandOutcome(job: Job & { kind: 'modify' | 'cancel' }, outcome: CommandOutcome): void;
  /** After any request settled and left the lane (the owner re-checks whether it is idle). */
  onSettled(): void;
  /** The adapter wrote a place request to its socket (latency measurement). */
  onWritten(intent: Intent, atMs: number): void;
}

interface Lane {
  readonly connection: BrokerConnection;
  ready: boolean;
  /** `at`: when the work first started waiting (a coalesced modification keeps its first). */
  readonly queue: { job: Job; seq: number; at: number }[];
  wake: ReturnType<typeof setTimeout> | undefined;
  inFlight: number;
}

/** Share of the budget below which only exits and protective orders go; below the second, entries wait too. */
const RESERVE_FOR_ENTRIES = 0.05;
const RESERVE_FOR_MODIFY = 0.2;
const RECHECK_MS = 200;

export class Dispatcher {
  private readonly lanes = new Map<string, Lane>();
  private seq = 0;
  private readonly idleWaiters: (() => void)[] = [];
  private disposed = false;

  constructor(
    private readonly hooks: DispatchHooks,
    /** Intents name the engine's account id; the wire wants the broker's. */
    private readonly brokerAccountOf: (accountId: string) => string,
    private readonly now: () => number = Date.now,
  ) {}

  addLane(connectionId: string, connection: BrokerConnection): void {
    this.lanes.set(connectionId, { connection, ready: false, queue: [], wake: undefined, inFlight: 0 });
  }

  removeLane(connectionId: string): void {
    const lane = this.lanes.get(connectionId);
    if (lane?.wake) clearTimeout(lane.wake);
    this.lanes.delete(connectionId);
    this.maybeIdle();
  }

  /** A lane is ready once its connection is up and the engine has reconciled it. */
  setReady(connectionId: string, ready: boolean): void {
    const lane = this.lanes.get(connectionId);
    if (!lane) return;
    lane.ready = ready;
    if (ready) this.pump(connectionId, lane);
  }

  submit(connectionId: string, job: Job): void {
    const lane = this.lanes.get(connectionId);
    if (!lane) throw new Error(`dispatcher: no connection ${connectionId}`);
    let at = this.now();
    if (job.kind === 'modify') {
      // Coalesce: a queued modification of the same order is replaced by this newer one.
      const i = lane.queue.findIndex((q) => q.job.kind === 'modify' && q.job.request.orderId === job.request.orderId);
      if (i >= 0) at = Math.min(at, lane.queue.splice(i, 1)[0]?.at ?? at);
    }
    if (lane.queue.length === 0 && this.canSend(lane, priorityOf(job))) {
      this.send(connectionId, lane, job);
      return;
    }
    lane.queue.push({ job, seq: this.seq++, at });
    lane.queue.sort((a, b) => priorityOf(a.job) - priorityOf(b.job) || a.seq - b.seq);
    if (job.kind === 'place') this.hooks.onQueued(job.intent);
    this.pump(connectionId, lane);
  }

  /** Drops queued work for intents the engine abandoned (e.g. a lifecycle that ended while queued). */
  dropQueued(predicate: (job: Job) => boolean): Job[] {
    const dropped: Job[] = [];
    for (const lane of this.lanes.values()) {
      for (let i = lane.queue.length - 1; i >= 0; i--) {
        const entry = lane.queue[i];
        if (entry && predicate(entry.job)) {
          dropped.push(entry.job);
          lane.queue.splice(i, 1);
        }
      }
    }
    this.maybeIdle();
    return dropped;
  }

  /** Requests queued or on the wire. */
  pending(): number {
    let n = 0;
    for (const lane of this.lanes.values()) n += lane.queue.length + lane.inFlight;
    return n;
  }

  queuedFor(connectionId: string): number {
    return this.lanes.get(connectionId)?.queue.length ?? 0;
  }

  /** A lane's waiting work as the Connections screen shows it: how much, and since when the oldest waits. */
  queueOf(connectionId: string): { readonly queued: number; readonly oldestSince: number | undefined } {
    const queue = this.lanes.get(connectionId)?.queue ?? [];
    let oldest: number | undefined;
    for (const q of queue) if (oldest === undefined || q.at < oldest) oldest = q.at;
    return { queued: queue.length, oldestSince: oldest };
  }

  whenIdle(): Promise<void> {
    if (this.pending() === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  dispose(): void {
    this.disposed = true;
    for (const lane of this.lanes.values()) if (lane.wake) clearTimeout(lane.wake);
    this.lanes.clear();
    for (const w of this.idleWaiters.splice(0)) w();
  }

  private canSend(lane: Lane, priority: Priority): boolean {
    if (!lane.ready) return false;
    const b = lane.connection.budget();
    if (b.penaltyUntil !== undefined && b.penaltyUntil > this.now()) return false;
    if (b.remaining <= 0) return false;
    const share = b.limit > 0 ? b.remaining / b.limit : 1;
    if (priority >= PRIORITY.modify) return share > RESERVE_FOR_MODIFY || b.remaining > 10;
    if (priority >= PRIORITY.entry) return share > RESERVE_FOR_ENTRIES || b.remaining > 3;
    return true;
  }

  private pump(connectionId: string, lane: Lane): void {
    if (this.disposed) return;
    while (lane.queue.length > 0) {
      const head = lane.queue[0];
      if (!head || !this.canSend(lane, priorityOf(head.job))) break;
      lane.queue.shift();
      this.send(connectionId, lane, head.job);
    }
    if (lane.queue.length > 0 && lane.ready && lane.wake === undefined) {
      const b = lane.connection.budget();
      const wait = b.penaltyUntil !== undefined ? Math.max(RECHECK_MS, b.penaltyUntil - this.now()) : RECHECK_MS;
      lane.wake = setTimeout(() => {
        lane.wake = undefined;
        this.pump(connectionId, lane);
      }, wait);
    }
  }

  private send(connectionId: string, lane: Lane, job: Job): void {
    if (job.kind === 'place' && !this.hooks.onSending(job.intent)) {
      this.maybeIdle();
      return;
    }
    lane.inFlight++;
    const done = (): void => {
      lane.inFlight--;
      if (this.lanes.get(connectionId) === lane) this.pump(connectionId, lane);
      this.maybeIdle();
      if (!this.disposed) this.hooks.onSettled();
    };
    switch (job.kind) {
      case 'place': {
        const i = job.intent;
        lane.connection
          .place({
            accountId: this.brokerAccountOf(i.accountId),
            tag: i.tag,
            contract: i.contract,
            side: i.side,
            qty: i.qty - i.filledQty,
            type: i.type,
            ...(i.price !== undefined ? { price: i.price } : {}),
            ...(i.bracket ? { bracket: i.bracket } : {}),
            onWritten: (t) => this.hooks.onWritten(i, t),
          })
          .then(
            (outcome) => {
              if (!this.disposed) this.hooks.onPlaceOutcome(i, outcome);
            },
            (err: unknown) => {
              if (!this.disposed) this.hooks.onPlaceOutcome(i, { ok: false, class: 'unknown', reason: err instanceof Error ? err.message : String(err) });
            },
          )
          .finally(done);
        return;
      }
      case 'modify':
      case 'cancel': {
        const call =
          job.kind === 'modify'
            ? lane.connection.modify({ ...job.request, accountId: this.brokerAccountOf(job.request.accountId) })
            : lane.connection.cancel(this.brokerAccountOf(job.accountId), job.orderId);
        call
          .then(
            (outcome) => {
              if (!this.disposed) this.hooks.onCommandOutcome(job, outcome);
            },
            (err: unknown) => {
              if (!this.disposed) this.hooks.onCommandOutcome(job, { ok: false, class: 'unknown', reason: err instanceof Error ? err.message : String(err) });
            },
          )
          .finally(done);
        return;
      }
    }
  }

  private maybeIdle(): void {
    if (this.pending() === 0) for (const w of this.idleWaiters.splice(0)) w();
  }
}

function priorityOf(job: Job): Priority {
  return job.kind === 'place' ? job.intent.priority : job.priority;
}

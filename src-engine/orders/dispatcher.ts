/**
 * Sends follower requests through each connection's lane (copy-semantics §8a). A request goes out
 * at once when the lane is ready and the broker's budget allows; otherwise it waits in a priority
 * queue: flatten and exits, then protective orders, then entries, then modifications, with a burst
 * of modifications of one order coalesced into the last. The broker's penalty is honoured; a
 * reserve of the budget is kept for exits. Never awaits followers one by one: each send starts as
 * soon as it is submitted.
 *
 * Priority orders work across followers and contracts, never within one: an exit computed on top
 * of an entry still waiting here must not reach the broker first, or it would take the follower
 * across zero. Such an exit waits behind its entry, and the owner is told (onWaiting) so it can
 * decide the pair afresh; it is told too of every entry still waiting, so an entry the budget could
 * not carry in time is given up with its reason rather than sent late.
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
  /**
   * Work left waiting in a ready lane for want of budget (called after each pump that leaves
   * some). `blocked`: places held behind an earlier place of the same follower and contract.
   */
  onWaiting(connectionId: string, waiting: readonly WaitingJob[]): void;
  /**
   * Requests the lane must keep for exits before it sends another entry: one for each position its
   * followers hold or are being sent, so no entry opens what the budget could not close.
   */
  exitReserve(connectionId: string): number;
}

export interface WaitingJob {
  readonly job: Job;
  /** Held behind an earlier place of the same follower and contract. */
  readonly blocked: boolean;
}

interface Lane {
  readonly connection: BrokerConnection;
  ready: boolean;
  /** `at`: when the work first started waiting (a coalesced modification keeps its first). */
  readonly queue: { job: Job; seq: number; at: number }[];
  wake: ReturnType<typeof setTimeout> | undefined;
  inFlight: number;
  /** Set while the owner is told about waiting work: what it submits then is pumped once it returns. */
  telling: boolean;
}

/** Share of the budget below which only exits and protective orders go; below the second, entries wait too. */
const RESERVE_FOR_ENTRIES = 0.05;
const RESERVE_FOR_MODIFY = 0.2;
const RECHECK_MS = 200;
/** Requests kept beside the exit reserve for a copy's own lookups (contract, quotes, a token). */
const LOOKUP_SLACK = 3;

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
    this.lanes.set(connectionId, { connection, ready: false, queue: [], wake: undefined, inFlight: 0, telling: false });
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
    if (lane.queue.length === 0 && this.canSend(connectionId, lane, priorityOf(job))) {
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

  private canSend(connectionId: string, lane: Lane, priority: Priority): boolean {
    if (!lane.ready) return false;
    const b = lane.connection.budget();
    if (b.penaltyUntil !== undefined && b.penaltyUntil > this.now()) return false;
    if (b.remaining <= 0) return false;
    const share = b.limit > 0 ? b.remaining / b.limit : 1;
    if (priority >= PRIORITY.modify) return share > RESERVE_FOR_MODIFY || b.remaining > 10;
    if (priority >= PRIORITY.entry) {
      if (!(share > RESERVE_FOR_ENTRIES || b.remaining > 3)) return false;
      // After this entry, one request must be left for every exit, the one it opens included, and
      // a few for what the copy itself may need first (looking the contract up, subscribing its
      // quotes). Counted only when the budget is no longer wide: the hot path does not pay for it.
      return b.remaining > b.limit / 2 || b.remaining - 1 - LOOKUP_SLACK > this.hooks.exitReserve(connectionId);
    }
    return true;
  }

  private pump(connectionId: string, lane: Lane): void {
    if (this.disposed || lane.telling) return;
    this.drain(connectionId, lane);
    if (lane.queue.length > 0 && lane.ready) {
      this.tellWaiting(connectionId, lane);
      // What the owner dropped or submitted meanwhile goes now, without telling it again.
      if (this.lanes.get(connectionId) !== lane) return;
      this.drain(connectionId, lane);
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

  /** Sends what the budget allows, in priority order. */
  private drain(connectionId: string, lane: Lane): void {
    for (let i = 0; i < lane.queue.length; ) {
      const entry = lane.queue[i];
      if (!entry) break;
      const pair = pairOf(entry.job);
      // Within one follower and contract, places go in the order they were decided.
      if (pair !== undefined && lane.queue.some((q) => q.seq < entry.seq && pairOf(q.job) === pair)) {
        i++;
        continue;
      }
      // The queue is in priority order and the budget check is monotone in priority: once one
      // cannot go, nothing after it can.
      if (!this.canSend(connectionId, lane, priorityOf(entry.job))) break;
      lane.queue.splice(i, 1);
      this.send(connectionId, lane, entry.job);
    }
  }

  private tellWaiting(connectionId: string, lane: Lane): void {
    // A place is held when an earlier one of its follower and contract still waits.
    const first = new Map<string, number>();
    for (const q of lane.queue) {
      const pair = pairOf(q.job);
      if (pair !== undefined && q.seq < (first.get(pair) ?? Infinity)) first.set(pair, q.seq);
    }
    const waiting: WaitingJob[] = lane.queue.map((q) => {
      const pair = pairOf(q.job);
      return { job: q.job, blocked: pair !== undefined && (first.get(pair) ?? q.seq) < q.seq };
    });
    lane.telling = true;
    try {
      this.hooks.onWaiting(connectionId, waiting);
    } finally {
      lane.telling = false;
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

/** The follower and contract a market place moves (working orders stand on their own). */
function pairOf(job: Job): string | undefined {
  if (job.kind !== 'place' || job.intent.type !== 'market') return undefined;
  return `${job.intent.accountId}\u0000${job.intent.contract}`;
}

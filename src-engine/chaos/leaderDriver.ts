/**
 * The trader, at random: market entries and exits (sometimes partly filled), entries with native
 * brackets, resting limit and stop orders, modifications, cancellations and quote moves that fill
 * what they touch — all placed at the leader's simulated broker as if by hand. Also arms the
 * simulators' wire faults on the group's accounts and records them on the timeline.
 */
import type { ContractCode } from '../domain/contractCode';
import type { Side } from '../orders/broker';
import type { SimAccount } from '../brokers/simcore/exchange';
import type { SimOrder } from '../brokers/simcore/types';
import type { ChaosWorld, GroupPlan } from './chaosWorld';
import type { Rng } from './rng';
import type { DisturbanceKind, Timeline } from './timeline';

export type ActionKind = 'market' | 'bracketEntry' | 'limit' | 'stop' | 'modify' | 'cancel' | 'quote' | 'partialFill' | 'fault';

const WEIGHTS: Readonly<Record<ActionKind, number>> = {
  market: 26,
  bracketEntry: 8,
  limit: 10,
  stop: 5,
  modify: 10,
  cancel: 6,
  quote: 18,
  partialFill: 5,
  fault: 12,
};

/** The leader never holds more than this many contracts from market orders (resting ones may add). */
const MAX_POSITION = 4;
const MAX_WORKING = 4;
/** Quotes wander at most this many ticks from the start. */
const BAND_TICKS = 40;

export class LeaderDriver {
  readonly leader: SimAccount;
  readonly contract: ContractCode;
  private readonly tick: number;
  private readonly detach: () => void;
  private position = 0;
  readonly counts: Record<ActionKind, number> = { market: 0, bracketEntry: 0, limit: 0, stop: 0, modify: 0, cancel: 0, quote: 0, partialFill: 0, fault: 0 };
  readonly faults: Record<string, number> = {};

  constructor(
    private readonly world: ChaosWorld,
    readonly plan: GroupPlan,
    private readonly rng: Rng,
    private readonly timeline: Timeline,
  ) {
    this.leader = world.account(plan.leader);
    this.contract = world.contract(plan.root);
    this.tick = world.catalog.require(plan.root).tickSize.toNumber();
    this.detach = world.exchange.onAccountEvent(this.leader.id, (e) => {
      if (e.kind !== 'fill') return;
      const before = this.position;
      this.position += e.fill.side === 'buy' ? e.fill.qty : -e.fill.qty;
      timeline.leaderFills.push({ leader: plan.leader, root: plan.root, time: e.fill.time, before, after: this.position });
    });
  }

  dispose(): void {
    this.detach();
  }

  leaderPosition(): number {
    return this.world.exchange.positionOf(this.leader.id, this.contract);
  }

  workingOrders(): SimOrder[] {
    return this.world.exchange.openOrders(this.leader.id).filter((o) => o.status === 'working' && o.contract === this.contract);
  }

  /** One random action; returns what it did, for the run's log. */
  step(): string {
    const kind = this.rng.weighted(WEIGHTS);
    this.counts[kind]++;
    switch (kind) {
      case 'market':
        return this.market(false);
      case 'bracketEntry':
        return this.market(true);
      case 'limit':
      case 'stop':
        return this.resting(kind);
      case 'modify':
        return this.modify();
      case 'cancel':
        return this.cancel();
      case 'quote':
        return this.moveQuote();
      case 'partialFill': {
        const target = this.rng.pick([this.plan.leader, ...this.plan.followers.map((f) => f.key)]);
        this.world.account(target).faults.partialFillQty = 1;
        return `partialFill armed on ${target}`;
      }
      case 'fault':
        return this.fault();
    }
  }

  /** A market order that leaves the leader holding a position (end of the holding phase). */
  ensureHolding(): string | undefined {
    if (this.leaderPosition() !== 0) return undefined;
    const side: Side = this.rng.chance(0.5) ? 'buy' : 'sell';
    const qty = this.rng.int(1, 2);
    this.place({ side, qty, type: 'market' });
    return `ensureHolding ${side} ${qty}`;
  }

  /** End of the run: cancel every leader order, then close the position at market. */
  flatten(): string {
    for (const o of this.world.exchange.openOrders(this.leader.id)) {
      if (o.contract === this.contract) this.world.exchange.cancel(this.leader.id, o.orderId);
    }
    const pos = this.leaderPosition();
    if (pos !== 0) this.place({ side: pos > 0 ? 'sell' : 'buy', qty: Math.abs(pos), type: 'market' });
    return `flatten ${pos}`;
  }

  private quote(): number {
    const q = this.world.exchange.quote(this.contract);
    if (!q) throw new Error(`chaos: no quote for ${this.contract}`);
    return q.price;
  }

  private price(ticksFromQuote: number): number {
    return Number((this.quote() + ticksFromQuote * this.tick).toFixed(6));
  }

  private place(spec: { side: Side; qty: number; type: 'market' | 'limit' | 'stop'; price?: number; bracket?: { stopLoss: number; takeProfit: number } }): string {
    const r = this.world.exchange.place(this.leader.id, { contract: this.contract, source: 'manual', ...spec });
    return r.ok ? `#${r.order.orderId}` : `refused (${r.reason})`;
  }

  private market(withBracket: boolean): string {
    const pos = this.leaderPosition();
    let side: Side;
    if (pos >= MAX_POSITION) side = 'sell';
    else if (pos <= -MAX_POSITION) side = 'buy';
    else side = this.rng.chance(0.5) ? 'buy' : 'sell';
    const growing = pos === 0 || (pos > 0) === (side === 'buy');
    const room = growing ? MAX_POSITION - Math.abs(pos) : Math.abs(pos) + MAX_POSITION;
    const qty = Math.max(1, Math.min(room, this.rng.int(1, 3)));
    if (withBracket && growing) {
      const sl = this.rng.int(6, 20);
      const tp = this.rng.int(6, 20);
      const bracket = side === 'buy' ? { stopLoss: this.price(-sl), takeProfit: this.price(tp) } : { stopLoss: this.price(sl), takeProfit: this.price(-tp) };
      return `bracket ${side} ${qty} sl ${bracket.stopLoss} tp ${bracket.takeProfit} ${this.place({ side, qty, type: 'market', bracket })}`;
    }
    return `market ${side} ${qty} ${this.place({ side, qty, type: 'market' })}`;
  }

  private resting(type: 'limit' | 'stop'): string {
    if (this.workingOrders().length >= MAX_WORKING) return this.cancel();
    const side: Side = this.rng.chance(0.5) ? 'buy' : 'sell';
    const n = this.rng.int(2, 12);
    // A limit rests below the market to buy, a stop above it.
    const below = (type === 'limit') === (side === 'buy');
    const price = this.price(below ? -n : n);
    const qty = this.rng.int(1, 2);
    return `${type} ${side} ${qty} @ ${price} ${this.place({ side, qty, type, price })}`;
  }

  private modify(): string {
    const working = this.workingOrders();
    if (working.length === 0) return this.resting('limit');
    const o = this.rng.pick(working);
    const price = Number(((o.price ?? this.quote()) + this.rng.int(-3, 3) * this.tick).toFixed(6));
    const r = this.world.exchange.modify(this.leader.id, o.orderId, { price });
    return `modify #${o.orderId} → ${price} ${r.ok ? 'ok' : r.reason}`;
  }

  private cancel(): string {
    const working = this.workingOrders();
    if (working.length === 0) return this.moveQuote();
    const o = this.rng.pick(working);
    const r = this.world.exchange.cancel(this.leader.id, o.orderId);
    return `cancel #${o.orderId} ${r.ok ? 'ok' : r.reason}`;
  }

  private moveQuote(): string {
    const base = this.plan.quote;
    const q = this.quote();
    let move = this.rng.int(1, 6) * (this.rng.chance(0.5) ? 1 : -1);
    if (Math.abs(q + move * this.tick - base) > BAND_TICKS * this.tick) move = -move;
    const price = this.price(move);
    this.world.exchange.setQuote(this.contract, price);
    return `quote ${this.plan.root} ${price}`;
  }

  private fault(): string {
    const target = this.rng.pick([this.plan.leader, ...this.plan.followers.map((f) => f.key)]);
    const account = this.world.account(target);
    const kind = this.rng.weighted<DisturbanceKind | 'duplicateNextEvent'>({ disconnect: 3, delay: 3, duplicateNextEvent: 4, expireToken: 2, rateLimit: 2, kill: 0 });
    this.faults[kind] = (this.faults[kind] ?? 0) + 1;
    const fe = this.world.frontEnd(target);
    const now = Date.now();
    switch (kind) {
      case 'disconnect':
      case 'delay':
      case 'rateLimit': {
        const ms = kind === 'disconnect' ? this.rng.int(300, 2_000) : kind === 'delay' ? this.rng.int(100, 800) : this.rng.int(300, 1_500);
        fe.applyFault(account.id, { kind, ms });
        // Reconnecting after a drop takes the adapter's backoff on top of the window.
        this.timeline.open(kind, target, now, now + ms + (kind === 'disconnect' ? 3_000 : 500));
        return `fault ${kind} ${ms}ms on ${target}`;
      }
      case 'expireToken':
        fe.applyFault(account.id, { kind });
        this.timeline.open(kind, target, now, now + 3_000);
        return `fault expireToken on ${target}`;
      case 'duplicateNextEvent':
        fe.applyFault(account.id, { kind });
        return `fault duplicateNextEvent on ${target}`;
      case 'kill':
        return 'no-op';
    }
  }
}

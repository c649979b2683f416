/**
 * Turns the entity cache's changes into events, and fills its gaps. Contracts never arrive on the
 * stream, so an unknown contract id is looked up at once; an order or version that has not arrived
 * yet usually follows in the next frame (§4.4), so those are asked for only after a short grace.
 * Each id is asked for a bounded number of times, so a broker that never knows it cannot make us
 * loop.
 */
import type { Logger } from '../../domain/log';
import type { BrokerEvent } from '../../orders/broker';
import type { EntityCache, Missing } from './entityCache';
import type { RestClient } from './restClient';

export interface EntityResolverDeps {
  readonly name: string;
  readonly cache: EntityCache;
  readonly rest: RestClient;
  readonly log: Logger;
  readonly graceMs: number;
  readonly emit: (event: BrokerEvent) => void;
  readonly onProtocolError: (detail: string) => void;
  readonly track: (work: Promise<unknown>) => void;
}

const MAX_LOOKUPS_PER_ID = 3;
const NOTHING_MISSING: Missing = { contracts: new Set(), orders: new Set(), versionsOf: new Set() };

export class EntityResolver {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;
  private missing: Missing = NOTHING_MISSING;
  private readonly lookups = new Map<string, number>();
  private disposed = false;

  constructor(private readonly deps: EntityResolverDeps) {}

  /** Emits what the cache can now describe; schedules lookups for what it cannot. */
  flush(): void {
    if (this.disposed) return;
    const { events, missing } = this.deps.cache.drain();
    for (const e of events) this.deps.emit(e);
    this.missing = missing;
    if (size(missing) === 0 || this.timer !== undefined || this.running) return;
    const delay = missing.contracts.size > 0 ? 0 : this.deps.graceMs;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.deps.track(this.resolveNow());
    }, delay);
  }

  /** Looks up whatever is missing now (no grace) and resolves when that is done. */
  resolveNow(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.running ??= this.lookUp().then((asked) => {
      this.running = undefined;
      // Whatever went missing while this lookup ran (its own last flush included) was not
      // scheduled then: ask for it now. Only after a lookup that asked for something, so the
      // bounded number of lookups per id bounds this too.
      if (asked && size(this.missing) > 0) this.flush();
    }, (err: unknown) => {
      this.running = undefined;
      throw err;
    });
    return this.running;
  }

  /** Entities fetched by REST, applied as if they had come on the stream. */
  applyFetched(entityType: string, list: readonly unknown[]): void {
    for (const raw of list) {
      const err = this.deps.cache.apply(entityType, 'Updated', raw);
      if (err !== undefined) this.deps.onProtocolError(`${entityType} lookup: ${err}`);
    }
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** True when it asked the broker for something. */
  private async lookUp(): Promise<boolean> {
    this.flush();
    const contracts = this.due('contract', this.missing.contracts);
    const orders = this.due('order', this.missing.orders);
    const versions = this.due('version', this.missing.versionsOf);
    if (contracts.length + orders.length + versions.length === 0) return false;
    const { rest } = this.deps;
    try {
      const [c, o, v] = await Promise.all([
        contracts.length > 0 ? rest.call({ endpoint: 'contract/items', query: { ids: contracts.join(',') }, mutates: false }) : [],
        orders.length > 0 ? rest.call({ endpoint: 'order/items', query: { ids: orders.join(',') }, mutates: false }) : [],
        versions.length > 0 ? rest.call({ endpoint: 'orderVersion/ldeps', query: { masterids: versions.join(',') }, mutates: false }) : [],
      ]);
      this.applyFetched('contract', asList(c));
      this.applyFetched('order', asList(o));
      this.applyFetched('orderVersion', asList(v));
    } catch (err) {
      this.deps.log.info('could not look entities up', { connection: this.deps.name, reason: err instanceof Error ? err.message : String(err) });
    }
    this.flush();
    return true;
  }

  private due(kind: string, ids: ReadonlySet<number>): number[] {
    return [...ids].filter((id) => {
      const key = `${kind}:${id}`;
      const n = this.lookups.get(key) ?? 0;
      this.lookups.set(key, n + 1);
      return n < MAX_LOOKUPS_PER_ID;
    });
  }
}

function size(m: Missing): number {
  return m.contracts.size + m.orders.size + m.versionsOf.size;
}

/** REST answers a list, or one item, or nothing. */
export function asList(data: unknown): unknown[] {
  if (Array.isArray(data)) return data as unknown[];
  return data === undefined || data === null ? [] : [data];
}

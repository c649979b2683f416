/**
 * Quotes from the market hub: opened only when first needed (a quote subscription, or a market
 * entry whose bracket needs a price), sparse updates merged per contract, and a quote event for
 * the contracts the engine asked for. It also answers "what is the price now" for bracket ticks.
 */
import type { ContractCode } from '../../domain/contractCode';
import type { Clock } from '../../domain/clock';
import type { Logger } from '../../domain/log';
import type { BrokerEvent } from '../../orders/broker';
import { decodeMarketEvent, MARKET_EVENTS } from './hubCodec';
import type { HubChannel } from './hubChannel';
import { mergeSparse, type WireQuote } from './wireModels';

/** How long a market entry with a bracket waits for a first price. */
const QUOTE_WAIT_MS = 5_000;

export interface QuoteFeedOptions {
  /** Builds the market hub channel (not yet connected). */
  readonly createHub: () => HubChannel;
  /** Whether the session is up, so a new hub may connect now (else `connectIfCreated` does it later). */
  readonly canConnect: () => boolean;
  readonly emit: (e: Extract<BrokerEvent, { kind: 'quote' }>) => void;
  readonly protocolError: (detail: string) => void;
  readonly clock: Clock;
  readonly log: Logger;
}

export class QuoteFeed {
  private hubChannel: HubChannel | undefined;
  /** Contracts the engine asked quotes for, by ProjectX id. */
  private readonly wanted = new Map<string, ContractCode>();
  private readonly quotes = new Map<string, WireQuote>();
  private readonly lastEmitted = new Map<string, { price: number; time: number }>();
  private readonly waiters = new Map<string, Set<() => void>>();

  constructor(private readonly o: QuoteFeedOptions) {}

  /** Quote events for `contract` from now on (idempotent). */
  want(contractId: string, contract: ContractCode): void {
    if (this.wanted.has(contractId)) return;
    this.wanted.set(contractId, contract);
    this.subscribe(contractId);
  }

  /** The current price, subscribing if needed and waiting a little for the first quote. */
  async price(contractId: string): Promise<number | undefined> {
    const known = this.quotes.get(contractId);
    const now = known ? quotePrice(known) : undefined;
    if (now !== undefined) return now;
    const arrived = new Promise<void>((resolve) => {
      const set = this.waiters.get(contractId) ?? new Set<() => void>();
      set.add(resolve);
      this.waiters.set(contractId, set);
    });
    this.subscribe(contractId);
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([arrived, new Promise<void>((resolve) => (timer = setTimeout(resolve, QUOTE_WAIT_MS)))]);
    clearTimeout(timer);
    const q = this.quotes.get(contractId);
    return q ? quotePrice(q) : undefined;
  }

  /** Called once the session is up: a hub created before that connects now. */
  connectIfCreated(): void {
    this.hubChannel?.connect();
  }

  async barrier(): Promise<void> {
    if (this.hubChannel?.hasSubscriptions() === true) await this.hubChannel.roundTrip().catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.releaseWaiters();
    await this.hubChannel?.stop();
  }

  abandon(): void {
    this.releaseWaiters();
    this.hubChannel?.abandon();
  }

  private hub(): HubChannel {
    if (this.hubChannel) return this.hubChannel;
    const hub = this.o.createHub();
    hub.on(MARKET_EVENTS.quote, (args) => this.onQuote(args));
    this.hubChannel = hub;
    // Before the session has logged in, connecting would log in a second time.
    if (this.o.canConnect()) hub.connect();
    return hub;
  }

  private subscribe(contractId: string): void {
    this.hub()
      .subscribe('SubscribeContractQuotes', contractId)
      .catch((e: unknown) => this.o.log.warn('quote subscription failed', { contractId, error: e instanceof Error ? e.message : String(e) }));
  }

  private onQuote(args: unknown[]): void {
    const d = decodeMarketEvent(MARKET_EVENTS.quote, args);
    if (!d.ok) {
      this.o.protocolError(d.error);
      return;
    }
    if (d.value.kind !== 'quote') return;
    const { contractId } = d.value;
    let merged = this.quotes.get(contractId);
    for (const q of d.value.quotes) merged = mergeSparse(merged, q);
    if (!merged) return;
    this.quotes.set(contractId, merged);
    const price = quotePrice(merged);
    if (price === undefined) return;
    for (const w of this.waiters.get(contractId) ?? []) w();
    this.waiters.delete(contractId);
    const contract = this.wanted.get(contractId);
    if (!contract) return;
    const time = merged.timestamp ?? merged.lastUpdated ?? this.o.clock.now();
    // A re-subscribe (reconnect, barrier) repeats the current quote: that is not news.
    const last = this.lastEmitted.get(contractId);
    if (last?.price === price && last.time === time) return;
    this.lastEmitted.set(contractId, { price, time });
    this.o.emit({ kind: 'quote', contract, price, time });
  }

  private releaseWaiters(): void {
    for (const set of this.waiters.values()) for (const w of set) w();
    this.waiters.clear();
  }
}

/** Last trade price, else the middle of the book when both sides are known. */
function quotePrice(q: WireQuote): number | undefined {
  if (q.lastPrice !== undefined) return q.lastPrice;
  if (q.bestBid !== undefined && q.bestAsk !== undefined) return (q.bestBid + q.bestAsk) / 2;
  return undefined;
}

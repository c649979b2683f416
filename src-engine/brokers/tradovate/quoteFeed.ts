/**
 * Quotes from Tradovate's market-data socket (§5.12): opened when the first contract is asked for,
 * authorised with the md token, one `md/subscribeQuote` per contract (looked up by name first, as
 * quotes name contracts by id). A dropped md socket is reopened with backoff and resubscribed; it
 * carries no account state, so it never changes the connection's generation.
 */
import type { ContractCode } from '../../domain/contractCode';
import type { Logger } from '../../domain/log';
import { OBSERVER_MARK, type BrokerEvent } from '../../orders/broker';
import { BrokerError, stoppedError } from './brokerError';
import type { EventMessage } from './codec';
import { requestOnSocket, type PenaltyContext } from './penalty';
import type { RestClient } from './restClient';
import { toTradovateSymbol } from './symbols';
import type { TokenManager } from './tokenManager';
import { TradovateSocket, type SocketTimings } from './tradovateSocket';
import { describeZodError, wireContractSchema, wireQuoteSchema } from './wireModels';

export interface QuoteFeedDeps {
  readonly name: string;
  readonly mdUrl: string;
  readonly timings: SocketTimings;
  readonly tokens: TokenManager;
  readonly rest: RestClient;
  readonly penalty: PenaltyContext;
  readonly log: Logger;
  readonly now: () => number;
  readonly emit: (event: BrokerEvent) => void;
  readonly onProtocolError: (detail: string) => void;
  readonly backoff: (attempt: number) => number;
  /** Background work the connection's barrier waits for. */
  readonly track: (work: Promise<unknown>) => void;
  /** False while the trading side is down (its reconnect resumes the feed) or after stop. */
  readonly canRun: () => boolean;
}

export class QuoteFeed {
  private readonly wanted = new Set<ContractCode>();
  private readonly subscribed = new Set<ContractCode>();
  /** Contracts Tradovate does not know: asked once, not retried. */
  private readonly unavailable = new Set<ContractCode>();
  private readonly byContractId = new Map<number, ContractCode>();
  private readonly last = new Map<ContractCode, { price: number; time: number }>();
  private socket: TradovateSocket | undefined;
  private opening: Promise<TradovateSocket> | undefined;
  private running: Promise<void> | undefined;
  private runAgain = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private attempt = 0;
  private closed = false;

  constructor(private readonly deps: QuoteFeedDeps) {}

  /** Idempotent. */
  add(contracts: readonly ContractCode[]): void {
    let added = false;
    for (const c of contracts) {
      if (this.wanted.has(c)) continue;
      this.wanted.add(c);
      added = true;
    }
    if (added) this.resume();
  }

  /** Brings the socket and its subscriptions in line with what is wanted; one run at a time. */
  resume(): void {
    if (this.closed || !this.deps.canRun() || this.wanted.size === 0) return;
    if (this.running) {
      this.runAgain = true;
      return;
    }
    this.running = this.subscribeAll()
      .then(
        () => {
          this.attempt = 0;
        },
        (err: unknown) => {
          if (this.closed) return;
          this.deps.log.info('quote subscription failed; retrying', { connection: this.deps.name, reason: err instanceof Error ? err.message : String(err) });
          this.retryLater();
        },
      )
      .finally(() => {
        this.running = undefined;
        if (this.runAgain) {
          this.runAgain = false;
          this.resume();
        }
      });
    this.deps.track(this.running);
  }

  /**
   * A round trip on the md socket for the connection's barrier: re-subscribing a contract already
   * subscribed (idempotent at the simulator; a real server may answer it with an error, which is a
   * round trip all the same). Undefined when there is no md traffic to wait for.
   */
  roundTrip(observer: boolean): Promise<unknown> | undefined {
    const sock = this.socket;
    const first = [...this.subscribed][0];
    if (!sock?.isOpen || first === undefined) return undefined;
    if (!observer) this.deps.penalty.budget.record();
    return requestOnSocket(this.deps.penalty, sock, 'md/subscribeQuote', undefined, { symbol: toTradovateSymbol(first), ...(observer ? { [OBSERVER_MARK]: true } : {}) });
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const sock = this.socket;
    this.socket = undefined;
    sock?.terminate();
  }

  private async subscribeAll(): Promise<void> {
    const sock = await this.open();
    for (const code of this.wanted) {
      if (this.subscribed.has(code) || this.unavailable.has(code) || sock !== this.socket) continue;
      const symbol = toTradovateSymbol(code);
      let contractId: number;
      try {
        const found = wireContractSchema.safeParse(await this.deps.rest.call({ endpoint: 'contract/find', query: { name: symbol }, mutates: false }));
        if (!found.success) throw new BrokerError('permanent', `unreadable contract: ${describeZodError(found.error)}`);
        contractId = found.data.id;
      } catch (err) {
        if (!(err instanceof BrokerError) || err.outcome !== 'permanent') throw err;
        this.unavailable.add(code);
        this.deps.log.warn('no Tradovate contract for a quote subscription', { connection: this.deps.name, symbol, reason: err.message });
        continue;
      }
      this.byContractId.set(contractId, code);
      this.deps.penalty.budget.record();
      await requestOnSocket(this.deps.penalty, sock, 'md/subscribeQuote', undefined, { symbol });
      this.subscribed.add(code);
    }
  }

  private open(): Promise<TradovateSocket> {
    if (this.socket?.isOpen) return Promise.resolve(this.socket);
    this.opening ??= (async () => {
      const session = await this.deps.tokens.valid();
      // The handlers outlive this call; they act only while this socket is the current one.
      const ref: { sock?: TradovateSocket } = {};
      const sock = await TradovateSocket.open('md', this.deps.mdUrl, session.mdAccessToken, this.deps.timings, {
        onEvents: (events) => {
          if (ref.sock === this.socket) this.onEvents(events);
        },
        onProtocolError: (detail) => {
          if (ref.sock === this.socket) this.deps.onProtocolError(detail);
        },
        onClose: (reason) => {
          if (ref.sock === this.socket) this.onClosed(reason);
        },
      });
      ref.sock = sock;
      if (this.closed) {
        sock.terminate();
        throw stoppedError();
      }
      this.socket = sock;
      this.subscribed.clear();
      return sock;
    })().finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  private onEvents(events: readonly EventMessage[]): void {
    for (const ev of events) {
      if (ev.kind !== 'md') continue;
      for (const raw of ev.quotes) {
        const q = wireQuoteSchema.safeParse(raw);
        if (!q.success) {
          this.deps.onProtocolError(`md quote: ${describeZodError(q.error)}`);
          continue;
        }
        const contract = this.byContractId.get(q.data.contractId);
        const e = q.data.entries;
        // The last trade is the price; a quote without one (pre-open) falls back to the book.
        const price = e.Trade?.price ?? e.Bid?.price ?? e.Offer?.price;
        if (contract === undefined || price === undefined) continue;
        const time = q.data.timestamp ?? this.deps.now();
        // A repeated quote (a resubscription's snapshot, a duplicate frame) is not news.
        const last = this.last.get(contract);
        if (last && last.price === price && last.time === time) continue;
        this.last.set(contract, { price, time });
        this.deps.emit({ kind: 'quote', contract, price, time });
      }
    }
  }

  private onClosed(reason: string): void {
    this.socket = undefined;
    this.subscribed.clear();
    if (this.closed) return;
    this.deps.log.info('tradovate market-data socket closed', { connection: this.deps.name, reason });
    this.retryLater();
  }

  private retryLater(): void {
    if (this.closed || this.retryTimer !== undefined) return;
    this.attempt++;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.resume();
    }, this.deps.backoff(this.attempt));
  }
}

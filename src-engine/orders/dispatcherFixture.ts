/**
 * What the dispatcher's tests share: a paper lane over the shared matching core (its budget set
 * per test), hooks that follow the engine's own status rules, and intents to send.
 */
import { PaperConnection, PaperSim } from '../brokers/paper/paperBroker';
import { SimExchange } from '../brokers/simcore/exchange';
import type { Clock } from '../domain/clock';
import type { ContractCode } from '../domain/contractCode';
import { Catalog } from '../domain/instruments';
import { moneyFromDollars } from '../domain/money';
import type { BrokerConnection, OrderType, Side } from './broker';
import type { DispatchHooks, WaitingJob } from './dispatcher';
import { PRIORITY, type Intent, type IntentPurpose, type Priority } from './intent';
import { transition } from './orderState';

export const catalog = Catalog.load();

export interface PaperLane {
  readonly exchange: SimExchange;
  /** The follower's id at the simulator (the dispatcher's wire account). */
  readonly account: number;
  readonly connection: BrokerConnection;
  stop(): Promise<void>;
}

/** A connected paper follower `f1` with ES quoted; `requestsPerMinute` sets its budget. */
export async function paperLane(clock: Clock, opts: { requestsPerMinute?: number } = {}): Promise<PaperLane> {
  const exchange = new SimExchange(catalog, clock);
  const account = exchange.addAccount({ key: 'f1', broker: 'paper', login: 'f1', name: 'F1', balance: moneyFromDollars(50_000) }).id;
  const sim = new PaperSim(exchange);
  sim.addLogin('f1', 'secret');
  const connection = new PaperConnection({ name: 'paper', login: 'f1', ...(opts.requestsPerMinute !== undefined ? { requestsPerMinute: opts.requestsPerMinute } : {}) }, 'secret', sim, { catalog, clock });
  await connection.start(() => undefined);
  exchange.setQuote(catalog.frontMonth('ES', clock.now()), 6000);
  return {
    exchange,
    account,
    connection,
    stop: async () => {
      await connection.stop();
      exchange.dispose();
    },
  };
}

export interface RecordingHooks extends DispatchHooks {
  /** Every batch of waiting work the dispatcher told about. */
  readonly told: WaitingJob[][];
  /** What exitReserve answers. */
  reserve: number;
  /** Called with each batch (after it is recorded): a test can act as the engine would. */
  whenTold: (waiting: readonly WaitingJob[]) => void;
  /** Resolves once the broker has answered the place of this tag. */
  answered(tag: string): Promise<void>;
}

/** The engine's own rule: a place goes out only when the intent's status allows 'send'. */
export function statusHooks(): RecordingHooks {
  const step = (i: Intent, event: Parameters<typeof transition>[1]): boolean => {
    const t = transition(i.status, event);
    if (t.ok) i.status = t.next;
    return t.ok;
  };
  const answers = new Map<string, { promise: Promise<void>; resolve: () => void }>();
  const answer = (tag: string): { promise: Promise<void>; resolve: () => void } => {
    let a = answers.get(tag);
    if (!a) {
      let resolve = (): void => undefined;
      const promise = new Promise<void>((r) => (resolve = r));
      a = { promise, resolve };
      answers.set(tag, a);
    }
    return a;
  };
  const h: RecordingHooks = {
    told: [],
    answered: (tag) => answer(tag).promise,
    reserve: 0,
    whenTold: () => undefined,
    onSending: (i) => step(i, 'send'),
    onQueued: (i) => void step(i, 'queue'),
    onPlaceOutcome: (i, outcome) => {
      step(i, outcome.ok ? 'accepted' : 'rejected');
      answer(i.tag).resolve();
    },
    onCommandOutcome: () => undefined,
    onSettled: () => undefined,
    onWritten: () => undefined,
    onWaiting: (_c, waiting) => {
      h.told.push([...waiting]);
      h.whenTold(waiting);
    },
    exitReserve: () => h.reserve,
  };
  return h;
}

export interface IntentSpec {
  readonly tag: string;
  readonly contract: ContractCode;
  readonly createdAt: number;
  readonly type?: OrderType;
  readonly side?: Side;
  readonly qty?: number;
  readonly price?: number;
  readonly priority?: Priority;
  readonly purpose?: IntentPurpose;
  readonly accountId?: string;
}

/** A planned intent of follower `f1` (a market entry unless told otherwise). */
export function intentOf(s: IntentSpec): Intent {
  return {
    tag: s.tag,
    accountId: s.accountId ?? 'f1',
    groupId: undefined,
    purpose: s.purpose ?? 'copy',
    cause: 'fill:1',
    contract: s.contract,
    side: s.side ?? 'buy',
    qty: s.qty ?? 1,
    type: s.type ?? 'market',
    price: s.price,
    bracket: undefined,
    leaderOrderId: '1',
    priority: s.priority ?? PRIORITY.entry,
    status: 'planned',
    brokerOrderId: undefined,
    filledQty: 0,
    reason: undefined,
    createdAt: s.createdAt,
    updatedAt: s.createdAt,
  };
}

/**
 * Tradovate's endpoint-level rate limit answers with a penalty ticket on HTTP 200 (or `s:200` on
 * the socket): `{"p-ticket","p-time"}`. The documented, and only, safe retry is to wait p-time
 * seconds and send the identical request again plus the ticket (§6.1). A `p-captcha` cannot be
 * cleared by an app. This module owns that loop for both transports.
 */
import type { Clock } from '../../domain/clock';
import { BrokerError } from './brokerError';
import type { RequestBudget } from '../requestBudget';
import { penaltySchema, type Penalty } from './wireModels';

export interface PenaltyPolicy {
  /** Longer penalties are not waited out in-process: the caller gets transient + retryAt. */
  readonly maxWaitMs: number;
  /** Resends with a ticket before giving up (repeat violations lengthen the wait). */
  readonly maxResends: number;
}

export const DEFAULT_PENALTY_POLICY: PenaltyPolicy = { maxWaitMs: 60_000, maxResends: 3 };

/** A little after p-time, so a resend never lands a hair early on the server's clock. */
const RESEND_MARGIN_MS = 25;

export function readPenalty(payload: unknown): Penalty | undefined {
  const r = penaltySchema.safeParse(payload);
  return r.success ? r.data : undefined;
}

export interface PenaltyContext {
  readonly budget: RequestBudget;
  readonly clock: Clock;
  readonly policy: PenaltyPolicy;
  /** Real-time wait that rejects when the connection is stopped. */
  readonly sleep: (ms: number) => Promise<void>;
}

/**
 * Sends once (after any penalty already in force), and while the answer is a penalty, waits and
 * resends with the ticket. `payloadOf` extracts the JSON payload of an answer (undefined when the
 * answer is not a 2xx JSON one).
 */
export async function sendHonouringPenalties<A>(ctx: PenaltyContext, send: (ticket: string | undefined) => Promise<A>, payloadOf: (answer: A) => unknown): Promise<A> {
  await waitOutPenalty(ctx);
  let answer = await send(undefined);
  for (let resends = 0; ; resends++) {
    const penalty = readPenalty(payloadOf(answer));
    if (!penalty) return answer;
    const waitMs = Math.ceil(penalty['p-time'] * 1000);
    const until = ctx.clock.now() + waitMs;
    ctx.budget.refusedOverLimit(until);
    if (penalty['p-captcha'] === true) {
      throw new BrokerError('permanent', 'Tradovate locked this login behind a captcha after too many attempts; wait about an hour and try again');
    }
    if (waitMs > ctx.policy.maxWaitMs || resends >= ctx.policy.maxResends) {
      throw new BrokerError('transient', `rate limited by Tradovate (penalty of ${penalty['p-time']} s)`, until);
    }
    await ctx.sleep(waitMs + RESEND_MARGIN_MS);
    answer = await send(penalty['p-ticket']);
  }
}

/**
 * A lookup or a reconcile waits for the login's budget to have room (RequestBudget.msUntilRoom);
 * order calls, let out by the dispatcher, do not come here.
 */
export async function waitForRoom(ctx: PenaltyContext): Promise<void> {
  for (;;) {
    const ms = ctx.budget.msUntilRoom();
    if (ms <= 0) return;
    if (ms > ctx.policy.maxWaitMs) throw new BrokerError('transient', "the login's request budget is spent", ctx.clock.now() + ms);
    await ctx.sleep(ms);
  }
}

/** A request must not be sent into a penalty the broker already announced. */
export async function waitOutPenalty(ctx: PenaltyContext): Promise<void> {
  const until = ctx.budget.penaltyUntil();
  if (until === undefined) return;
  const waitMs = until - ctx.clock.now();
  if (waitMs <= 0) return;
  if (waitMs > ctx.policy.maxWaitMs) throw new BrokerError('transient', 'rate limited by Tradovate', until);
  await ctx.sleep(waitMs + RESEND_MARGIN_MS);
}

/** A request on a Tradovate socket with the same penalty handling (the ticket goes in the body). */
export function requestOnSocket(
  ctx: PenaltyContext,
  sock: { request(endpoint: string, query?: Readonly<Record<string, string | number>>, body?: unknown): Promise<unknown> },
  endpoint: string,
  query: Readonly<Record<string, string | number>> | undefined,
  body: Readonly<Record<string, unknown>> | undefined,
): Promise<unknown> {
  return sendHonouringPenalties(ctx, (ticket) => sock.request(endpoint, query, ticket === undefined ? body : { ...body, 'p-ticket': ticket }), (d) => d);
}

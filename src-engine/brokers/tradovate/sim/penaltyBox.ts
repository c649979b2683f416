/**
 * The simulator's endpoint-level rate limit (§6.1), per login. An armed rateLimit fault turns the
 * login's next request into a penalty `{"p-ticket","p-time"}`. Until p-time has passed every
 * request of the login gets the same ticket with the time left; after that, the penalised
 * endpoint is served only with the ticket (the documented resend), and is otherwise answered with
 * the ticket and `p-time: 0`. Other endpoints are served again. A penalty nobody resends lapses
 * after a grace period, so an idle simulator never waits on a client that gave up.
 *
 * p-time is in seconds and fractional here (ms/1000) so tests can use sub-second penalties; the
 * real server sends whole seconds. Performance time, like the other wire faults.
 */
import { randomBytes } from 'node:crypto';

interface OpenPenalty {
  readonly ticket: string;
  readonly endpoint: string;
  readonly until: number;
  readonly lapse: ReturnType<typeof setTimeout>;
}

export interface PenaltyStats {
  /** New penalties (fault-armed). */
  penaltiesIssued: number;
  /** Every answer that was a penalty, repeats included. */
  penaltyAnswers: number;
  /** Requests that carried a ticket the simulator had issued. */
  ticketedResends: number;
}

/** How long after p-time an unused penalty stays open for its resend. */
export const RESEND_GRACE_MS = 5_000;

export class PenaltyBox {
  private readonly open = new Map<string, OpenPenalty>();
  private readonly issued = new Set<string>();

  constructor(
    private readonly stats: PenaltyStats,
    /** Called when a penalty closes (idle bookkeeping). */
    private readonly onClosed: () => void,
  ) {}

  /**
   * The penalty answer for this request, or undefined to serve it. `takeArmed` consumes an armed
   * rateLimit fault of the login (its length in ms) when a new penalty may start.
   */
  check(login: string, endpoint: string, ticket: string | undefined, takeArmed: () => number | undefined): Record<string, unknown> | undefined {
    const key = login.toLowerCase();
    const now = performance.now();
    if (ticket !== undefined && this.issued.has(ticket)) this.stats.ticketedResends++;
    const p = this.open.get(key);
    if (p) {
      if (now < p.until) return this.answer(p, p.until - now);
      if (endpoint !== p.endpoint) return undefined;
      if (ticket === p.ticket) {
        this.close(key);
        return undefined;
      }
      return this.answer(p, 0);
    }
    const ms = takeArmed();
    if (ms === undefined) return undefined;
    const lapse = setTimeout(() => this.close(key), ms + RESEND_GRACE_MS);
    const penalty: OpenPenalty = { ticket: this.newTicket(), endpoint, until: now + ms, lapse };
    this.open.set(key, penalty);
    this.stats.penaltiesIssued++;
    return this.answer(penalty, ms);
  }

  /** Too many bad logins: a captcha penalty no app can clear (§2.1). */
  captcha(): Record<string, unknown> {
    this.stats.penaltyAnswers++;
    return { 'p-ticket': this.newTicket(), 'p-time': 3600, 'p-captcha': true };
  }

  pending(): number {
    return this.open.size;
  }

  clear(): void {
    for (const p of this.open.values()) clearTimeout(p.lapse);
    this.open.clear();
  }

  private answer(p: OpenPenalty, leftMs: number): Record<string, unknown> {
    this.stats.penaltyAnswers++;
    return { 'p-ticket': p.ticket, 'p-time': Math.ceil(Math.max(0, leftMs)) / 1000 };
  }

  private close(key: string): void {
    const p = this.open.get(key);
    if (!p) return;
    clearTimeout(p.lapse);
    this.open.delete(key);
    this.onClosed();
  }

  private newTicket(): string {
    const t = randomBytes(12).toString('hex');
    this.issued.add(t);
    return t;
  }
}

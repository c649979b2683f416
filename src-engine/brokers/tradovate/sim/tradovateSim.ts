/**
 * A local Tradovate server over the shared SimExchange: one HTTP server on 127.0.0.1 serving REST
 * under `/v1/...` and WebSocket upgrades at `/v1/websocket` (trading) and `/md/v1/websocket`
 * (market data), speaking the protocol of protocols/tradovate.md, with the scenario wire faults
 * applied in Tradovate's own terms:
 *
 * - disconnect: the login's sockets and in-flight HTTP exchanges are dropped; sockets authorising
 *   and REST calls for that login are refused (503) until the window ends.
 * - duplicateNextEvent: the next order or fill `props` frame goes out twice.
 * - delay: every frame and REST answer to the login is held, in order, until the delay ends.
 * - expireToken: the login's tokens expire now; open sockets stay open (§2.2), REST answers 401.
 * - rateLimit: the login's next request gets a penalty ticket `{"p-ticket","p-time"}`, and the
 *   penalised endpoint is served again only with the ticket after p-time (penaltyBox.ts). p-time
 *   is in seconds and FRACTIONAL here (ms/1000), so tests can use sub-second penalties; the real
 *   server sends whole seconds and the adapter reads both.
 *
 * With `limits`, the user-level limits per login are enforced too (loginLimits.ts): every account
 * of a login counts against one minute and one hour, as on the real server.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { ContractCode } from '../../../domain/contractCode';
import { silentLogger, type Logger } from '../../../domain/log';
import { OBSERVER_MARK } from '../../../orders/broker';
import type { SimExchange } from '../../simcore/exchange';
import type { SimFrontEnd, WireFault } from '../../simcore/frontend';
import type { SimEvent, SimQuote } from '../../simcore/types';
import { formatServerFrame, parseClientFrame, parseJson, propsMessage, responseMessage } from '../codec';
import { Endpoints, type Answer, type RequestContext } from './endpoints';
import { PenaltyBox, type PenaltyStats } from './penaltyBox';
import { LoginLimits, type TradovateLimits } from './loginLimits';
import { SocketHub, type SimSocket, type SocketKind } from './socketHub';
import { SimLogins, type SimLogin } from './simLogins';
import { SimOAuth, type SimOAuthQuirks } from './simOAuth';
import { SYNC_LIST_NAMES, WireBook, type EntityType, type PropsOut } from './wireBook';

export interface TradovateSimOptions {
  /** Access-token lifetime on the exchange clock (default 90 min, §2.2). */
  readonly tokenTtlMs?: number;
  /** Server heartbeat `h` after this much idle time (default 2500 ms, §3.1). */
  readonly heartbeatMs?: number;
  /** A socket that sends nothing (not even `[]`) for this long is closed (default 10 s, §9). */
  readonly clientTimeoutMs?: number;
  /** A socket not authorised this long after `o` is closed (default 5 s, §3.3). */
  readonly authorizeTimeoutMs?: number;
  /** Consecutive bad passwords before logins get a p-captcha penalty (default 5). */
  readonly captchaAfterBadLogins?: number;
  /** The OAuth side's switches where public sources disagree (simOAuth.ts). */
  readonly oauth?: Partial<SimOAuthQuirks>;
  /** User-level request limits per login; none enforced when absent (the default). */
  readonly limits?: TradovateLimits;
  readonly log?: Logger;
}

export interface TradovateSimStats extends PenaltyStats {
  /** Requests received, by lower-case endpoint (REST and socket alike, heartbeats excluded). */
  readonly requests: Map<string, number>;
  successfulLogins: number;
  failedLogins: number;
  renewals: number;
  /** Frames sent twice by duplicateNextEvent. */
  duplicatesSent: number;
  badClientFrames: number;
  /** API orders sent without `isAutomated: true`. */
  readonly notAutomated: () => number;
}

/** Things that happened on the wire, for tests to wait on. */
export type SimNote = { readonly kind: 'request'; readonly endpoint: string } | { readonly kind: 'renewal' } | { readonly kind: 'login' } | { readonly kind: 'penalty' };

interface InFlight {
  readonly login: string;
  readonly res: ServerResponse;
  dropped: boolean;
}

const MAX_BODY_BYTES = 1024 * 1024;

export class TradovateSim implements SimFrontEnd {
  readonly broker = 'tradovate' as const;
  private readonly opts: Required<Omit<TradovateSimOptions, 'log' | 'oauth' | 'limits'>>;
  /** The enforced per-login limits and what they refused (undefined: not enforced). */
  readonly limits: LoginLimits | undefined;
  /** Sign in with Tradovate: the sign-in page and the code exchange. */
  readonly oauth: SimOAuth;
  private readonly log: Logger;
  private readonly logins: SimLogins;
  private readonly book: WireBook;
  private readonly endpoints: Endpoints;
  private server: Server | undefined;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 * 1024 });
  private readonly hub: SocketHub;
  private readonly inFlight = new Set<InFlight>();
  private readonly heldAnswers: { readonly login: string; readonly send: () => void }[] = [];
  private readonly penalties: PenaltyBox;
  private readonly holds = new Set<ReturnType<typeof setTimeout>>();
  private readonly idleWaiters: (() => void)[] = [];
  private readonly unsubscribe: (() => void)[] = [];
  private port = 0;
  private readonly observers = new Set<(note: SimNote) => void>();
  readonly stats: TradovateSimStats;

  constructor(
    readonly exchange: SimExchange,
    options: TradovateSimOptions = {},
  ) {
    this.opts = {
      tokenTtlMs: options.tokenTtlMs ?? 90 * 60_000,
      heartbeatMs: options.heartbeatMs ?? 2_500,
      clientTimeoutMs: options.clientTimeoutMs ?? 10_000,
      authorizeTimeoutMs: options.authorizeTimeoutMs ?? 5_000,
      captchaAfterBadLogins: options.captchaAfterBadLogins ?? 5,
    };
    this.log = options.log ?? silentLogger;
    // The exchange's clock is the broker's: a scenario that moves time on moves the login's windows too.
    this.limits = options.limits ? new LoginLimits(options.limits, () => exchange.clock.now()) : undefined;
    this.logins = new SimLogins(exchange.clock, this.opts.tokenTtlMs, this.opts.captchaAfterBadLogins);
    this.book = new WireBook(exchange);
    this.oauth = new SimOAuth(
      this.logins,
      exchange.clock,
      (login) => {
        this.stats.successfulLogins++;
        this.note({ kind: 'login' });
        this.importLogin(login);
      },
      options.oauth,
    );
    this.endpoints = new Endpoints(exchange, this.book);
    const endpointStats = this.endpoints.stats;
    this.stats = { requests: new Map(), successfulLogins: 0, failedLogins: 0, renewals: 0, penaltiesIssued: 0, penaltyAnswers: 0, duplicatesSent: 0, ticketedResends: 0, badClientFrames: 0, notAutomated: () => endpointStats.notAutomated };
    this.penalties = new PenaltyBox(this.stats, () => this.checkIdle());
    this.hub = new SocketHub({
      heartbeatMs: this.opts.heartbeatMs,
      clientTimeoutMs: this.opts.clientTimeoutMs,
      authorizeTimeoutMs: this.opts.authorizeTimeoutMs,
      log: this.log,
      isDelayed: (login) => this.isDelayed(login),
      onFrame: (s, text) => this.onSocketFrame(s, text),
      onChange: () => this.checkIdle(),
    });
  }

  // ---- SimFrontEnd -----------------------------------------------------------------------------

  async start(port = 0): Promise<void> {
    if (this.server) throw new Error('tradovate simulator already started');
    const server = createServer((req, res) => this.onHttp(req, res));
    server.on('upgrade', (req: IncomingMessage, socket, head) => {
      const kind = socketKindOf(req.url);
      if (!kind) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.hub.accept(ws, kind));
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.port = (server.address() as AddressInfo).port;
    this.unsubscribe.push(this.exchange.onAccountEvent(undefined, (e) => this.onSimEvent(e)));
    this.unsubscribe.push(this.exchange.onQuote((q) => this.onQuote(q)));
  }

  async stop(): Promise<void> {
    for (const u of this.unsubscribe.splice(0)) u();
    this.hub.closeAll();
    for (const t of this.holds) clearTimeout(t);
    this.holds.clear();
    this.penalties.clear();
    for (const f of this.inFlight) f.res.destroy();
    this.inFlight.clear();
    this.heldAnswers.length = 0;
    this.wss.close();
    const server = this.server;
    this.server = undefined;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    this.checkIdle();
  }

  urls(): { restUrl: string; wsUrl: string; mdUrl: string } {
    if (!this.server) throw new Error('tradovate simulator not started');
    const base = `127.0.0.1:${this.port}`;
    return { restUrl: `http://${base}/v1`, wsUrl: `ws://${base}/v1/websocket`, mdUrl: `ws://${base}/md/v1/websocket` };
  }

  addLogin(login: string, secret: string): void {
    this.logins.add(login, secret, this.book.userId(login));
  }

  applyFault(accountId: number, fault: WireFault): void {
    const acc = this.exchange.account(accountId);
    if (!acc) throw new Error(`tradovate simulator: no account ${accountId}`);
    const login = acc.spec.login;
    const faults = acc.faults;
    switch (fault.kind) {
      case 'disconnect':
        faults.disconnectUntil = Math.max(faults.disconnectUntil ?? 0, performance.now() + fault.ms);
        this.holdUntil(
          () => faults.disconnectUntil ?? 0,
          () => {
            faults.disconnectUntil = undefined;
          },
        );
        this.dropLogin(login);
        return;
      case 'delay':
        faults.delayMs = fault.ms;
        faults.delayUntil = Math.max(faults.delayUntil ?? 0, performance.now() + fault.ms);
        this.holdUntil(
          () => faults.delayUntil ?? 0,
          () => {
            faults.delayMs = undefined;
            faults.delayUntil = undefined;
            this.release(login);
          },
        );
        return;
      case 'duplicateNextEvent':
        faults.duplicateNextEvent = true;
        return;
      case 'expireToken':
        this.logins.expireAll(login);
        faults.expireToken = false;
        return;
      case 'rateLimit':
        faults.rateLimitMs = fault.ms;
        return;
    }
  }

  pendingWork(): number {
    let n = this.holds.size + this.penalties.pending() + this.heldAnswers.length;
    n += this.hub.queued();
    return n;
  }

  whenIdle(): Promise<void> {
    if (this.pendingWork() === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  // ---- test hooks ------------------------------------------------------------------------------

  /** Sends `frame` verbatim to the login's authorised trading sockets (fuzzing). Returns how many. */
  sendRaw(login: string, frame: string): number {
    let n = 0;
    for (const s of this.hub.of(login, 'trading')) {
      this.hub.send(s, frame);
      n++;
    }
    return n;
  }

  /** A graceful `shutdown` event followed by the close, as before maintenance (§3.5). */
  sendShutdown(login: string, reasonCode: 'Maintenance' | 'ConnectionQuotaReached' | 'IPQuotaReached' = 'Maintenance'): void {
    for (const s of this.hub.of(login)) {
      this.hub.send(s, formatServerFrame([{ e: 'shutdown', d: { reasonCode } }]));
      this.hub.send(s, `c${JSON.stringify([1000, reasonCode])}`);
      setImmediate(() => this.hub.close(s));
    }
  }

  /** Resolves on the next wire occurrence matching `match` (tests wait on these instead of polling). */
  nextNote(match: (note: SimNote) => boolean): Promise<SimNote> {
    return new Promise((resolve) => {
      const fn = (note: SimNote): void => {
        if (!match(note)) return;
        this.observers.delete(fn);
        resolve(note);
      };
      this.observers.add(fn);
    });
  }

  /** The Tradovate contract id the simulator uses for a contract (crafting raw frames in tests). */
  contractIdOf(code: ContractCode): number {
    return this.book.contract(code).id;
  }

  /** Open sockets, optionally of one login. */
  socketCount(login?: string): number {
    return login === undefined ? this.hub.all().length : this.hub.of(login).length;
  }

  // ---- REST ------------------------------------------------------------------------------------

  private onHttp(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://sim.invalid');
      if (this.oauth.handles(req.method ?? 'GET', url.pathname)) {
        this.count(url.pathname.toLowerCase().replace(/^\/(v1\/)?/, ''));
        this.oauth.serve(req, url, Buffer.concat(chunks).toString('utf8'), res);
        return;
      }
      if (!/^\/v1\//i.test(url.pathname)) {
        reply(res, 404, 'Not found');
        return;
      }
      const text = Buffer.concat(chunks).toString('utf8');
      const body = text.trim().length === 0 ? { ok: true as const, value: undefined } : parseJson(text);
      if (!body.ok) {
        reply(res, 400, 'Invalid JSON body');
        return;
      }
      const auth = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
      const token = auth?.[1] ?? url.searchParams.get('access_token') ?? undefined;
      this.serveRest(url.pathname.slice(4), url.searchParams, body.value, token, res);
    });
  }

  private serveRest(endpoint: string, query: URLSearchParams, body: unknown, token: string | undefined, res: ServerResponse): void {
    const ep = endpoint.toLowerCase();
    this.count(ep);
    if (ep === 'auth/accesstokenrequest') {
      this.accessTokenRequest(query, body, res);
      return;
    }
    const check = this.logins.check(token);
    if (!check.ok) {
      reply(res, 401, check.reason === 'expired' ? 'Expired Access Token' : 'Access is denied');
      return;
    }
    const login = check.login;
    if (this.isDisconnected(login.login)) {
      reply(res, 503, 'Service unavailable');
      return;
    }
    const flight: InFlight = { login: login.login, res, dropped: false };
    this.inFlight.add(flight);
    const answer = this.gate(login, ep, query, body) ?? this.operate(login, ep, query, body, undefined);
    this.inFlight.delete(flight);
    if (flight.dropped) return;
    this.answerRest(login.login, res, answer);
  }

  private accessTokenRequest(query: URLSearchParams, body: unknown, res: ServerResponse): void {
    const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
    const name = typeof fields.name === 'string' ? fields.name : '';
    const password = typeof fields.password === 'string' ? fields.password : '';
    const known = this.logins.get(name);
    if (known && this.isDisconnected(known.login)) {
      reply(res, 503, 'Service unavailable');
      return;
    }
    const penalty = known ? this.gate(known, 'auth/accesstokenrequest', query, body) : undefined;
    if (penalty) {
      this.answerRest(known?.login ?? name, res, penalty);
      return;
    }
    // The token request's own hourly limit; penalised auth answers always carry p-captcha (§6.1).
    if (known && this.limits && !this.limits.admitToken(known.login)) {
      this.note({ kind: 'penalty' });
      this.answerRest(known.login, res, { status: 200, data: this.penalties.captcha() });
      return;
    }
    const r = this.logins.authenticate(name, password);
    if (!r.ok) {
      this.stats.failedLogins++;
      // Business failures are HTTP 200 (§2.1); too many of them lock the login behind a captcha.
      this.answerRest(name, res, { status: 200, data: r.captcha ? this.penalties.captcha() : { errorText: r.errorText } });
      return;
    }
    this.stats.successfulLogins++;
    this.note({ kind: 'login' });
    this.importLogin(r.login);
    this.answerRest(r.login.login, res, { status: 200, data: this.logins.issue(r.login) });
  }

  private answerRest(login: string, res: ServerResponse, answer: Answer): void {
    const send = (): void => {
      if (!res.destroyed) reply(res, answer.status, answer.data);
    };
    if (this.isDelayed(login)) this.heldAnswers.push({ login, send });
    else send();
  }

  // ---- sockets ---------------------------------------------------------------------------------

  private onSocketFrame(s: SimSocket, text: string): void {
    const f = parseClientFrame(text);
    if (!f.ok) {
      this.stats.badClientFrames++;
      return;
    }
    if (f.value.type === 'heartbeat') return;
    const { endpoint, id, query, body: bodyText } = f.value;
    const ep = endpoint.toLowerCase();
    this.count(ep);
    if (ep === 'authorize') {
      this.authorize(s, id, bodyText.trim());
      return;
    }
    const login = s.login;
    if (!login) {
      this.respond(s, id, { status: 401, data: 'Access is denied: authorize first' });
      return;
    }
    const body = bodyText.trim().length === 0 ? { ok: true as const, value: undefined } : parseJson(bodyText);
    if (!body.ok) {
      this.respond(s, id, { status: 400, data: 'Invalid JSON body' });
      return;
    }
    const params = new URLSearchParams(query);
    // A harness's barrier is not the client's traffic: it neither counts nor trips a penalty.
    const answer = (isObserverProbe(body.value) ? undefined : this.gate(login, ep, params, body.value)) ?? this.operate(login, ep, params, body.value, s);
    this.respond(s, id, answer);
  }

  private authorize(s: SimSocket, id: number, token: string): void {
    const check = this.logins.check(token);
    if (!check.ok) {
      this.respond(s, id, { status: 401, data: check.reason === 'expired' ? 'Expired Access Token' : 'Access is denied' });
      return;
    }
    if (this.isDisconnected(check.login.login)) {
      this.hub.close(s);
      return;
    }
    this.hub.authorised(s, check.login);
    this.importLogin(check.login);
    this.respond(s, id, { status: 200 });
  }

  private respond(s: SimSocket, id: number, answer: Answer): void {
    this.hub.send(s, formatServerFrame([responseMessage(id, answer.status, answer.data)]));
  }

  // ---- operations shared by REST and sockets ---------------------------------------------------

  /** The penalty box: a ticket answer while the login is penalised (or its rateLimit fault is armed). */
  private gate(login: SimLogin, ep: string, query: URLSearchParams, body: unknown): Answer | undefined {
    // A login locked out for its hour gets a bare 429 and no ticket, whatever it sends (§6.1).
    if (this.limits && this.limits.lockedFor(login.login) > 0) return { status: 429, data: '' };
    const answer = this.penalties.check(login.login, ep, ticketOf(query, body), () => {
      const armed = this.exchange.accountsOf('tradovate', login.login).find((a) => a.faults.rateLimitMs !== undefined);
      const ms = armed?.faults.rateLimitMs;
      if (armed) armed.faults.rateLimitMs = undefined;
      return ms ?? this.limits?.minutePenalty(login.login);
    });
    if (answer) {
      this.note({ kind: 'penalty' });
      return { status: 200, data: answer };
    }
    if (this.limits && !this.limits.record(login.login)) return { status: 429, data: '' };
    return undefined;
  }

  private operate(login: SimLogin, ep: string, query: URLSearchParams, body: unknown, s: SimSocket | undefined): Answer {
    // Accounts added to the exchange after the login authorised join its tables here.
    this.importLogin(login);
    const ctx = this.contextOf(login);
    if (ep === 'auth/renewaccesstoken') {
      this.stats.renewals++;
      this.note({ kind: 'renewal' });
      return { status: 200, data: this.logins.issue(login) };
    }
    if (s?.kind === 'md') return this.marketData(s, ep, body);
    if (ep.startsWith('md/')) return { status: 404, data: 'market data is served on the md socket' };
    if (ep === 'user/syncrequest') return this.syncRequest(ctx, body, s);
    const answer = this.endpoints.handle(ctx, ep, query, body);
    if (answer.props && answer.props.length > 0) this.stream(login.login, answer.props, 1);
    return answer;
  }

  private syncRequest(ctx: RequestContext, body: unknown, s: SimSocket | undefined): Answer {
    const b = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
    let accounts = new Set(ctx.accounts);
    if (Array.isArray(b.accounts)) accounts = new Set(b.accounts.filter((a): a is number => typeof a === 'number' && ctx.accounts.has(a)));
    else if (Array.isArray(b.users) && !b.users.includes(ctx.userId)) accounts = new Set();
    // Absent = everything (retail); a list = those types only, an empty one nothing (partner docs, §4.1).
    const types = Array.isArray(b.entityTypes) ? new Set(b.entityTypes.filter((t): t is string => typeof t === 'string')) : undefined;
    // splitResponses is accepted and ignored: the snapshot is always one message (its split shape is UNCONFIRMED).
    const snapshot: Record<string, unknown[]> = { contractGroups: [] };
    for (const t of Object.keys(SYNC_LIST_NAMES) as EntityType[]) {
      if (types && t !== 'user' && !types.has(t)) continue;
      snapshot[SYNC_LIST_NAMES[t]] = this.book.visible(t, accounts, ctx.userId);
    }
    if (s) {
      s.synced = true;
      s.accounts = accounts;
      s.entityTypes = types;
    }
    return { status: 200, data: snapshot };
  }

  private marketData(s: SimSocket, ep: string, body: unknown): Answer {
    const symbol = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).symbol : undefined;
    if (ep !== 'md/subscribequote' && ep !== 'md/unsubscribequote') return { status: 404, data: `Unknown endpoint ${ep}` };
    const code = typeof symbol === 'string' || typeof symbol === 'number' ? this.endpoints.resolveSymbol(symbol) : undefined;
    if (!code) return { status: 404, data: `Unknown symbol ${String(symbol)}` };
    if (ep === 'md/unsubscribequote') {
      s.quotes.delete(code);
      return { status: 200, data: {} };
    }
    // One subscription per contract (§5.12): a repeat is acknowledged and changes nothing.
    if (s.quotes.has(code)) return { status: 200, data: {} };
    s.quotes.add(code);
    this.book.contract(code);
    const q = this.exchange.quote(code);
    // The current quote right after the answer, as a subscription's first event.
    if (q) setImmediate(() => this.sendQuote(s, q));
    return { status: 200, data: {} };
  }

  // ---- streaming -------------------------------------------------------------------------------

  private onSimEvent(e: SimEvent): void {
    const accountId = e.kind === 'order' ? e.order.accountId : e.kind === 'fill' ? e.fill.accountId : e.accountId;
    const acc = this.exchange.account(accountId);
    if (acc?.spec.broker !== 'tradovate') return;
    const props = this.book.onSimEvent(accountId, e);
    if (props.length === 0) return;
    const listening = this.hub.of(acc.spec.login, 'trading').some((s) => s.synced && s.accounts.has(accountId));
    let times = 1;
    if ((e.kind === 'order' || e.kind === 'fill') && acc.faults.duplicateNextEvent && listening) {
      acc.faults.duplicateNextEvent = false;
      times = 2;
      this.stats.duplicatesSent++;
    }
    this.stream(acc.spec.login, props, times);
  }

  private stream(login: string, props: readonly PropsOut[], times: number): void {
    for (const s of this.hub.of(login, 'trading')) {
      if (!s.synced) continue;
      const mine = props.filter((p) => s.accounts.has(p.accountId) && (s.entityTypes === undefined || s.entityTypes.has(p.entityType)));
      if (mine.length === 0) continue;
      const frame = formatServerFrame(mine.map((p) => propsMessage(p.entityType, p.eventType, p.entity)));
      for (let i = 0; i < times; i++) this.hub.send(s, frame);
    }
  }

  private onQuote(q: SimQuote): void {
    for (const s of this.hub.all()) if (s.kind === 'md' && s.quotes.has(q.contract)) this.sendQuote(s, q);
  }

  private sendQuote(s: SimSocket, q: SimQuote): void {
    if (s.closed || !s.quotes.has(q.contract)) return;
    const contractId = this.book.contract(q.contract).id;
    const entry = (size: number) => ({ price: q.price, size });
    const quote = { timestamp: new Date(q.time).toISOString(), contractId, entries: { Bid: entry(10), Offer: entry(10), Trade: entry(1), TotalTradeVolume: { size: 1000 }, OpenInterest: { size: 5000 } } };
    this.hub.send(s, formatServerFrame([{ e: 'md', d: { quotes: [quote] } }]));
  }

  /** A delay ended: flush held frames and REST answers of the login. */
  private release(login: string): void {
    if (this.isDelayed(login)) return;
    this.hub.release(login);
    const key = login.toLowerCase();
    for (let i = 0; i < this.heldAnswers.length; ) {
      const h = this.heldAnswers[i];
      if (h && h.login.toLowerCase() === key) {
        this.heldAnswers.splice(i, 1);
        h.send();
      } else i++;
    }
    this.checkIdle();
  }

  private dropLogin(login: string): void {
    for (const s of this.hub.of(login)) this.hub.close(s);
    for (const f of this.inFlight) {
      if (f.login.toLowerCase() !== login.toLowerCase()) continue;
      f.dropped = true;
      f.res.socket?.destroy();
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private contextOf(login: SimLogin): RequestContext {
    return { login: login.login, userId: login.userId, accounts: new Set(this.exchange.accountsOf('tradovate', login.login).map((a) => a.id)) };
  }

  private importLogin(login: SimLogin): void {
    for (const a of this.exchange.accountsOf('tradovate', login.login)) this.book.importAccount(a);
  }

  private isDisconnected(login: string): boolean {
    const now = performance.now();
    return this.exchange.accountsOf('tradovate', login).some((a) => (a.faults.disconnectUntil ?? 0) > now);
  }

  private isDelayed(login: string): boolean {
    const now = performance.now();
    return this.exchange.accountsOf('tradovate', login).some((a) => (a.faults.delayUntil ?? 0) > now);
  }

  /**
   * Runs `end` once performance.now() has passed `deadline()` (which may move later). A timer can
   * fire a fraction of a millisecond early on that clock, so an early wake-up re-arms instead of
   * leaving a window open with nothing left to close it.
   */
  private holdUntil(deadline: () => number, end: () => void): void {
    const left = deadline() - performance.now();
    const t = setTimeout(
      () => {
        this.holds.delete(t);
        if (deadline() > performance.now()) this.holdUntil(deadline, end);
        else end();
        this.checkIdle();
      },
      Math.max(0, Math.ceil(left)),
    );
    this.holds.add(t);
  }

  private count(ep: string): void {
    this.stats.requests.set(ep, (this.stats.requests.get(ep) ?? 0) + 1);
    this.note({ kind: 'request', endpoint: ep });
  }

  private note(n: SimNote): void {
    for (const o of [...this.observers]) o(n);
  }

  private checkIdle(): void {
    if (this.pendingWork() > 0) return;
    for (const w of this.idleWaiters.splice(0)) w();
  }
}

function socketKindOf(url: string | undefined): SocketKind | undefined {
  const path = new URL(url ?? '/', 'http://sim.invalid').pathname.toLowerCase().replace(/\/+$/, '');
  if (path === '/v1/websocket') return 'trading';
  if (path === '/md/v1/websocket') return 'md';
  return undefined;
}

function ticketOf(query: URLSearchParams, body: unknown): string | undefined {
  if (typeof body === 'object' && body !== null) {
    const t = (body as Record<string, unknown>)['p-ticket'];
    if (typeof t === 'string') return t;
  }
  return query.get('p-ticket') ?? undefined;
}

/** JSON for payloads; error texts go out as plain text, as the real server's do. */
function reply(res: ServerResponse, status: number, data: unknown): void {
  if (res.headersSent || res.destroyed) return;
  if (typeof data === 'string') {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(data);
    return;
  }
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(data === undefined ? '' : JSON.stringify(data));
}

/** A round trip a harness sent to look (BrokerConnection.barrier 'observer'). */
function isObserverProbe(body: unknown): boolean {
  return typeof body === 'object' && body !== null && (body as Record<string, unknown>)[OBSERVER_MARK] === true;
}

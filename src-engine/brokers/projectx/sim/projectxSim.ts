/**
 * The ProjectX Gateway simulator: one HTTP server on 127.0.0.1 serving the REST API under `/api/`
 * and the two SignalR JSON hubs (`/hubs/user`, `/hubs/market`) over real WebSockets, in front of
 * the shared SimExchange. It speaks the wire as protocols/projectx.md describes it, offers the
 * variations clients have seen (envelopes, arrays, sparse payloads) as options, and applies the
 * scenario's wire faults in ProjectX's own terms.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { WebSocketServer } from 'ws';
import type { SimExchange } from '../../simcore/exchange';
import type { SimFrontEnd, WireFault } from '../../simcore/frontend';
import type { SimEvent, SimQuote } from '../../simcore/types';
import { ContractIds } from '../contractIds';
import { MARKET_EVENTS, USER_EVENTS } from '../hubCodec';
import { MessageKind } from '../signalrFraming';
import { SimAccountSettings, type SimAccountFlags } from './simAccounts';
import { SimHubSocket, type HubName, type HubSocketOwner, type InvocationAnswer } from './simHubSocket';
import { SimRateLimiter } from './simRateLimiter';
import { problem, SimRestApi, type RestReply } from './simRestApi';
import { SimTokens } from './simTokens';
import { SimWire, type Json } from './simWire';

export type EnvelopeVariant = 'bare' | 'actionData' | 'array';

export interface ProjectXSimOptions {
  /** Session token lifetime (default 24 h, §3.3). */
  readonly tokenTtlMs?: number;
  /** REST requests per login per sliding minute (default 200, §11). */
  readonly rateLimitPerMinute?: number;
  /** How user-hub events wrap their entity (default `bare`, the documented shape). */
  readonly envelopeVariant?: EnvelopeVariant;
  /** Send only what changed after an entity's first event, and trades without contract/PnL/time (§12.3). */
  readonly sparse?: boolean;
  /** Server ping on outbound silence (default 15 s, the ASP.NET default). */
  readonly pingIntervalMs?: number;
  /** Whether Auth/validate renews an already expired token (default false: 401). */
  readonly validateAcceptsExpired?: boolean;
  /** How the disconnect fault drops sockets: a close message then close (default), a TCP reset, or alternating. */
  readonly dropStyle?: 'close' | 'terminate' | 'alternate';
  /** Order/search lists an order only this long after it was placed (ms; default 0). */
  readonly searchLagMs?: number;
  /** Never send GatewayUserOrder with status Filled (seen live: fills known only from trades). */
  readonly dropFilledOrderEvents?: boolean;
}

interface LoginWire {
  disconnectedUntil: number | undefined;
  delayedUntil: number | undefined;
  held: { socket: SimHubSocket; text: string }[];
  corruptNext: string | undefined;
}

export interface SimRequestRecord {
  readonly path: string;
  readonly login: string | undefined;
  readonly status: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export class ProjectXSim implements SimFrontEnd {
  readonly broker = 'projectx' as const;
  private readonly opts: Required<ProjectXSimOptions>;
  private readonly logins = new Map<string, string>();
  private readonly tokens: SimTokens;
  private readonly limiter: SimRateLimiter;
  private readonly settings = new SimAccountSettings();
  private readonly ids: ContractIds;
  private readonly wire: SimWire;
  private readonly rest: SimRestApi;
  private readonly sockets = new Set<SimHubSocket>();
  private readonly loginWire = new Map<string, LoginWire>();
  private readonly windows = new Set<ReturnType<typeof setTimeout>>();
  private readonly idleWaiters: (() => void)[] = [];
  private readonly requests: SimRequestRecord[] = [];
  private readonly unsubscribe: (() => void)[] = [];
  private readonly requestListeners = new Set<(r: SimRequestRecord) => void>();
  private readonly wireListeners = new Set<(r: { readonly login: string; readonly hub: HubName; readonly text: string }) => void>();
  private server: Server | undefined;
  private readonly wss = new WebSocketServer({ noServer: true });
  private port = 0;
  private drops = 0;

  constructor(
    readonly exchange: SimExchange,
    options: ProjectXSimOptions = {},
  ) {
    this.opts = {
      tokenTtlMs: options.tokenTtlMs ?? DAY_MS,
      rateLimitPerMinute: options.rateLimitPerMinute ?? 200,
      envelopeVariant: options.envelopeVariant ?? 'bare',
      sparse: options.sparse ?? false,
      pingIntervalMs: options.pingIntervalMs ?? 15_000,
      validateAcceptsExpired: options.validateAcceptsExpired ?? false,
      dropStyle: options.dropStyle ?? 'close',
      dropFilledOrderEvents: options.dropFilledOrderEvents ?? false,
      searchLagMs: options.searchLagMs ?? 0,
    };
    this.tokens = new SimTokens(exchange.clock, this.opts.tokenTtlMs);
    this.limiter = new SimRateLimiter(this.opts.rateLimitPerMinute, () => exchange.clock.now());
    this.ids = new ContractIds(exchange.catalog);
    this.wire = new SimWire(exchange, this.ids);
    this.rest = new SimRestApi(exchange, this.wire, this.ids, this.tokens, this.settings, this.logins, { validateAcceptsExpired: this.opts.validateAcceptsExpired, searchLagMs: this.opts.searchLagMs });
  }

  /** Requests answered 429 because a login went over its minute (the rateLimit fault's not counted). */
  limitRefusals(): number {
    return this.limiter.windowRefusals;
  }

  /** When each of those was answered (the exchange's clock). */
  limitRefusalTimes(): readonly number[] {
    return this.limiter.refusedAt;
  }

  // ---- SimFrontEnd --------------------------------------------------------------------------------

  async start(port = 0): Promise<void> {
    if (this.server) return;
    const server = createServer((req, res) => this.handleHttp(req, res));
    server.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const addr = server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : port;
    this.unsubscribe.push(this.exchange.onAccountEvent(undefined, (e) => this.onExchangeEvent(e)));
    this.unsubscribe.push(this.exchange.onQuote((q) => this.onQuote(q)));
  }

  async stop(): Promise<void> {
    for (const u of this.unsubscribe.splice(0)) u();
    for (const s of [...this.sockets]) s.terminate();
    for (const t of this.windows) clearTimeout(t);
    this.windows.clear();
    for (const w of this.loginWire.values()) w.held = [];
    this.releaseIdle();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    this.wss.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  addLogin(login: string, secret: string): void {
    this.logins.set(login.toLowerCase(), secret);
  }

  applyFault(accountId: number, fault: WireFault): void {
    const account = this.exchange.account(accountId);
    if (!account) throw new Error(`simulator: no account ${accountId}`);
    const login = account.spec.login.toLowerCase();
    const w = this.wireOf(login);
    const faults = this.exchange.accountsOf('projectx', login).map((a) => a.faults);
    switch (fault.kind) {
      case 'disconnect': {
        const until = performance.now() + fault.ms;
        w.disconnectedUntil = until;
        for (const f of faults) f.disconnectUntil = until;
        this.hold(fault.ms, () => {
          w.disconnectedUntil = undefined;
          for (const f of faults) f.disconnectUntil = undefined;
        });
        this.dropSockets(login);
        return;
      }
      case 'delay': {
        const until = performance.now() + fault.ms;
        w.delayedUntil = until;
        for (const f of faults) {
          f.delayMs = fault.ms;
          f.delayUntil = until;
        }
        this.hold(fault.ms, () => {
          w.delayedUntil = undefined;
          for (const f of faults) {
            f.delayMs = undefined;
            f.delayUntil = undefined;
          }
          const held = w.held.splice(0);
          for (const h of held) h.socket.deliver(h.text);
        });
        return;
      }
      case 'duplicateNextEvent':
        account.faults.duplicateNextEvent = true;
        return;
      case 'rateLimit':
        account.faults.rateLimitMs = fault.ms;
        return;
      case 'expireToken':
        this.tokens.expireLogin(login);
        account.faults.expireToken = false;
        return;
    }
  }

  pendingWork(): number {
    let held = 0;
    for (const w of this.loginWire.values()) held += w.held.length;
    return this.windows.size + held;
  }

  whenIdle(): Promise<void> {
    if (this.pendingWork() === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  // ---- ProjectX-specific --------------------------------------------------------------------------

  urls(): { apiUrl: string; userHubUrl: string; marketHubUrl: string } {
    const base = `http://127.0.0.1:${this.port}`;
    return { apiUrl: base, userHubUrl: `${base}/hubs/user`, marketHubUrl: `${base}/hubs/market` };
  }

  /** Platform settings of one account (bracket mode, follower, simulated, canTrade). */
  setAccountFlags(accountId: number, flags: Partial<SimAccountFlags>): void {
    this.settings.set(accountId, flags);
    const account = this.exchange.account(accountId);
    // canTrade and simulated are account fields on the wire: subscribers hear the change.
    if (account) this.onExchangeEvent({ kind: 'balance', accountId, balance: account.balance });
  }

  /** Changes how later user-hub events are wrapped. */
  setEventShape(shape: { envelopeVariant?: EnvelopeVariant; sparse?: boolean; dropFilledOrderEvents?: boolean }): void {
    Object.assign(this.opts, shape);
  }

  /** Test hook: raw text to every socket of `login` on `hub` (malformed records for the fuzz tests). */
  injectHubRecord(login: string, hub: HubName, text: string): number {
    let n = 0;
    for (const s of this.sockets) {
      if (s.login === login.toLowerCase() && s.hub === hub) {
        s.sendRaw(text);
        n++;
      }
    }
    return n;
  }

  /** Test hook: the next REST answer to `login` is this raw body (HTTP 200). */
  corruptNextResponse(login: string, body: string): void {
    this.wireOf(login.toLowerCase()).corruptNext = body;
  }

  /** Every REST request served so far, for tests that count logins or places. */
  requestLog(): readonly SimRequestRecord[] {
    return this.requests;
  }

  /** Test hook: hears every hub record as it is sent (after the delay gate). */
  onHubRecord(fn: (r: { readonly login: string; readonly hub: HubName; readonly text: string }) => void): () => void {
    this.wireListeners.add(fn);
    return () => this.wireListeners.delete(fn);
  }

  /** Test hook: hears every REST request as it is answered (or dropped, status 0). */
  onRequest(fn: (r: SimRequestRecord) => void): () => void {
    this.requestListeners.add(fn);
    return () => this.requestListeners.delete(fn);
  }

  /** Open hub sockets, optionally of one login. */
  socketCount(login?: string): number {
    return [...this.sockets].filter((s) => login === undefined || s.login === login.toLowerCase()).length;
  }

  // ---- what the hub sockets call back --------------------------------------------------------------

  /** Kept off the public surface: only the sockets call these. */
  private readonly owner: HubSocketOwner = {
    invoke: (socket, target, args) => this.invoke(socket, target, args),
    gate: (socket, text) => this.gate(socket, text),
    closed: (socket) => this.sockets.delete(socket),
    delivered: (socket, text) => {
      for (const l of this.wireListeners) l({ login: socket.login, hub: socket.hub, text });
    },
  };

  private invoke(socket: SimHubSocket, target: string, args: readonly unknown[]): InvocationAnswer {
    return socket.hub === 'user' ? this.invokeUser(socket, target, args) : this.invokeMarket(socket, target, args);
  }

  private gate(socket: SimHubSocket, text: string): void {
    const w = this.wireOf(socket.login);
    if (w.held.length > 0 || (w.delayedUntil !== undefined && w.delayedUntil > performance.now())) {
      w.held.push({ socket, text });
      return;
    }
    socket.deliver(text);
  }


  // ---- hubs ---------------------------------------------------------------------------------------

  private invokeUser(socket: SimHubSocket, target: string, args: readonly unknown[]): InvocationAnswer {
    const m = /^(Subscribe|Unsubscribe)(Accounts|Orders|Positions|Trades)$/.exec(target);
    if (!m) return { ok: false, error: `Unknown hub method '${target}'` };
    const [, verb, what = ''] = m;
    let key: string;
    if (what === 'Accounts') {
      key = 'accounts';
    } else {
      const accountId = args[0];
      // Account ids must be JSON numbers; one client found strings fail (§14.3).
      if (typeof accountId !== 'number' || !this.rest.accountsOf(socket.login).some((a) => a.id === accountId)) {
        return { ok: false, error: `Failed to invoke '${target}' due to an error on the server.` };
      }
      key = `${what.toLowerCase()}:${accountId}`;
    }
    if (verb === 'Subscribe') socket.subscriptions.add(key);
    else socket.subscriptions.delete(key);
    return { ok: true, result: 0 };
  }

  private invokeMarket(socket: SimHubSocket, target: string, args: readonly unknown[]): InvocationAnswer {
    const m = /^(Subscribe|Unsubscribe)Contract(Quotes|Trades|MarketDepth)$/.exec(target);
    if (!m) return { ok: false, error: `Unknown hub method '${target}'` };
    const [, verb, what = ''] = m;
    const contractId = args[0];
    const code = typeof contractId === 'string' ? this.ids.fromId(contractId) : undefined;
    if (typeof contractId !== 'string' || !code?.ok) return { ok: false, error: `Failed to invoke '${target}' due to an error on the server.` };
    const key = `${what.toLowerCase()}:${contractId}`;
    if (verb === 'Unsubscribe') {
      socket.subscriptions.delete(key);
      return { ok: true, result: 0 };
    }
    socket.subscriptions.add(key);
    if (what === 'Quotes') {
      // The current quote goes out at once, before the completion.
      const q = this.exchange.quote(code.value);
      if (q) socket.send(this.quoteRecord(socket, contractId, q));
    }
    return { ok: true, result: 0 };
  }

  private onExchangeEvent(e: SimEvent): void {
    const accountId = e.kind === 'order' ? e.order.accountId : e.kind === 'fill' ? e.fill.accountId : e.accountId;
    const account = this.exchange.account(accountId);
    if (!account || account.spec.broker !== 'projectx') return;
    const login = account.spec.login.toLowerCase();
    let target: string;
    let sub: string;
    let key: string;
    let payload: Json;
    let flat = false;
    switch (e.kind) {
      case 'order':
        [target, sub, key, payload] = [USER_EVENTS.order, `orders:${accountId}`, `order:${e.order.orderId}`, this.wire.order(e.order)];
        break;
      case 'fill':
        [target, sub, key, payload] = [USER_EVENTS.trade, `trades:${accountId}`, `trade:${e.fill.fillId}`, this.wire.trade(e.fill)];
        break;
      case 'position':
        [target, sub, key, payload] = [USER_EVENTS.position, `positions:${accountId}`, `position:${accountId}:${e.position.contract}`, this.wire.position(accountId, e.position)];
        flat = e.position.netPos === 0;
        break;
      case 'balance':
        [target, sub, key, payload] = [USER_EVENTS.account, 'accounts', `account:${accountId}`, this.wire.account(account, this.settings.get(accountId))];
        break;
    }
    // Clients report fill updates of orders that never arrive (§12.3): trades must carry fills.
    if (e.kind === 'order' && e.order.status === 'filled' && this.opts.dropFilledOrderEvents) return;
    const duplicate = (e.kind === 'order' || e.kind === 'fill') && account.faults.duplicateNextEvent;
    let sent = 0;
    for (const s of this.sockets) {
      if (s.hub !== 'user' || s.login !== login || !s.subscriptions.has(sub)) continue;
      const record = this.userRecord(s, target, key, e.kind, payload, flat);
      s.send(record);
      if (duplicate) s.send(record);
      sent++;
    }
    if (duplicate && sent > 0) account.faults.duplicateNextEvent = false;
  }

  private userRecord(socket: SimHubSocket, target: string, key: string, kind: SimEvent['kind'], payload: Json, flat: boolean): Json {
    const body = this.opts.sparse ? sparsen(socket, key, kind, payload) : payload;
    let arg: unknown = body;
    if (this.opts.envelopeVariant === 'actionData') arg = { action: flat ? 0 : 1, data: body };
    else if (this.opts.envelopeVariant === 'array') arg = [body, null];
    return { type: MessageKind.Invocation, target, arguments: [arg] };
  }

  private onQuote(q: SimQuote): void {
    const id = this.ids.toId(q.contract);
    if (!id.ok) return;
    for (const s of this.sockets) {
      if (s.hub === 'market' && s.subscriptions.has(`quotes:${id.value}`)) s.send(this.quoteRecord(s, id.value, q));
    }
  }

  private quoteRecord(socket: SimHubSocket, contractId: string, q: SimQuote): Json {
    const full = this.wire.quote(q);
    let payload = full;
    if (this.opts.sparse && socket.sentState.has(`quote:${contractId}`)) {
      payload = { lastPrice: full.lastPrice, bestBid: full.bestBid, bestAsk: full.bestAsk, timestamp: full.timestamp };
    }
    socket.sentState.set(`quote:${contractId}`, full);
    return { type: MessageKind.Invocation, target: MARKET_EVENTS.quote, arguments: [contractId, payload] };
  }

  private dropSockets(login: string): void {
    for (const s of [...this.sockets]) {
      if (s.login !== login) continue;
      const style = this.opts.dropStyle === 'alternate' ? (this.drops++ % 2 === 0 ? 'close' : 'terminate') : this.opts.dropStyle;
      if (style === 'close') s.closeWithMessage('Server is going away.', true);
      else s.terminate();
    }
    // Records held for the dropped sockets die with them.
    const w = this.wireOf(login);
    w.held = w.held.filter((h) => h.socket.isOpen());
    this.checkIdle();
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.toLowerCase().replace(/\/+$/, '');
    const hub: HubName | undefined = path === '/hubs/user' ? 'user' : path === '/hubs/market' ? 'market' : undefined;
    if (!hub) return refuseUpgrade(socket, 404, 'Not Found');
    const token = url.searchParams.get('access_token') ?? bearerOf(req);
    const owner = this.tokens.ownerOf(token ?? undefined);
    if (owner !== undefined && this.isDisconnected(owner)) return refuseUpgrade(socket, 503, 'Service Unavailable');
    const check = this.tokens.check(token ?? undefined);
    if (!check.ok) return refuseUpgrade(socket, 401, 'Unauthorized');
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (!this.server) {
        ws.terminate();
        return;
      }
      this.sockets.add(new SimHubSocket(ws, check.login, hub, this.owner, this.opts.pingIntervalMs));
    });
  }

  // ---- REST ---------------------------------------------------------------------------------------

  private handleHttp(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        this.serve(req, res, Buffer.concat(chunks).toString('utf8'));
      } catch (e) {
        // A simulator bug must show up as a server error, never take the test process down.
        send(res, { status: 500, body: { title: 'simulator error', detail: e instanceof Error ? e.message : String(e) } });
      }
    });
  }

  private serve(req: IncomingMessage, res: ServerResponse, text: string): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.toLowerCase().replace(/\/+$/, '');
    const bearer = bearerOf(req);

    if (path.startsWith('/hubs/') && path.endsWith('/negotiate')) {
      if (!this.tokens.check(url.searchParams.get('access_token') ?? bearer).ok) return this.reply(req, res, path, undefined, { status: 401 });
      const connectionToken = randomUUID();
      return this.reply(req, res, path, undefined, {
        status: 200,
        body: { connectionId: randomUUID(), connectionToken, negotiateVersion: 1, availableTransports: [{ transport: 'WebSockets', transferFormats: ['Text', 'Binary'] }] },
      });
    }
    if (path === '/api/status/ping' && req.method === 'GET') return this.reply(req, res, path, undefined, { status: 200, body: 'pong' });
    if (!path.startsWith('/api/')) return this.reply(req, res, path, undefined, { status: 404 });
    if (req.method !== 'POST') return this.reply(req, res, path, undefined, { status: 405 });

    let body: unknown;
    try {
      body = text.length === 0 ? {} : (JSON.parse(text) as unknown);
    } catch {
      return this.reply(req, res, path, undefined, problem(400, 'The request body is not valid JSON.'));
    }
    const endpoint = path.slice('/api/'.length);
    const login = endpoint === 'auth/loginkey' ? userNameOf(body) : this.tokens.ownerOf(bearer);

    if (login !== undefined) {
      // A dropped login's requests die with the connection, as on a network failure.
      if (this.isDisconnected(login)) {
        this.record({ path, login, status: 0 });
        res.socket?.destroy();
        return;
      }
      const armed = this.exchange.accountsOf('projectx', login).find((a) => a.faults.rateLimitMs !== undefined);
      if (armed?.faults.rateLimitMs !== undefined) {
        const ms = armed.faults.rateLimitMs;
        armed.faults.rateLimitMs = undefined;
        this.limiter.penalise(login, ms);
        this.hold(ms, () => undefined);
      }
      const admitted = this.limiter.admit(login);
      if (!admitted.ok) {
        return this.reply(req, res, path, login, { status: 429, headers: { 'retry-after': String(Math.max(1, Math.ceil(admitted.retryAfterMs / 1000))) } });
      }
      const corrupt = this.wireOf(login).corruptNext;
      if (corrupt !== undefined) {
        this.wireOf(login).corruptNext = undefined;
        this.record({ path, login, status: 200 });
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        res.end(corrupt);
        return;
      }
    }

    if (endpoint === 'auth/loginkey') return this.reply(req, res, path, login, this.rest.loginKey(body));
    if (endpoint === 'auth/validate') return this.reply(req, res, path, login, this.rest.validate(bearer));
    const check = this.tokens.check(bearer);
    if (!check.ok) return this.reply(req, res, path, login, { status: 401 });
    return this.reply(req, res, path, login, this.rest.route(endpoint, check.login, body, bearer));
  }

  private reply(_req: IncomingMessage, res: ServerResponse, path: string, login: string | undefined, r: RestReply): void {
    // Dropped while this request was being served: it was executed, but the answer is lost.
    if (login !== undefined && this.isDisconnected(login)) {
      this.record({ path, login, status: 0 });
      res.socket?.destroy();
      return;
    }
    this.record({ path, login, status: r.status });
    send(res, r);
  }

  private record(r: SimRequestRecord): void {
    this.requests.push(r);
    for (const l of this.requestListeners) l(r);
  }

  // ---- faults and idleness --------------------------------------------------------------------------

  private wireOf(login: string): LoginWire {
    let w = this.loginWire.get(login);
    if (!w) {
      w = { disconnectedUntil: undefined, delayedUntil: undefined, held: [], corruptNext: undefined };
      this.loginWire.set(login, w);
    }
    return w;
  }

  private isDisconnected(login: string): boolean {
    const until = this.loginWire.get(login)?.disconnectedUntil;
    return until !== undefined && until > performance.now();
  }

  /** A window of wire work (a disconnect, a delay, a penalty) that keeps the simulator busy for `ms`. */
  private hold(ms: number, end: () => void): void {
    const t = setTimeout(() => {
      this.windows.delete(t);
      end();
      this.checkIdle();
    }, ms);
    this.windows.add(t);
  }

  private checkIdle(): void {
    if (this.pendingWork() === 0) this.releaseIdle();
  }

  private releaseIdle(): void {
    for (const w of this.idleWaiters.splice(0)) w();
  }
}

/**
 * Sparse payloads as seen live (§12.3): after an entity's first event only what changed (plus its
 * id); trades without contract, PnL and time; positions named by contractDisplayName, not id;
 * accounts without isVisible/simulated.
 */
function sparsen(socket: SimHubSocket, key: string, kind: SimEvent['kind'], full: Json): Json {
  if (kind === 'fill') {
    const { contractId: _c, profitAndLoss: _p, creationTimestamp: _t, ...rest } = full;
    return rest;
  }
  const before = socket.sentState.get(key);
  socket.sentState.set(key, full);
  if (!before) {
    if (kind === 'position') {
      const { contractId: _c, ...rest } = full;
      return rest;
    }
    if (kind === 'balance') {
      const { isVisible: _v, simulated: _s, ...rest } = full;
      return rest;
    }
    return full;
  }
  const delta: Json = { id: full.id };
  for (const [k, v] of Object.entries(full)) if (JSON.stringify(v) !== JSON.stringify(before[k])) delta[k] = v;
  return delta;
}

function send(res: ServerResponse, r: RestReply): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string> = { ...(r.headers ?? {}) };
  if (r.body === undefined) {
    res.writeHead(r.status, { ...headers, 'content-length': '0' });
    res.end();
    return;
  }
  const text = typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
  res.writeHead(r.status, { 'content-type': typeof r.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8', ...headers });
  res.end(text);
}

function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
  socket.destroy();
}

function bearerOf(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  const m = h ? /^Bearer\s+(.+)$/i.exec(h) : null;
  return m?.[1]?.trim();
}

function userNameOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const u = (body as Record<string, unknown>).userName;
  return typeof u === 'string' ? u.toLowerCase() : undefined;
}

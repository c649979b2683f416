/**
 * The engine as its own process, for the chaos suite: the harness kills it with SIGKILL at random
 * instants and starts it again on the same SQLite file. It reads its spec (database path, simulator
 * addresses, accounts and groups) from the environment, configures a fresh database once, connects
 * through the production adapters and answers the harness over the IPC channel.
 *
 * Run as `node --import tsx src-engine/chaos/engineChild.ts` with an IPC channel (child_process.fork).
 */
import { appendFileSync } from 'node:fs';
import { SystemClock } from '../domain/clock';
import { Catalog } from '../domain/instruments';
import { createLogger } from '../domain/log';
import { guardLibraryRejections } from '../host/libraryRejections';
import type { BrokerConnection } from '../orders/broker';
import { createTradovateConnection } from '../brokers/tradovate/adapter';
import { createProjectXConnection } from '../brokers/projectx/adapter';
import { Engine } from '../runtime/engine';
import { createRiskEngine } from '../runtime/createRiskEngine';
import type { ConnectionRow } from '../store/configRepository';
import { childConnections } from './childConnections';
import { ChildSpec, SPEC_ENV, parseToChild, type FromChild, type ToChild } from './protocol';

function send(message: FromChild): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  if (!process.send) throw new Error('engineChild must be started with an IPC channel (child_process.fork)');
  const spec = ChildSpec.parse(JSON.parse(process.env[SPEC_ENV] ?? 'null'));
  const logFile = `${spec.dbPath}.engine.log`;
  // Synchronous appends: what the engine said before a SIGKILL is on disk. Debug level: every intent
  // transition, so a kept run's log tells what became of each follower order and why.
  const log = createLogger((line) => appendFileSync(logFile, `${JSON.stringify({ pid: process.pid, ...line })}\n`), 'engine', 'debug');
  guardLibraryRejections(log);
  const catalog = Catalog.load();
  const clock = new SystemClock();
  const connections = childConnections(spec.accounts);
  const byLogin = new Map(connections.map((c) => [`${c.broker}\u0000${c.login}`, c]));

  const connect = (row: ConnectionRow): BrokerConnection => {
    const login = String(row.settings.login);
    const account = byLogin.get(`${row.broker}\u0000${login}`)?.accounts[0];
    if (!account) throw new Error(`chaos child: no account for ${row.broker} login ${login}`);
    const deps = { catalog, clock, log: log.child(row.name) };
    if (account.broker === 'tradovate') {
      const u = spec.tradovate;
      return createTradovateConnection(
        { name: row.name, restUrl: u.restUrl, wsUrl: u.wsUrl, mdUrl: u.mdUrl, username: login, appId: 'Mirrorfill', appVersion: '0.1.0', cid: '0', deviceId: `mirrorfill-${login}` },
        { password: account.secret, sec: 'simulator' },
        deps,
      );
    }
    const u = spec.projectx;
    return createProjectXConnection({ name: row.name, apiUrl: u.apiUrl, userHubUrl: u.userHubUrl, marketHubUrl: u.marketHubUrl, username: login }, { apiKey: account.secret }, deps);
  };

  const engine = Engine.open({ dbPath: spec.dbPath, catalog, clock, log, connect, createRisk: createRiskEngine });
  const fresh = engine.core.config.connections().length === 0;
  if (fresh) {
    for (const c of connections) {
      await engine.addConnection(
        { id: c.id, broker: c.broker, name: c.name, settings: { login: c.login } },
        c.accounts.map((a) => ({ id: a.key, brokerAccountId: a.brokerAccountId, name: a.name, risk: {} })),
      );
    }
    for (const g of spec.groups) engine.saveGroup({ name: g.name, leader: g.leader, followers: g.followers, ...(g.settings ? { settings: g.settings } : {}) });
  }

  // Every decision the engine announces (cancels and moves of mirrors included, which the journal
  // keeps no row for), so a kept run tells why each follower order was sent, moved or cancelled.
  engine.on((e) => {
    if (e.t === 'decision') log.debug('decision', { account: e.accountId, cause: e.cause, kind: e.kind, reason: e.reason, detail: e.detail });
  });

  let stopping = false;
  const onMessage = (raw: unknown): void => {
    const m: ToChild | undefined = parseToChild(raw);
    if (!m) return;
    switch (m.type) {
      case 'settle':
        void (async () => {
          await engine.barrier();
          // A settle that takes long says in the engine's log what it is waiting for.
          const report = setInterval(() => log.warn('not idle yet', { busy: engine.busyReport() }), 10_000);
          await engine.whenIdle();
          clearInterval(report);
          send({ type: 'settled', id: m.id, activity: engine.activity() });
        })();
        return;
      case 'flags':
        send({
          type: 'flags',
          id: m.id,
          flags: m.accounts.map((account) => {
            const f = engine.accountFlags(account);
            return { account, outOfSync: [...f.outOfSync], quarantined: [...f.quarantined], locked: f.locked };
          }),
        });
        return;
      case 'stop':
        if (stopping) return;
        stopping = true;
        process.off('message', onMessage);
        void engine.stop().then(() => process.exit(0));
        return;
    }
  };
  process.on('message', onMessage);
  // The harness went away: nobody will kill us, so leave.
  process.on('disconnect', () => {
    if (!stopping) process.exit(3);
  });

  // Ready once connected: the leaders trade on while it starts, so idleness is the harness's to wait for.
  await engine.start({ settle: false });
  send({ type: 'ready', fresh, recoveredFrom: engine.recoveredFrom ?? null });
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
  send({ type: 'fatal', message });
  process.stderr.write(`chaos engine child: ${message}\n`);
  process.exit(1);
});

/**
 * Every broker event enters here. While a connection is being reconciled its events are held and
 * replayed afterwards, so a live fill never lands between a snapshot and the re-base on it (fills
 * the snapshot already counted are recognised by id).
 */
import type { BrokerEvent } from '../orders/broker';
import type { ConnectionRuntime, EngineCore } from './core';
import { alignFollowerMirrors } from './mirrorAlign';
import { mirrorMissing } from './missingMirrors';
import { onLeaderFill, onLeaderOrder } from './copier';
import { onFollowerFill, onFollowerOrder } from './orderFlow';
import { reconcileConnection } from './reconcile';

export function onBrokerEvent(core: EngineCore, conn: ConnectionRuntime, event: BrokerEvent): void {
  if (core.dead) return;
  if (conn.held && event.kind !== 'connection') {
    conn.held.push(event);
    return;
  }
  handle(core, conn, event);
  core.checkIdle();
}

function handle(core: EngineCore, conn: ConnectionRuntime, event: BrokerEvent): void {
  // `activity` counts changes (the scenario runner waits for it to stand still): a repeated quote is none.
  if (event.kind !== 'quote') core.activity++;
  switch (event.kind) {
    case 'connection':
      onConnection(core, conn, event.status, event.generation);
      return;
    case 'fill': {
      const account = conn.accounts.get(event.fill.accountId);
      const book = account !== undefined ? core.books.get(account) : undefined;
      if (account === undefined || !book) return;
      const before = book.position(event.fill.contract);
      if (!book.applyFill(event.fill)) return;
      const f = event.fill;
      core.risk.onFill(account, { fillId: f.fillId, contract: f.contract, side: f.side, qty: f.qty, price: f.price, time: f.time, fees: f.fees });
      if (core.groupOfLeader(account)) onLeaderFill(core, account, f, before);
      onFollowerFill(core, account, f);
      return;
    }
    case 'order': {
      const account = conn.accounts.get(event.order.accountId);
      const book = account !== undefined ? core.books.get(account) : undefined;
      if (account === undefined || !book) return;
      const prev = book.upsertOrder(event.order);
      onFollowerOrder(core, account, event.order);
      if (core.groupOfLeader(account)) {
        conn.connection.subscribeQuotes([event.order.contract]);
        onLeaderOrder(core, account, event.order, prev);
      }
      return;
    }
    case 'position': {
      const account = conn.accounts.get(event.position.accountId);
      if (account !== undefined) core.emit({ t: 'position', accountId: account, contract: event.position.contract, netPos: event.position.netPos });
      return;
    }
    case 'balance': {
      const account = conn.accounts.get(event.accountId);
      const book = account !== undefined ? core.books.get(account) : undefined;
      if (book) book.balance = event.balance;
      if (account !== undefined) core.risk.onBalance(account, event.balance);
      return;
    }
    case 'fee': {
      const account = conn.accounts.get(event.accountId);
      if (account !== undefined) core.risk.onFee(account, event.fillId, event.fees);
      return;
    }
    case 'quote':
      if (core.quotes.get(event.contract)?.price !== event.price) core.activity++;
      core.quotes.set(event.contract, { price: event.price, time: event.time });
      core.risk.onQuote(event.contract, event.price, event.time);
      return;
    case 'protocolError':
      core.log.warn('broker sent a message the adapter could not read', { connection: conn.row.name, detail: event.detail });
      core.emit({ t: 'protocolError', connectionId: conn.row.id, detail: event.detail });
      return;
  }
}

function onConnection(core: EngineCore, conn: ConnectionRuntime, status: ConnectionRuntime['status'], generation: number): void {
  conn.status = status;
  core.emit({ t: 'connection', connectionId: conn.row.id, status });
  core.booksChanged();
  if (status.state !== 'connected') {
    core.dispatcher.setReady(conn.row.id, false);
    for (const account of conn.accounts.values()) {
      const book = core.books.get(account);
      if (book) book.live = false;
      core.risk.setConnected(account, false);
    }
    return;
  }
  if (generation <= conn.reconciledGeneration) return;
  conn.generation = generation;
  startReconcile(core, conn, generation);
}

function startReconcile(core: EngineCore, conn: ConnectionRuntime, generation: number): void {
  core.dispatcher.setReady(conn.row.id, false);
  conn.held ??= [];
  void core.track(
    reconcileConnection(core, conn, generation).then(
      () => {
        if (core.dead || conn.generation !== generation) return;
        conn.reconciledGeneration = generation;
        const replay = conn.held ?? [];
        conn.held = undefined;
        for (const e of replay) handle(core, conn, e);
        core.dispatcher.setReady(conn.row.id, true);
        // With both books current: mirrors a follower missed while either side was unknown.
        for (const account of conn.accounts.values()) {
          const led = core.groupOfLeader(account);
          const followers = [...(led?.followers.map((f) => f.account) ?? []), ...(core.groupOfFollower(account) ? [account] : [])];
          for (const f of followers) {
            alignFollowerMirrors(core, f);
            mirrorMissing(core, f);
          }
        }
      },
      (err: unknown) => {
        // Held events stay held: they are applied on top of the next successful reconcile.
        core.log.warn('reconcile failed; retrying', { connection: conn.row.name, error: err instanceof Error ? err.message : String(err) });
        core.later(500, () => {
          if (conn.generation === generation && conn.reconciledGeneration !== generation && conn.status.state === 'connected') startReconcile(core, conn, generation);
        });
      },
    ),
  );
}

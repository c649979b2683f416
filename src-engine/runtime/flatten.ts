/**
 * Closing positions by control or risk (§7 breach, §9 flatten all / flatten position / emergency
 * stop). A flatten must close what the account holds and never open the other side: it is sized
 * only once the account's connection has delivered every event its broker already sent. Without
 * that, a leader exit placed by hand an instant before "Flatten all" (filled at the broker, its
 * fill not yet read) is closed a second time and the leader, then every follower copying it, ends
 * short. What is still in flight after that (our own copies) is netted through C as usual.
 */
import type { ContractCode } from '../domain/contractCode';
import type { AccountId, GroupId } from '../domain/group';
import { PRIORITY, type Intent } from '../orders/intent';
import type { DecisionRow } from '../orders/decisionRecord';
import { intentTag } from '../orders/tag';
import type { EngineCore } from './core';
import { cancelFollowerOrder } from './copier';

/** Longest a flatten waits for its connection to catch up before it closes what the engine knows. */
export const FLATTEN_BARRIER_MAX_MS = 1_000;

/** Cancels every open order of an account (optionally only in some contracts). */
export function cancelAccountOrders(core: EngineCore, account: AccountId, contracts?: ReadonlySet<ContractCode>): number {
  const book = core.books.get(account);
  if (!book) return 0;
  let n = 0;
  for (const o of book.openOrders()) {
    if (contracts && !contracts.has(o.contract)) continue;
    cancelFollowerOrder(core, account, o.orderId, PRIORITY.exit);
    n++;
  }
  return n;
}

/** Market orders taking each position of the account (in those contracts) to flat, net of what is in flight. */
export function flattenIntents(core: EngineCore, account: AccountId, groupId: GroupId | undefined, cause: string, contracts?: ReadonlySet<ContractCode>): Intent[] {
  const book = core.books.get(account);
  if (!book) return [];
  const held = new Set<ContractCode>([...book.openPositions().map(([c]) => c), ...core.intents.inFlightByContract(account).keys()]);
  const out: Intent[] = [];
  for (const contract of held) {
    if (contracts && !contracts.has(contract)) continue;
    const current = core.current(account, contract);
    if (current === 0) continue;
    // One cause may close several contracts: each gets its own tag.
    out.push(core.newIntent({ accountId: account, groupId, purpose: 'flatten', cause, contract, signedQty: -current, priority: PRIORITY.exit, tag: intentTag(`${cause}|${contract}`, account, 'flatten') }));
  }
  return out;
}

/**
 * Cancels the accounts' working orders at once, then, per connection, closes each position once
 * the connection has caught up. Connections do not wait for one another.
 */
export function sendFlatten(core: EngineCore, accounts: readonly AccountId[], cause: string, reasonText: string, contracts?: ReadonlySet<ContractCode>): void {
  for (const account of accounts) cancelAccountOrders(core, account, contracts);
  const byConnection = new Map<string, AccountId[]>();
  for (const account of accounts) {
    const id = core.accounts.get(account)?.connectionId;
    if (id === undefined) continue;
    byConnection.set(id, [...(byConnection.get(id) ?? []), account]);
  }
  for (const [connectionId, group] of byConnection) {
    void core.track(
      caughtUp(core, connectionId).then(() => {
        if (!core.stopped()) closePositions(core, group, cause, reasonText, contracts);
      }),
    );
  }
}

/** The connection's barrier, bounded: a stalled connection must not hold a flatten back for long. */
function caughtUp(core: EngineCore, connectionId: string): Promise<void> {
  const conn = core.connections.get(connectionId);
  if (!conn || conn.status.state !== 'connected') return Promise.resolve();
  return new Promise((resolve) => {
    const cancel = core.later(FLATTEN_BARRIER_MAX_MS, () => {
      core.log.warn('flatten: the connection did not catch up in time; closing what the engine knows', { connection: conn.row.name });
      resolve();
    });
    conn.connection.barrier().then(
      () => {
        cancel();
        resolve();
      },
      () => {
        cancel();
        resolve();
      },
    );
  });
}

function closePositions(core: EngineCore, accounts: readonly AccountId[], cause: string, reasonText: string, contracts?: ReadonlySet<ContractCode>): void {
  const intents: Intent[] = [];
  const rows: DecisionRow[] = [];
  for (const account of accounts) {
    const groupId = core.groupOfAccount(account)?.id;
    for (const i of flattenIntents(core, account, groupId, cause, contracts)) {
      intents.push(i);
      rows.push({ time: core.clock.now(), groupId, accountId: account, cause, contract: i.contract, kind: 'flatten', reason: reasonText, detail: `${i.side} ${i.qty}` });
    }
  }
  if (intents.length === 0) return;
  core.sendIntents(intents, rows);
}

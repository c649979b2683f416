/**
 * §8, exactly once across a restart: a leader's missed fills may be planned only once each
 * follower's position is known, i.e. its book has been re-based on its broker's snapshot since the
 * engine started and its open intents resolved against it by tag. Every connection reconciles on
 * its own; a leader connection reconciled first would otherwise see its followers flat (an empty
 * book, not a stale one) and send each its whole target again on top of what it already holds.
 */
import type { AccountId } from '../domain/group';
import type { EngineCore } from './core';

/** How long a leader's recovery waits for its followers' first reconcile before it plans anyway (fail closed for those). */
export const FOLLOWER_BOOKS_WAIT_MS = 5_000;

/** Followers of these leaders whose books are not known yet and still can be (their connection is alive). */
export function followersAwaited(core: EngineCore, leaders: readonly AccountId[]): AccountId[] {
  const out: AccountId[] = [];
  for (const leader of leaders) {
    const g = core.groupOfLeader(leader);
    if (!g) continue;
    for (const f of g.followers) {
      const book = core.books.get(f.account);
      // Known and its open intents resolved: a copy in flight at the kill that filled is in the
      // snapshot's position once, not also as in flight.
      if (!book || (book.known && book.intentsResolved)) continue;
      const conn = core.connectionOf(f.account);
      // No connection, or one that gave up: waiting would not help; the planner fails closed.
      if (!conn || conn.status.state === 'failed' || conn.status.state === 'closed') continue;
      out.push(f.account);
    }
  }
  return out;
}

/** Resolves once no follower of these leaders is awaited, or after `maxMs`. */
export function whenFollowerBooksKnown(core: EngineCore, leaders: readonly AccountId[], maxMs = FOLLOWER_BOOKS_WAIT_MS): Promise<void> {
  if (followersAwaited(core, leaders).length === 0) return Promise.resolve();
  return new Promise((resolve) => {
    let finished = false;
    const done = (): void => {
      if (finished) return;
      finished = true;
      unwatch();
      cancelTimer();
      resolve();
    };
    const unwatch = core.watchBooks(() => {
      if (core.stopped() || followersAwaited(core, leaders).length === 0) done();
    });
    const cancelTimer = core.later(maxMs, () => {
      core.log.warn('followers not reconciled in time; planning the leader recovery without them', { followers: followersAwaited(core, leaders) });
      done();
    });
  });
}

import type { Migration } from './index';

/**
 * The hot path's write-ahead record: a leader decision with its intents and reasons, appended in the
 * same transaction as the dedupe key and the lifecycle, before any order is sent. It is
 * materialised into intents/decisions right after the orders are on the wire (and at open, after a
 * crash), then removed — so a leader fill costs one small insert, not one row per follower.
 */
export const m0002DecisionJournal: Migration = {
  version: 2,
  name: 'decision-journal',
  up(db) {
    db.exec(`
      CREATE TABLE journal (
        id INTEGER PRIMARY KEY,
        time INTEGER NOT NULL,
        payload TEXT NOT NULL
      );
    `);
  },
};

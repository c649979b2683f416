import type Database from 'better-sqlite3';
import { m0001Initial } from './0001-initial';
import { m0002DecisionJournal } from './0002-decision-journal';

export interface Migration {
  readonly version: number;
  readonly name: string;
  up(db: Database.Database): void;
}

/** In order; each runs once, in its own transaction. Never edit one that has shipped: add the next. */
export const MIGRATIONS: readonly Migration[] = [m0001Initial, m0002DecisionJournal];

/**
 * The engine's factory for its risk port (runtime/engine.ts `createRisk`): a RiskEngine on the
 * engine's SQLite file. The one place the risk module meets its store implementation.
 */
import type { Clock } from '../domain/clock';
import type { Logger } from '../domain/log';
import type { Db } from '../store/db';
import { SqliteRiskStore } from '../store/riskRepository';
import type { RiskCatalog } from '../risk/product';
import { RiskEngine, type RiskAction } from '../risk/riskEngine';

export function createRiskEngine(deps: { db: Db; catalog: RiskCatalog; clock: Clock; log: Logger; onAction: (a: RiskAction) => void }): RiskEngine {
  return new RiskEngine({ catalog: deps.catalog, clock: deps.clock, log: deps.log, onAction: deps.onAction, store: new SqliteRiskStore(deps.db, deps.log) });
}

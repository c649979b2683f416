/**
 * A connection's capacity for the Connections screen (copy-semantics §8a): its login's limits
 * (the running budget's when connected, the broker's known figures before) and the followers it
 * copies to, through copyCapacity. Paper keeps no budget, so it has none.
 */
import type { CapacityView, LoginCapacityView } from '../api/views';
import type { Group } from '../domain/group';
import { copyCapacity, type LoginLimits } from '../domain/copyCapacity';
import type { BudgetView, BrokerKind } from '../orders/broker';
import { plannedFigure } from '../brokers/requestBudget';
import { DEFAULT_REQUESTS_PER_MINUTE, TRADOVATE_REQUESTS_PER_HOUR } from '../brokers/tradovate/requestBudget';
import { PROJECTX_REQUESTS_PER_MINUTE } from '../brokers/projectx/requestBudget';
import type { EngineCore } from './core';

/**
 * The login's limits as the engine plans against them (the broker's figures less the budget's
 * safety margin): the running budget's minute when known (it may have learned a lower one), the
 * broker's figures otherwise.
 */
export function loginLimitsOf(broker: BrokerKind, budget: BudgetView | undefined): LoginLimits | undefined {
  if (broker === 'paper') return undefined;
  const fromBudget = budget && budget.windowMs > 0 ? (budget.limit * 60_000) / budget.windowMs : undefined;
  if (broker === 'tradovate') return { perMinute: fromBudget ?? plannedFigure(DEFAULT_REQUESTS_PER_MINUTE), perHour: plannedFigure(TRADOVATE_REQUESTS_PER_HOUR) };
  return { perMinute: fromBudget ?? plannedFigure(PROJECTX_REQUESTS_PER_MINUTE) };
}

/**
 * Enabled followers under the connection in groups that have a leader: the ones a leader fill
 * costs requests for. With `replacing`, as if that group were saved as given (or deleted).
 */
export function followersOn(core: EngineCore, connectionId: string, replacing?: { readonly id: string; readonly group: Group | undefined }): number {
  const groups = [...core.groups.values()].filter((g) => g.id !== replacing?.id);
  if (replacing?.group) groups.push(replacing.group);
  let n = 0;
  for (const g of groups) {
    if (g.leader === undefined) continue;
    for (const f of g.followers) if (f.enabled && core.accounts.get(f.account)?.connectionId === connectionId) n++;
  }
  return n;
}

export function connectionCapacity(core: EngineCore, connectionId: string, broker: BrokerKind, budget: BudgetView | undefined, replacing?: { readonly id: string; readonly group: Group | undefined }): CapacityView | undefined {
  const limits = loginLimitsOf(broker, budget);
  if (!limits) return undefined;
  const followers = followersOn(core, connectionId, replacing);
  const c = copyCapacity({ limits, followers });
  return { followers, perMinute: limits.perMinute, ...(limits.perHour !== undefined ? { perHour: limits.perHour } : {}), fillsPerMinute: c.fillsPerMinute, limitedBy: c.limitedBy };
}

/**
 * Said when a group is saved: for each login the saved group copies to, what it would carry with
 * the group as given, counting the followers other groups already have on that login.
 */
export function groupSaveCapacity(core: EngineCore, groupId: string, next: Group | undefined): LoginCapacityView[] {
  if (!next || next.leader === undefined) return [];
  const connectionIds = new Set<string>();
  for (const f of next.followers) {
    const c = f.enabled ? core.accounts.get(f.account)?.connectionId : undefined;
    if (c !== undefined) connectionIds.add(c);
  }
  const out: LoginCapacityView[] = [];
  for (const row of core.config.connections()) {
    if (!connectionIds.has(row.id)) continue;
    const capacity = connectionCapacity(core, row.id, row.broker, core.connections.get(row.id)?.connection.budget(), { id: groupId, group: next });
    if (capacity) out.push({ connectionId: row.id, connection: row.name, ...capacity });
  }
  return out;
}

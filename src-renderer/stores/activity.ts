/**
 * The Activity feed: live rows pushed by the engine plus history read page by page
 * (`activity.list` with `before`). One list, newest first, de-duplicated by row id (an order's row
 * keeps its id while its status moves: sending → working → filled).
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ActivityFilter } from '../../src-engine/api/contract';
import type { ActivityRow } from '../../src-engine/api/views';
import type { EngineClient } from '../api/client';
import { toApiError } from '../api/errors';

export interface ActivityState {
  readonly rows: readonly ActivityRow[];
  readonly filter: ActivityFilter;
  readonly loading: boolean;
  readonly hasMore: boolean;
  readonly error: string | undefined;
}

export interface ActivityStore {
  readonly store: StoreApi<ActivityState>;
  setFilter(filter: ActivityFilter): Promise<void>;
  /** Reads the newest page again (after a reconnect or a filter change). */
  refresh(): Promise<void>;
  loadOlder(): Promise<void>;
  dispose(): void;
}

export const PAGE = 100;
/** Live rows kept in memory beyond what history paging brought in. */
export const MAX_ROWS = 5000;

/** Rows the engine pushes live but does not keep in its history (kept across a refresh). */
const LIVE_ONLY = new Set<ActivityRow['kind']>(['lock', 'quarantine', 'outOfSync', 'connection']);

export function matches(filter: ActivityFilter, row: ActivityRow): boolean {
  if (filter.groupId !== undefined && row.groupId !== filter.groupId) return false;
  if (filter.accountId !== undefined && row.accountId !== filter.accountId) return false;
  if (filter.root !== undefined && row.root !== filter.root) return false;
  if (filter.kinds !== undefined && !filter.kinds.includes(row.kind)) return false;
  return true;
}

/** Newest first; a row with a known id replaces the old one in place of time order. */
export function mergeRows(existing: readonly ActivityRow[], incoming: readonly ActivityRow[]): ActivityRow[] {
  const byId = new Map<string, ActivityRow>();
  for (const r of existing) byId.set(r.id, r);
  for (const r of incoming) {
    const old = byId.get(r.id);
    // An order row's first time is when it was created; later updates keep it.
    byId.set(r.id, old ? { ...r, time: Math.min(old.time, r.time) } : r);
  }
  return [...byId.values()].sort((a, b) => b.time - a.time || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

export function createActivityStore(client: EngineClient): ActivityStore {
  const store = createStore<ActivityState>(() => ({ rows: [], filter: {}, loading: false, hasMore: true, error: undefined }));
  let generation = 0;
  let disposed = false;

  const refresh = async (): Promise<void> => {
    const gen = ++generation;
    const { filter } = store.getState();
    store.setState({ loading: true, error: undefined });
    try {
      const page = await client.invoke('activity.list', { filter, limit: PAGE });
      if (gen !== generation || disposed) return;
      store.setState((s) => ({
        rows: mergeRows(
          s.rows.filter((r) => LIVE_ONLY.has(r.kind) && matches(filter, r)),
          page,
        ),
        loading: false,
        hasMore: page.length >= PAGE,
      }));
    } catch (err) {
      if (gen !== generation || disposed) return;
      store.setState({ loading: false, error: toApiError(err).message });
    }
  };

  const loadOlder = async (): Promise<void> => {
    const { rows, filter, loading, hasMore } = store.getState();
    if (loading || !hasMore) return;
    const oldest = rows.reduce<number | undefined>((m, r) => (m === undefined || r.time < m ? r.time : m), undefined);
    const gen = generation;
    store.setState({ loading: true, error: undefined });
    try {
      const page = await client.invoke('activity.list', { filter, limit: PAGE, ...(oldest !== undefined ? { before: oldest } : {}) });
      if (gen !== generation || disposed) return;
      store.setState((s) => ({ rows: mergeRows(s.rows, page), loading: false, hasMore: page.length >= PAGE }));
    } catch (err) {
      if (gen !== generation || disposed) return;
      store.setState({ loading: false, error: toApiError(err).message });
    }
  };

  const setFilter = (filter: ActivityFilter): Promise<void> => {
    const clean: ActivityFilter = {
      ...(filter.groupId ? { groupId: filter.groupId } : {}),
      ...(filter.accountId ? { accountId: filter.accountId } : {}),
      ...(filter.root ? { root: filter.root } : {}),
      ...(filter.kinds?.length ? { kinds: filter.kinds } : {}),
    };
    store.setState({ filter: clean, rows: [], hasMore: true });
    return refresh();
  };

  const offEvent = client.onEvent((e) => {
    if (e.type !== 'activity') return;
    const { filter } = store.getState();
    if (!matches(filter, e.row)) return;
    store.setState((s) => {
      const rows = mergeRows(s.rows, [e.row]);
      return { rows: rows.length > MAX_ROWS ? rows.slice(0, MAX_ROWS) : rows };
    });
  });
  const offStatus = client.onStatus((s) => {
    if (s.state === 'open') void refresh();
  });
  if (client.status().state === 'open') void refresh();

  return {
    store,
    setFilter,
    refresh,
    loadOlder,
    dispose: () => {
      disposed = true;
      offEvent();
      offStatus();
    },
  };
}

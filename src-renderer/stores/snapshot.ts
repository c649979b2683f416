/**
 * The engine's state as last read (`state.get`). Re-read when the engine says something changed
 * (debounced: a burst of fills is one read) and whenever the connection (re)opens. No polling.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { SnapshotView } from '../../src-engine/api/views';
import type { EngineClient } from '../api/client';
import { toApiError } from '../api/errors';

export interface SnapshotState {
  readonly snapshot: SnapshotView | undefined;
  readonly loading: boolean;
  readonly error: string | undefined;
  /** How many reads have completed (tests and "last updated"). */
  readonly reads: number;
  readonly loadedAt: number | undefined;
}

export interface SnapshotStore {
  readonly store: StoreApi<SnapshotState>;
  /** Re-read soon (debounced). */
  requestReload(): void;
  /** Re-read now; resolves when a read that started after this call has finished. */
  reload(): Promise<void>;
  dispose(): void;
}

export interface SnapshotStoreOptions {
  readonly debounceMs?: number;
  readonly setTimeout?: (fn: () => void, ms: number) => unknown;
  readonly clearTimeout?: (h: unknown) => void;
  readonly now?: () => number;
}

export function createSnapshotStore(client: EngineClient, opts: SnapshotStoreOptions = {}): SnapshotStore {
  const setT = opts.setTimeout ?? ((fn, ms) => globalThis.setTimeout(fn, ms));
  const clearT = opts.clearTimeout ?? ((h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>));
  const now = opts.now ?? (() => Date.now());
  const debounceMs = opts.debounceMs ?? 120;
  const store = createStore<SnapshotState>(() => ({ snapshot: undefined, loading: false, error: undefined, reads: 0, loadedAt: undefined }));

  let timer: unknown;
  let inFlight: Promise<void> | undefined;
  let again = false;
  let disposed = false;

  const readOnce = async (): Promise<void> => {
    store.setState({ loading: true });
    try {
      const snapshot = await client.invoke('state.get', {});
      if (disposed) return;
      store.setState((s) => ({ snapshot, loading: false, error: undefined, reads: s.reads + 1, loadedAt: now() }));
    } catch (err) {
      if (disposed) return;
      // Keep the last good snapshot on screen; the banner says why it may be stale.
      store.setState({ loading: false, error: toApiError(err).message });
    }
  };

  /** Single flight: a read asked for while one runs happens once, right after it. */
  const reload = (): Promise<void> => {
    if (timer !== undefined) {
      clearT(timer);
      timer = undefined;
    }
    if (inFlight) {
      again = true;
      return inFlight;
    }
    const run = async (): Promise<void> => {
      const repeat = (): boolean => again && !disposed;
      do {
        again = false;
        await readOnce();
      } while (repeat());
    };
    inFlight = run().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };

  const requestReload = (): void => {
    if (disposed || timer !== undefined) return;
    timer = setT(() => {
      timer = undefined;
      void reload();
    }, debounceMs);
  };

  const offEvent = client.onEvent((e) => {
    if (e.type === 'changed') requestReload();
  });
  const offStatus = client.onStatus((s) => {
    if (s.state === 'open') void reload();
  });
  if (client.status().state === 'open') void reload();

  return {
    store,
    requestReload,
    reload,
    dispose: () => {
      disposed = true;
      offEvent();
      offStatus();
      if (timer !== undefined) clearT(timer);
    },
  };
}

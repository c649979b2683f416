/**
 * The app's services: one client, its stores, wired together. Built once in main.tsx (and in tests
 * with a fake client).
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ClientStatus, EngineClient } from '../api/client';
import { createActivityStore, type ActivityStore } from '../stores/activity';
import { createAlertStore, type AlertStore } from '../stores/alerts';
import { createDraftStore, type DraftStore } from '../stores/drafts';
import { createSnapshotStore, type SnapshotStore } from '../stores/snapshot';

export interface Services {
  readonly client: EngineClient;
  readonly status: StoreApi<{ readonly status: ClientStatus; readonly everOpen: boolean }>;
  readonly snapshot: SnapshotStore;
  readonly activity: ActivityStore;
  readonly drafts: DraftStore;
  readonly alerts: AlertStore;
  dispose(): void;
}

export function createServices(client: EngineClient): Services {
  const status = createStore<{ status: ClientStatus; everOpen: boolean }>(() => ({ status: client.status(), everOpen: client.status().state === 'open' }));
  const offStatus = client.onStatus((s) => status.setState((prev) => ({ status: s, everOpen: prev.everOpen || s.state === 'open' })));
  const snapshot = createSnapshotStore(client);
  const activity = createActivityStore(client);
  const drafts = createDraftStore(client, { afterSave: () => snapshot.reload() });
  const alerts = createAlertStore(client);
  return {
    client,
    status,
    snapshot,
    activity,
    drafts,
    alerts,
    dispose: () => {
      offStatus();
      snapshot.dispose();
      activity.dispose();
      alerts.dispose();
      client.stop();
    },
  };
}

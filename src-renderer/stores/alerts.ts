/**
 * Alerts from the engine (locks, rejections, connection lost...) and the app's own notices
 * (a command done or refused). Toasts come and go; critical ones stay until dismissed. The alert
 * list in the top bar keeps the recent ones.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ApiEvent } from '../../src-engine/api/contract';
import type { EngineClient } from '../api/client';
import { inWords } from '../lib/words';

export type AlertLevel = 'info' | 'success' | 'warning' | 'critical';
export type AlertTopic = Extract<ApiEvent, { type: 'alert' }>['topic'] | 'app';

export interface Toast {
  readonly id: number;
  readonly level: AlertLevel;
  readonly title: string;
  readonly body: string;
  readonly topic: AlertTopic;
  readonly time: number;
}

export interface AlertState {
  readonly toasts: readonly Toast[];
  readonly history: readonly Toast[];
  readonly unread: number;
}

export interface AlertStore {
  readonly store: StoreApi<AlertState>;
  push(t: Omit<Toast, 'id' | 'time'>): number;
  dismiss(id: number): void;
  markRead(): void;
  clear(): void;
  /** Engine alerts, as they arrive (sounds and notifications hook in here). */
  onAlert(listener: (t: Toast) => void): () => void;
  dispose(): void;
}

export const MAX_HISTORY = 100;
export const MAX_TOASTS = 5;
const TOAST_MS: Record<AlertLevel, number | undefined> = { info: 5000, success: 3500, warning: 9000, critical: undefined };

export function createAlertStore(client: EngineClient | undefined, opts: { now?: () => number; setTimeout?: (fn: () => void, ms: number) => unknown } = {}): AlertStore {
  const now = opts.now ?? (() => Date.now());
  const setT = opts.setTimeout ?? ((fn, ms) => globalThis.setTimeout(fn, ms));
  const store = createStore<AlertState>(() => ({ toasts: [], history: [], unread: 0 }));
  const listeners = new Set<(t: Toast) => void>();
  let seq = 0;

  const dismiss = (id: number): void => store.setState((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }));

  const push = (t: Omit<Toast, 'id' | 'time'>): number => {
    const toast: Toast = { ...t, id: ++seq, time: now() };
    store.setState((s) => {
      // Critical toasts are never pushed out by lesser ones.
      let toasts = [...s.toasts, toast];
      while (toasts.length > MAX_TOASTS) {
        const i = toasts.findIndex((x) => x.level !== 'critical');
        toasts = i >= 0 ? toasts.filter((_, j) => j !== i) : toasts.slice(1);
      }
      const remember = t.topic !== 'app' || t.level === 'critical' || t.level === 'warning';
      return {
        toasts,
        history: remember ? [toast, ...s.history].slice(0, MAX_HISTORY) : s.history,
        unread: remember ? s.unread + 1 : s.unread,
      };
    });
    const ms = TOAST_MS[t.level];
    if (ms !== undefined) setT(() => dismiss(toast.id), ms);
    return toast.id;
  };

  const off = client?.onEvent((e) => {
    if (e.type !== 'alert') return;
    // The engine words its alerts with reason codes (`trailingDrawdown`); the trader reads words.
    const id = push({ level: e.level, title: inWords(e.title), body: inWords(e.body), topic: e.topic });
    const t = store.getState().history.find((x) => x.id === id);
    if (t) for (const l of [...listeners]) l(t);
  });

  return {
    store,
    push,
    dismiss,
    markRead: () => store.setState({ unread: 0 }),
    clear: () => store.setState({ history: [], unread: 0 }),
    onAlert: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    dispose: () => off?.(),
  };
}

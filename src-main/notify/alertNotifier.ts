/**
 * Desktop notifications (app.md): on lock, quarantine, out of sync, connection lost — and order
 * rejections and the engine itself — from the engine's `alert` events, as the user's settings say.
 * The settings have switches for locks and rejections (and the sound on a lock); the others are
 * always shown: each means copying is no longer happening somewhere.
 *
 * The same alert repeated within a short window (a flapping connection) is shown once.
 */
import type { NotificationConstructorOptions } from 'electron';
import type { ApiEvent } from '../../src-engine/api/contract';
import type { SettingsView } from '../../src-engine/api/views';
import type { Scheduler } from '../scheduler';
import type { NotificationSeam } from '../seams';

export type Alert = Extract<ApiEvent, { type: 'alert' }>;
export type NotifySettings = Pick<SettingsView, 'notifyOnLock' | 'notifyOnRejection' | 'soundOnLock'>;

export function wantsNotification(alert: Alert, settings: NotifySettings | undefined): boolean {
  switch (alert.topic) {
    case 'lock':
      return settings?.notifyOnLock ?? true;
    case 'rejection':
      return settings?.notifyOnRejection ?? true;
    case 'quarantine':
    case 'outOfSync':
    case 'connection':
    case 'engine':
      return true;
  }
}

export function notificationFor(alert: Alert, settings: NotifySettings | undefined): NotificationConstructorOptions {
  return {
    title: alert.title,
    body: alert.body,
    // Only a lock has a sound switch; everything else keeps the system's default.
    silent: alert.topic === 'lock' ? !(settings?.soundOnLock ?? true) : false,
    urgency: alert.level === 'critical' ? 'critical' : 'normal',
  };
}

export interface AlertNotifierDeps {
  readonly create: (options: NotificationConstructorOptions) => NotificationSeam;
  readonly supported: () => boolean;
  readonly settings: () => NotifySettings | undefined;
  /** A click on a notification opens the window. */
  readonly onClick: () => void;
  readonly scheduler: Scheduler;
  readonly repeatWindowMs?: number;
}

export class AlertNotifier {
  private readonly lastShown = new Map<string, number>();

  constructor(private readonly deps: AlertNotifierDeps) {}

  /** Shows the alert if the settings want it; returns whether it was shown. */
  notify(alert: Alert): boolean {
    const settings = this.deps.settings();
    if (!wantsNotification(alert, settings) || !this.deps.supported()) return false;
    const now = this.deps.scheduler.now();
    const window = this.deps.repeatWindowMs ?? 30_000;
    for (const [k, at] of this.lastShown) if (now - at >= window) this.lastShown.delete(k);
    const key = `${alert.topic}|${alert.title}|${alert.body}`;
    if (this.lastShown.has(key)) return false;
    this.lastShown.set(key, now);
    const n = this.deps.create(notificationFor(alert, settings));
    n.on('click', () => this.deps.onClick());
    n.show();
    return true;
  }
}

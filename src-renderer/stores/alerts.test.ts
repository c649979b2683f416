import { describe, expect, it } from 'vitest';
import { SocketClient } from '../api/client';
import { FakeEngine, flush } from '../test/fakeEngine';
import { createAlertStore, MAX_TOASTS } from './alerts';

describe('alerts', () => {
  it('shows engine alerts as toasts, keeps critical ones, and counts unread', async () => {
    const engine = new FakeEngine();
    const client = new SocketClient({ connect: engine.connect });
    const timers: (() => void)[] = [];
    const alerts = createAlertStore(client, { setTimeout: (fn) => timers.push(fn) });
    const heard: string[] = [];
    alerts.onAlert((t) => heard.push(t.title));
    client.start();
    await flush();
    engine.emit({ type: 'alert', level: 'critical', topic: 'lock', title: 'demo-tv1 locked', body: 'dailyLoss breached' });
    engine.emit({ type: 'alert', level: 'warning', topic: 'rejection', title: 'order rejected', body: 'Insufficient margin' });
    expect(heard).toEqual(['demo-tv1 locked', 'order rejected']);
    expect(alerts.store.getState().unread).toBe(2);
    expect(timers).toHaveLength(1); // the critical one has no timer
    timers.forEach((t) => t());
    expect(alerts.store.getState().toasts.map((t) => t.title)).toEqual(['demo-tv1 locked']);
    for (let i = 0; i < MAX_TOASTS + 2; i++) alerts.push({ level: 'success', title: `done ${i}`, body: '', topic: 'app' });
    const toasts = alerts.store.getState().toasts;
    expect(toasts).toHaveLength(MAX_TOASTS);
    expect(toasts[0]?.title).toBe('demo-tv1 locked');
    // App successes are toasts only, not alert history.
    expect(alerts.store.getState().history).toHaveLength(2);
    alerts.markRead();
    expect(alerts.store.getState().unread).toBe(0);
    alerts.dispose();
    client.stop();
  });
});

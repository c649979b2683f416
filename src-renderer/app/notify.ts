/**
 * Sound and desktop notifications for alerts. The sound is synthesised (no asset, nothing to load
 * past the CSP); notifications are shown only where the page already has permission (Electron's
 * main process shows its own for the tray).
 */
let ctx: AudioContext | undefined;

export function alarm(): void {
  try {
    ctx ??= new AudioContext();
    const c = ctx;
    const t0 = c.currentTime;
    for (let i = 0; i < 3; i++) {
      const osc = c.createOscillator();
      const gain = c.createGain();
      osc.type = 'square';
      osc.frequency.value = i % 2 === 0 ? 880 : 660;
      gain.gain.setValueAtTime(0.0001, t0 + i * 0.18);
      gain.gain.exponentialRampToValueAtTime(0.15, t0 + i * 0.18 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t0 + i * 0.18 + 0.16);
      osc.connect(gain).connect(c.destination);
      osc.start(t0 + i * 0.18);
      osc.stop(t0 + i * 0.18 + 0.17);
    }
  } catch {
    // No audio device: the toast still shows.
  }
}

export function notify(title: string, body: string): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  try {
    new Notification(title, { body });
  } catch {
    // Some hosts only allow notifications from a service worker; the toast still shows.
  }
}

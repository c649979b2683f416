/**
 * Checks what the engine's process posts on its parentPort before main acts on it. The engine is
 * our own code, but a message of the wrong shape must be ignored, not crash main.
 */
import type { HostReport } from '../../src-engine/api/contract';
import type { SettingsView } from '../../src-engine/api/views';

export function isHostReport(m: unknown): m is HostReport {
  if (typeof m !== 'object' || m === null) return false;
  const r = m as Record<string, unknown>;
  switch (r.type) {
    case 'ready':
      return (r.mode === 'live' || r.mode === 'demo') && isSettings(r.settings);
    case 'settings':
      return isSettings(r.settings);
    case 'fatal':
      return typeof r.message === 'string' && (r.permanent === undefined || typeof r.permanent === 'boolean');
    case 'stopped':
      return true;
    default:
      return false;
  }
}

function isSettings(s: unknown): s is SettingsView {
  if (typeof s !== 'object' || s === null) return false;
  const v = s as Record<string, unknown>;
  return (['startWithOs', 'startPaused', 'soundOnLock', 'notifyOnLock', 'notifyOnRejection'] as const).every((k) => typeof v[k] === 'boolean');
}

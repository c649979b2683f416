/**
 * What the tray shows, from the engine process state and the latest snapshot: one of three icons
 * (copying / paused / alert) and a status line a trader reads in two seconds.
 */
import type { EngineProcessState } from '../../src-engine/api/contract';
import type { SnapshotView } from '../../src-engine/api/views';

export type TrayIcon = 'copying' | 'paused' | 'alert';

export interface TrayView {
  readonly icon: TrayIcon;
  readonly status: string;
  /** Commands are offered only while the engine runs. */
  readonly engineRunning: boolean;
  /** The engine is down and not coming back by itself sooner than the user could restart it. */
  readonly canRestartEngine: boolean;
  readonly demo: boolean;
}

export function trayViewOf(engine: EngineProcessState, snapshot: SnapshotView | undefined): TrayView {
  const base = { engineRunning: false, canRestartEngine: false, demo: false };
  switch (engine.state) {
    case 'starting':
      return { ...base, icon: 'paused', status: 'Engine starting…' };
    case 'stopping':
      return { ...base, icon: 'paused', status: 'Stopping…' };
    case 'restarting':
      return { ...base, icon: 'alert', status: `Engine stopped — restarting (attempt ${engine.attempt})`, canRestartEngine: true };
    case 'crashed':
      return { ...base, icon: 'alert', status: `Engine stopped: ${clip(engine.reason, 80)}`, canRestartEngine: true };
    case 'running':
      return { ...base, engineRunning: true, demo: engine.mode === 'demo', ...copyingState(snapshot) };
  }
}

function copyingState(s: SnapshotView | undefined): { icon: TrayIcon; status: string } {
  if (!s) return { icon: 'paused', status: 'Connecting…' };
  const problems = [
    count(s.accounts.filter((a) => a.locked !== false).length, 'account locked', 'accounts locked'),
    count(s.accounts.filter((a) => a.quarantined.length > 0).length, 'account quarantined', 'accounts quarantined'),
    count(s.accounts.filter((a) => a.outOfSync.length > 0).length, 'account out of sync', 'accounts out of sync'),
    count(s.connections.filter((c) => c.status.state === 'failed' || c.status.state === 'reconnecting').length, 'connection down', 'connections down'),
  ].filter((p): p is string => p !== undefined);
  if (problems.length) return { icon: 'alert', status: problems.join(', ') };
  const active = s.groups.filter((g) => g.status.status === 'Active').length;
  if (active === 0) return { icon: 'paused', status: s.groups.length ? 'Paused' : 'No group set up' };
  return { icon: 'copying', status: `Copying — ${count(active, 'group', 'groups') ?? ''} active` };
}

function count(n: number, one: string, many: string): string | undefined {
  return n === 0 ? undefined : `${n} ${n === 1 ? one : many}`;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * Hash routes (the same build runs from file:// in Electron and over HTTP in serve/demo):
 * #/connections, #/groups, #/groups/<id>, #/dashboard/<id>, #/risk, #/risk/<account>,
 * #/risk/lock/<lockId>, #/activity, #/settings.
 */
import { useSyncExternalStore } from 'react';

export type Screen = 'connections' | 'groups' | 'dashboard' | 'risk' | 'activity' | 'settings';
export const SCREENS: readonly { id: Screen; label: string }[] = [
  { id: 'dashboard', label: 'Dashboard' },
  { id: 'groups', label: 'Groups' },
  { id: 'connections', label: 'Connections' },
  { id: 'risk', label: 'Risk' },
  { id: 'activity', label: 'Activity' },
  { id: 'settings', label: 'Settings' },
];

export interface Route {
  readonly screen: Screen;
  readonly parts: readonly string[];
}

export function parseHash(hash: string): Route {
  const segs = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [first, ...parts] = segs;
  const screen = SCREENS.find((s) => s.id === first)?.id ?? 'dashboard';
  return { screen, parts: screen === first ? parts : [] };
}

export function href(screen: Screen, ...parts: string[]): string {
  return `#/${[screen, ...parts].map(encodeURIComponent).join('/')}`;
}

export function go(screen: Screen, ...parts: string[]): void {
  window.location.hash = href(screen, ...parts);
}

function subscribe(cb: () => void): () => void {
  window.addEventListener('hashchange', cb);
  return () => window.removeEventListener('hashchange', cb);
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseHash(hash);
}

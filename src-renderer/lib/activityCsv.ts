/**
 * Activity as CSV for the trader's own records: group and account names (not ids), the rows'
 * sentences in words, and local times with their offset; the header names the time zone.
 */
import type { ActivityRow, SnapshotView } from '../../src-engine/api/views';
import { accountName } from './accounts';
import { ACTIVITY_KIND_WORDS, activityText } from './words';

/** 2026-12-07 13:45:09.123 −06:00 in the zone the screen shows. */
export function localStamp(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const offText = `${sign}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)} ${offText}`;
}

export function activityCsv(rows: readonly ActivityRow[], snap: SnapshotView | undefined, zone = Intl.DateTimeFormat().resolvedOptions().timeZone): string {
  const group = (id: string | undefined): string => (id ? (snap?.groups.find((g) => g.id === id)?.name ?? 'deleted group') : '');
  const head = [`time (${zone})`, 'kind', 'group', 'account', 'symbol', 'status', 'what happened', 'broker said'];
  const lines = rows.map((r) =>
    [localStamp(r.time), ACTIVITY_KIND_WORDS[r.kind], group(r.groupId), r.accountId ? accountName(snap, r.accountId) : '', r.root ?? '', r.status ?? '', activityText(r), r.brokerReason ?? ''].map(cell).join(','),
  );
  return `${head.map(cell).join(',')}\n${lines.join('\n')}${lines.length ? '\n' : ''}`;
}

function cell(v: string): string {
  // Quote always; neutralise formula injection when the file is opened in a spreadsheet.
  const safe = /^[=+\-@]/.test(v) ? `'${v}` : v;
  return `"${safe.replace(/"/g, '""')}"`;
}

/**
 * Activity: the live feed of copy orders (the latest 25 up front, the rest scrollable with older
 * pages on demand), skipped decisions with their reasons, failures with the broker's words and
 * what the engine did. Filter by group, account, symbol, kind; export what the filter shows as CSV.
 */
import { useState, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { ActivityFilter } from '../../src-engine/api/contract';
import type { ActivityRow, SnapshotView } from '../../src-engine/api/views';
import type { EngineClient } from '../api/client';
import { toApiError } from '../api/errors';
import { useServices, useSnapshot } from '../app/hooks';
import { Badge, Empty, type Tone } from '../components/ui';
import { accountName } from '../lib/accounts';
import { ALL_ROOTS } from '../lib/families';
import { activityCsv } from '../lib/activityCsv';
import { clockMs } from '../lib/format';
import { ACTIVITY_KIND_WORDS, activityText } from '../lib/words';

export const LATEST = 25;

type KindChoice = 'all' | 'leader' | 'orders' | 'skips' | 'failures' | 'risk' | 'yours' | 'system';
const KINDS: Record<Exclude<KindChoice, 'all'>, NonNullable<ActivityFilter['kinds']>> = {
  leader: ['leaderFill'],
  orders: ['order'],
  skips: ['skip'],
  failures: ['rejection', 'outOfSync', 'quarantine'],
  risk: ['lock'],
  yours: ['user'],
  system: ['control', 'connection', 'info'],
};

/** The choice the filter's kinds stand for (the filter lives in the store and outlasts this screen). */
function kindChoice(kinds: ActivityFilter['kinds']): KindChoice {
  if (!kinds?.length) return 'all';
  for (const [k, v] of Object.entries(KINDS)) if (v.length === kinds.length && v.every((x) => kinds.includes(x))) return k as KindChoice;
  return 'all';
}

export function Activity(): ReactNode {
  const snap = useSnapshot();
  const { activity } = useServices();
  const { rows, filter, loading, hasMore, error } = useStore(activity.store);
  const kind = kindChoice(filter.kinds);
  const { client } = useServices();
  const [exporting, setExporting] = useState(false);
  const { alerts } = useServices();

  const change = (patch: Partial<ActivityFilter>): void => {
    void activity.setFilter({ ...filter, ...patch });
  };
  const exportCsv = async (): Promise<void> => {
    setExporting(true);
    let csv: string;
    try {
      csv = activityCsv(await readAll(client, filter), snap);
    } catch (err) {
      alerts.push({ level: 'warning', title: 'Export failed', body: toApiError(err).message, topic: 'app' });
      return;
    } finally {
      setExporting(false);
    }
    const blob = new Blob([csv], { type: 'text/csv;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = `mirrorfill-activity-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.csv`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  const latest = rows.slice(0, LATEST);
  const older = rows.slice(LATEST);

  return (
    <div className="screen activity">
      <div className="screen-head">
        <h1>Activity</h1>
        <div className="actions">
          <button type="button" onClick={() => void exportCsv()} disabled={exporting}>
            Export CSV
          </button>
        </div>
      </div>
      <div className="filter-bar" role="group" aria-label="Filter activity">
        <label>
          Group
          <select aria-label="Filter by group" value={filter.groupId ?? ''} onChange={(e) => change({ groupId: e.target.value || undefined })}>
            <option value="">All groups</option>
            {snap?.groups.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Account
          <select aria-label="Filter by account" value={filter.accountId ?? ''} onChange={(e) => change({ accountId: e.target.value || undefined })}>
            <option value="">All accounts</option>
            {snap?.accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Symbol
          <select aria-label="Filter by symbol" value={filter.root ?? ''} onChange={(e) => change({ root: e.target.value || undefined })}>
            <option value="">All symbols</option>
            {ALL_ROOTS.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <label>
          Kind
          <select
            aria-label="Filter by kind"
            value={kind}
            onChange={(e) => {
              const k = e.target.value as KindChoice;
              change({ kinds: k === 'all' ? undefined : KINDS[k] });
            }}
          >
            <option value="all">Everything</option>
            <option value="leader">Leader fills</option>
            <option value="orders">Copy orders</option>
            <option value="skips">Skipped (with reasons)</option>
            <option value="failures">Failures</option>
            <option value="risk">Locks</option>
            <option value="yours">Your actions</option>
            <option value="system">Engine and connections</option>
          </select>
        </label>
        <span className="spacer" />
        <span className="muted small" role="status">
          {loading ? 'Loading…' : `${rows.length} rows`}
        </span>
      </div>
      {error ? <div className="field-errors">{error}</div> : null}

      <section className="panel" aria-labelledby="latest-title">
        <div className="panel-head">
          <h2 id="latest-title">Latest</h2>
          <span className="muted small">live — newest first</span>
        </div>
        {latest.length === 0 ? <Empty>{loading ? 'Loading…' : 'Nothing yet. Copies appear here as the leader trades.'}</Empty> : <ActivityTable rows={latest} snap={snap} prominent label="Latest activity" />}
      </section>

      <section className="panel" aria-labelledby="history-title">
        <div className="panel-head">
          <h2 id="history-title">History</h2>
          <span className="spacer" />
          <button type="button" className="small" onClick={() => void activity.loadOlder()} disabled={loading || !hasMore}>
            {hasMore ? 'Load older' : rows.length === 0 ? 'No older rows' : 'All rows loaded'}
          </button>
        </div>
        {older.length === 0 ? <Empty>Older rows appear here.</Empty> : <ActivityTable rows={older} snap={snap} label="Activity history" scroll />}
      </section>
    </div>
  );
}

function tone(r: ActivityRow): Tone {
  switch (r.kind) {
    case 'order':
      if (r.status === 'filled') return 'ok';
      if (r.status === 'rejected') return 'bad';
      if (r.status === 'unknown') return 'warn';
      if (r.status === 'cancelled' || r.status === 'abandoned') return 'muted';
      return 'info';
    case 'rejection':
    case 'lock':
    case 'outOfSync':
      return 'bad';
    case 'quarantine':
      return 'warn';
    case 'skip':
    case 'info':
      return 'muted';
    case 'control':
    case 'connection':
    case 'leaderFill':
      return 'info';
    case 'user':
      return 'warn';
  }
}

function ActivityTable({ rows, snap, prominent, scroll, label }: { rows: readonly ActivityRow[]; snap: SnapshotView | undefined; prominent?: boolean; scroll?: boolean; label: string }): ReactNode {
  const groupName = (id: string | undefined): string => (id ? (snap?.groups.find((g) => g.id === id)?.name ?? '') : '');
  return (
    <div className={`table-wrap${scroll ? ' scroll' : ''}`}>
      <table className={`grid activity-table${prominent ? ' prominent' : ''}`} aria-label={label}>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Kind</th>
            <th scope="col">Group</th>
            <th scope="col">Account</th>
            <th scope="col">Symbol</th>
            <th scope="col">What happened</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} className={`kind-${r.kind}`}>
              <td className="num time">{clockMs(r.time)}</td>
              <td>
                <Badge tone={tone(r)}>{r.kind === 'order' && r.status ? r.status : ACTIVITY_KIND_WORDS[r.kind]}</Badge>
              </td>
              <td className="muted">{groupName(r.groupId)}</td>
              <td className="account-name">{r.accountId ? accountName(snap, r.accountId) : ''}</td>
              <td className="root">{r.root ?? ''}</td>
              <td className="what">
                <div>{activityText(r)}</div>
                {r.brokerReason ? <div className="broker-reason">Broker: {r.brokerReason}</div> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Every row the filter selects, page by page (the export is the whole history, not what is loaded). */
async function readAll(client: EngineClient, filter: ActivityFilter): Promise<ActivityRow[]> {
  const out: ActivityRow[] = [];
  let before: number | undefined;
  for (let i = 0; i < 200; i++) {
    const page = await client.invoke('activity.list', { filter, limit: 1000, ...(before !== undefined ? { before } : {}) });
    out.push(...page);
    if (page.length < 1000) break;
    before = page[page.length - 1]?.time;
  }
  return out;
}

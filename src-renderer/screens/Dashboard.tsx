/**
 * One group at a glance: the leader (positions, working orders, PnL) and every follower by root —
 * sync toggles (immediate), ratio / mode / cross symbol (staged, saved with the pending bar like
 * every membership edit), position against target, the flags that explain why a follower is
 * where it is, copy latency, and the group's controls.
 */
import { Fragment, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { FollowerInput, GroupInput } from '../../src-engine/api/config';
import type { AccountView, FollowerRowView, GroupView, SnapshotView } from '../../src-engine/api/views';
import { errorsUnder } from '../api/errors';
import { useCommand, useServices, useSnapshot } from '../app/hooks';
import { Badge, ConfirmButton, Empty, FieldErrors, GroupStatusBadge, Money, PendingBar, Switch } from '../components/ui';
import { accountById, accountName, BROKER_LABEL } from '../lib/accounts';
import { ratioProblem, stepRatio } from '../lib/decimal';
import { crossChoices } from '../lib/families';
import { omitKey } from '../lib/objects';
import { ms, price, qty, ruleLabel } from '../lib/format';
import { go, href } from '../lib/route';
import { pendingChanges } from '../stores/drafts';

export function Dashboard({ groupId }: { groupId: string | undefined }): ReactNode {
  const snap = useSnapshot();
  if (!snap) return <Empty>Reading the engine state…</Empty>;
  if (snap.groups.length === 0) {
    return (
      <Empty>
        No groups yet. <a href={href('groups')}>Create a group</a> with a leader and followers to start copying.
      </Empty>
    );
  }
  const group = snap.groups.find((g) => g.id === groupId) ?? snap.groups[0];
  if (!group) return null;
  return <GroupDashboard key={group.id} snap={snap} group={group} />;
}

function GroupDashboard({ snap, group }: { snap: SnapshotView; group: GroupView }): ReactNode {
  const { drafts } = useServices();
  const draft = useStore(drafts.store, (s) => s.drafts[group.id]);
  const changes = pendingChanges(draft, group.input);
  const { run } = useCommand();
  const edited: GroupInput = draft?.group ?? group.input;
  const leader = accountById(snap, group.input.leader);
  const followers = group.input.followers ?? [];
  const roots = rootsOf(group);
  const paused = group.status.status === 'Paused';
  const counts = summary(snap, group);

  const editFollower = (account: string, change: (f: FollowerInput) => FollowerInput): void =>
    drafts.edit(group.id, group.input, (g) => ({ ...g, followers: (g.followers ?? []).map((f) => (f.account === account ? change(f) : f)) }));

  return (
    <div className="screen dashboard">
      <div className="screen-head">
        <div className="title-row">
          <h1>{group.name}</h1>
          <GroupStatusBadge status={group.status} />
          {snap.groups.length > 1 ? (
            <label className="inline-select">
              <span className="sr-only">Group</span>
              <select aria-label="Group" value={group.id} onChange={(e) => go('dashboard', e.target.value)}>
                {snap.groups.map((g) => (
                  <option key={g.id} value={g.id}>
                    {g.name}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
        </div>
        <div className="actions">
          {paused ? (
            <button type="button" className="primary" onClick={() => void run('controls.resume', { group: group.id }, { done: `${group.name} resumed` })}>
              Resume
            </button>
          ) : (
            <button type="button" onClick={() => void run('controls.pause', { group: group.id }, { done: `${group.name} paused` })} disabled={group.status.status === 'NotConfigured'}>
              Pause
            </button>
          )}
          <ConfirmButton
            label="Cancel Orders"
            confirmLabel="Confirm: cancel all working orders"
            className="warn"
            onConfirm={() => void run('controls.cancelOrders', { group: group.id }, { done: 'Cancel sent for every working order in the group' })}
          />
          <ConfirmButton
            label="Flatten All"
            confirmLabel="Confirm: flatten every account"
            className="danger"
            onConfirm={() => void run('controls.flattenAll', { group: group.id }, { done: 'Flatten sent for every account in the group' })}
          />
        </div>
      </div>

      <div className="stat-strip" aria-label="Group summary">
        <Stat label="Leader PnL today">
          <Money value={group.todayPnl} signed />
        </Stat>
        <Stat label="Followers">{followers.length}</Stat>
        <Stat label="In sync" tone={counts.outOfSync ? undefined : 'ok'}>
          {counts.inSync}/{counts.rows}
        </Stat>
        <Stat label="Out of sync" tone={counts.outOfSync ? 'bad' : undefined}>
          {counts.outOfSync}
        </Stat>
        <Stat label="Locked" tone={counts.locked ? 'bad' : undefined}>
          {counts.locked}
        </Stat>
        <Stat label="Quarantined" tone={counts.quarantined ? 'warn' : undefined}>
          {counts.quarantined}
        </Stat>
      </div>

      <PendingBar
        count={changes.length}
        details={changes.map((c) => c.text)}
        saving={draft?.saving ?? false}
        formError={draft?.formError}
        onDiscard={() => drafts.discard(group.id)}
        onSave={() => void drafts.save(group.id, group.input, snap.groups.filter((g) => g.id !== group.id).map((g) => g.name))}
      />

      <LeaderCard snap={snap} group={group} leader={leader} />

      <section className="panel" aria-labelledby="followers-title">
        <div className="panel-head">
          <h2 id="followers-title">Followers</h2>
          <span className="spacer" />
          {roots.length ? (
            <div className="master-sync" role="group" aria-label="Master sync">
              <span className="muted">Master sync</span>
              {roots.map((root) => {
                const on = followers.every((f) => f.sync?.[root] !== false);
                return (
                  <span key={root} className="master-item">
                    <span className="root">{root}</span>
                    <Switch on={on} label={`Master sync ${root} for every follower`} onChange={(v) => void run('groups.setMasterSync', { group: group.id, root, on: v })} />
                  </span>
                );
              })}
            </div>
          ) : null}
        </div>
        {followers.length === 0 ? (
          <Empty>
            No followers. <a href={href('groups', group.id)}>Add followers</a> in Groups.
          </Empty>
        ) : (
          <div className="table-wrap">
            <table className="grid followers">
              <thead>
                <tr>
                  <th scope="col">Account</th>
                  <th scope="col" className="num">
                    Ratio
                  </th>
                  <th scope="col">Mode</th>
                  <th scope="col">Root</th>
                  <th scope="col">Sync</th>
                  <th scope="col">Cross symbol</th>
                  <th scope="col" className="num">
                    Position
                  </th>
                  <th scope="col" className="num">
                    Target
                  </th>
                  <th scope="col">State</th>
                  <th scope="col" className="num" title="Copy latency: leader fill received → follower order acknowledged by its broker">
                    Latency p50 / p99
                  </th>
                  <th scope="col" className="actions-col">
                    Actions
                  </th>
                </tr>
              </thead>
              <tbody>
                {followers.map((f, i) => {
                  const ef = edited.followers?.find((x) => x.account === f.account) ?? f;
                  const draftIndex = edited.followers?.findIndex((x) => x.account === f.account) ?? i;
                  return (
                    <FollowerRows
                      key={f.account}
                      snap={snap}
                      group={group}
                      saved={f}
                      edited={ef}
                      groupRatio={edited.settings?.ratio ?? group.input.settings?.ratio ?? '1'}
                      groupMode={edited.settings?.mode ?? group.input.settings?.mode ?? 'multiplier'}
                      errors={draft ? errorsUnder(draft.errors, `followers[${draftIndex}]`) : []}
                      onEdit={(change) => editFollower(f.account, change)}
                    />
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}

function Stat({ label, tone, children }: { label: string; tone?: 'ok' | 'warn' | 'bad' | undefined; children: ReactNode }): ReactNode {
  return (
    <div className={`stat${tone ? ` ${tone}` : ''}`}>
      <div className="stat-label">{label}</div>
      <div className="stat-value num">{children}</div>
    </div>
  );
}

function rootsOf(group: GroupView): string[] {
  const roots = new Set(group.leaderRoots);
  for (const rows of Object.values(group.followerRows)) for (const r of rows) roots.add(r.root);
  return [...roots].sort();
}

function summary(snap: SnapshotView, group: GroupView): { rows: number; inSync: number; outOfSync: number; locked: number; quarantined: number } {
  let rows = 0;
  let inSync = 0;
  let outOfSync = 0;
  let locked = 0;
  let quarantined = 0;
  for (const f of group.input.followers ?? []) {
    const acc = accountById(snap, f.account);
    if (acc?.locked) locked++;
    if (acc && acc.quarantined.length) quarantined++;
    const list = group.followerRows[f.account] ?? [];
    if (list.length === 0) {
      rows++;
      if (acc && acc.outOfSync.length) outOfSync++;
      else inSync++;
    }
    for (const r of list) {
      rows++;
      if (!r.inSync || acc?.outOfSync.some((o) => o.root === r.root)) outOfSync++;
      else inSync++;
    }
  }
  return { rows, inSync, outOfSync, locked, quarantined };
}

function LeaderCard({ snap, group, leader }: { snap: SnapshotView; group: GroupView; leader: AccountView | undefined }): ReactNode {
  const { run } = useCommand();
  if (!leader) {
    return (
      <section className="panel leader" aria-label="Leader">
        <Empty>
          No leader: the group is not configured. <a href={href('groups', group.id)}>Choose a leader</a>.
        </Empty>
      </section>
    );
  }
  const conn = snap.connections.find((c) => c.id === leader.connectionId);
  return (
    <section className="panel leader" aria-labelledby="leader-title">
      <div className="panel-head">
        <h2 id="leader-title">
          Leader <span className="account-name">{leader.name}</span>
        </h2>
        <span className="muted">
          {BROKER_LABEL[leader.broker]}
          {conn ? ` · ${conn.name}` : ''}
        </span>
        {leader.locked ? <Badge tone={leader.locked === 'breach' ? 'bad' : 'warn'}>Locked ({ruleLabel(leader.lockRule ?? leader.locked)})</Badge> : null}
        {leader.riskUnknown ? <Badge tone="warn" title={leader.riskUnknown}>Risk unknown</Badge> : null}
        {conn && conn.status.state !== 'connected' ? <Badge tone="warn">{conn.status.state}</Badge> : null}
        <span className="spacer" />
        <div className="kv">
          <span className="muted">Balance</span> <Money value={leader.balance} />
        </div>
        <div className="kv">
          <span className="muted">PnL today</span> <Money value={group.todayPnl} signed />
        </div>
      </div>
      <div className="leader-body">
        <div>
          <h3>Positions</h3>
          {leader.positions.length === 0 ? (
            <div className="muted flat-note">Flat</div>
          ) : (
            <table className="grid compact" aria-label="Leader positions">
              <thead>
                <tr>
                  <th scope="col">Contract</th>
                  <th scope="col" className="num">
                    Net
                  </th>
                  <th scope="col" className="actions-col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {leader.positions.map((p) => (
                  <tr key={p.contract}>
                    <td>{contractLabel(p.contract)}</td>
                    <td className={`num big ${p.netPos > 0 ? 'pos' : 'neg'}`} data-col="leader-position">
                      {qty(p.netPos)}
                    </td>
                    <td className="actions-col">
                      <ConfirmButton
                        className="small"
                        label="Flatten"
                        ariaLabel={`Flatten leader ${p.root}`}
                        confirmLabel={`Flatten ${p.root}?`}
                        onConfirm={() => void run('controls.flattenPosition', { account: leader.id, root: p.root }, { done: `Flatten sent: ${leader.name} ${p.root}` })}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
        <div>
          <h3>Working orders</h3>
          {leader.workingOrders.length === 0 ? (
            <div className="muted flat-note">None</div>
          ) : (
            <table className="grid compact" aria-label="Leader working orders">
              <thead>
                <tr>
                  <th scope="col">Side</th>
                  <th scope="col" className="num">
                    Qty
                  </th>
                  <th scope="col">Contract</th>
                  <th scope="col">Type</th>
                  <th scope="col" className="num">
                    Price
                  </th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {leader.workingOrders.map((o) => (
                  <tr key={o.orderId}>
                    <td className={o.side === 'buy' ? 'pos' : 'neg'}>{o.side}</td>
                    <td className="num">{o.qty}</td>
                    <td>{contractLabel(o.contract)}</td>
                    <td>{o.type}</td>
                    <td className="num">{price(o.price)}</td>
                    <td className="muted">{o.status}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </div>
    </section>
  );
}

/** The leader root, and what this follower trades for it (its contract month; another root if crossed). */
function ContractCell({ root, contract }: { root: string; contract: string | undefined }): ReactNode {
  const c = splitContract(contract);
  return (
    <span title={contract ? `trading ${contractLabel(contract)}` : undefined}>
      <span className="root">{root}</span>
      {c && c.root !== root ? <span className="cross-root"> → {c.root}</span> : null}
      {c ? <span className="muted small"> {c.expiry}</span> : null}
    </span>
  );
}

function splitContract(c: string | undefined): { root: string; expiry: string } | undefined {
  const label = contractLabel(c);
  const [root, expiry] = label.split(' ');
  return root && expiry ? { root, expiry } : undefined;
}

const MONTHS = ['F', 'G', 'H', 'J', 'K', 'M', 'N', 'Q', 'U', 'V', 'X', 'Z'];

/** "MNQ:202612" → "MNQ Z26" */
export function contractLabel(c: string | undefined): string {
  if (!c) return '—';
  const m = /^([A-Z0-9]+):(\d{4})(\d{2})$/.exec(c);
  if (!m) return c;
  const [, root = '', year = '', month = ''] = m;
  return `${root} ${MONTHS[Number(month) - 1] ?? '?'}${year.slice(2)}`;
}

function FollowerRows({
  snap,
  group,
  saved,
  edited,
  groupRatio,
  groupMode,
  errors,
  onEdit,
}: {
  snap: SnapshotView;
  group: GroupView;
  saved: FollowerInput;
  edited: FollowerInput;
  groupRatio: string | number;
  groupMode: string;
  errors: readonly string[];
  onEdit: (change: (f: FollowerInput) => FollowerInput) => void;
}): ReactNode {
  const { run } = useCommand();
  const acc = accountById(snap, saved.account);
  const name = accountName(snap, saved.account);
  const rows: readonly (FollowerRowView | undefined)[] = group.followerRows[saved.account]?.length ? (group.followerRows[saved.account] ?? []) : [undefined];
  const span = rows.length;
  const ratio = edited.ratio ?? groupRatio;
  const ratioErr = ratioProblem(edited.ratio);
  const disabled = edited.enabled === false;
  const rowErrors = errors;

  return (
    <Fragment>
      {rows.map((row, i) => {
        const root = row?.root;
        const oos = root ? acc?.outOfSync.find((o) => o.root === root) : acc?.outOfSync[0];
        const quarantined = root ? row.quarantined || (acc?.quarantined.includes(root) ?? false) : false;
        return (
          <tr key={root ?? '-'} className={`${i === 0 ? 'first' : 'cont'}${acc?.locked ? ' locked' : ''}`} aria-label={`${name} ${root ?? ''}`.trim()}>
            {i === 0 ? (
              <>
                <td rowSpan={span} className="account-cell">
                  <div className="account-name">{name}</div>
                  <div className="muted small">
                    {acc ? BROKER_LABEL[acc.broker] : '?'} · <Money value={acc?.balance} whole />
                  </div>
                  <div className="flags">
                    {acc?.locked ? (
                      <a href={href('risk', acc.id)} className="badge-link">
                        <Badge tone={acc.locked === 'breach' ? 'bad' : 'warn'}>Locked · {ruleLabel(acc.lockRule ?? acc.locked)}</Badge>
                      </a>
                    ) : null}
                    {acc?.riskUnknown ? (
                      <Badge tone="warn" title={acc.riskUnknown}>
                        Risk unknown
                      </Badge>
                    ) : null}
                    {disabled ? <Badge tone="muted">Disabled</Badge> : null}
                    {acc && !acc.live ? <Badge tone="warn">Not live</Badge> : null}
                  </div>
                  <FieldErrors errors={rowErrors} />
                </td>
                <td rowSpan={span} className="num ratio-cell">
                  <div className="stepper">
                    <button type="button" className="small" aria-label={`Decrease ratio for ${name}`} onClick={() => onEdit((f) => ({ ...f, ratio: stepRatio(f.ratio ?? groupRatio, -1) }))}>
                      −
                    </button>
                    <input
                      type="text"
                      inputMode="decimal"
                      className={`num ratio-input${ratioErr ? ' invalid' : ''}${edited.ratio === undefined ? ' inherited' : ''}`}
                      title={edited.ratio === undefined ? 'The group default; change it to set this follower its own ratio' : undefined}
                      aria-label={`Ratio for ${name}`}
                      aria-invalid={ratioErr ? true : undefined}
                      value={String(ratio)}
                      onChange={(e) => onEdit((f) => ({ ...f, ratio: e.target.value }))}
                    />
                    <button type="button" className="small" aria-label={`Increase ratio for ${name}`} onClick={() => onEdit((f) => ({ ...f, ratio: stepRatio(f.ratio ?? groupRatio, 1) }))}>
                      +
                    </button>
                  </div>
                  {ratioErr ? <div className="field-errors">ratio {ratioErr}</div> : null}
                </td>
                <td rowSpan={span}>
                  <select
                    className="mode-select"
                    aria-label={`Sizing mode for ${name}`}
                    value={edited.mode ?? ''}
                    onChange={(e) => {
                      const v = e.target.value;
                      onEdit((f) => {
                        const { mode: _m, ...rest } = f;
                        return v === '' ? rest : { ...rest, mode: v as NonNullable<FollowerInput['mode']> };
                      });
                    }}
                  >
                    <option value="">Group ({groupMode})</option>
                    <option value="multiplier">Multiplier</option>
                    <option value="fixed">Fixed</option>
                    <option value="balance">Balance</option>
                  </select>
                </td>
              </>
            ) : null}
            <td className="root-cell">
              {root ? (
                <ContractCell root={root} contract={row.contract} />
              ) : (
                <span className="muted">—</span>
              )}
            </td>
            <td>{root ? <Switch on={row.syncOn} label={`Sync ${root} for ${name}`} onChange={(v) => void run('groups.setSync', { group: group.id, account: saved.account, root, on: v })} /> : <span className="muted">—</span>}</td>
            <td>
              {root ? (
                <select
                  aria-label={`Cross symbol for ${name} ${root}`}
                  value={edited.cross?.[root] ?? ''}
                  onChange={(e) => {
                    const v = e.target.value;
                    onEdit((f) => {
                      const cross = v === '' ? omitKey({ ...f.cross }, root) : { ...f.cross, [root]: v };
                      const { cross: _c, ...rest } = f;
                      return Object.keys(cross).length ? { ...rest, cross } : rest;
                    });
                  }}
                >
                  <option value="">Same ({root})</option>
                  {crossChoices(root).map((r) => (
                    <option key={r} value={r}>
                      {r}
                    </option>
                  ))}
                </select>
              ) : (
                <span className="muted">—</span>
              )}
            </td>
            <td className={`num big ${(row?.position ?? 0) > 0 ? 'pos' : (row?.position ?? 0) < 0 ? 'neg' : ''}`} data-col="position">
              {row ? qty(row.position) : '0'}
            </td>
            <td className="num" data-col="target">
              {row ? qty(row.target) : '—'}
            </td>
            <td className="state-cell" data-col="state">
              <RowState row={row} oos={oos?.detail} locked={acc?.locked ?? false} quarantined={quarantined} />
              {quarantined && root ? (
                <button type="button" className="link small" onClick={() => void run('controls.releaseQuarantine', { account: saved.account, root }, { done: `${name}: ${root} released` })}>
                  Release
                </button>
              ) : null}
            </td>
            {i === 0 ? (
              <td rowSpan={span} className="num latency">
                {acc?.latency ? (
                  <span title={`${acc.latency.samples} copies, last ${ms(acc.latency.lastMs)} ms${acc.latency.sentP50Ms !== undefined ? `; order written p50 ${ms(acc.latency.sentP50Ms)} / p99 ${ms(acc.latency.sentP99Ms)} ms` : ''}`}>
                    {ms(acc.latency.p50Ms)} / {ms(acc.latency.p99Ms)} <span className="muted">ms</span>
                  </span>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
            ) : null}
            <td className="actions-col">
              {root ? (
                <span className="row-actions">
                  <button type="button" className="small" aria-label={`Sync ${name} ${root} to target now`} onClick={() => void run('controls.sync', { account: saved.account, root }, { done: `Sync sent: ${name} ${root}` })}>
                    Sync
                  </button>
                  <ConfirmButton
                    className="small"
                    label="Flatten"
                    ariaLabel={`Flatten ${name} ${root}`}
                    confirmLabel="Flatten?"
                    onConfirm={() => void run('controls.flattenPosition', { account: saved.account, root }, { done: `Flatten sent: ${name} ${root}` })}
                  />
                </span>
              ) : null}
            </td>
          </tr>
        );
      })}
    </Fragment>
  );
}

const NOT_TRACKING: Record<string, string> = {
  joinedLate: 'joined late — waits for the leader to be flat, or press Sync',
  syncOff: 'sync off',
  disabled: 'disabled',
  groupPaused: 'group paused — tracks from the next entry',
  locked: 'locked',
  flattenedByUser: 'flattened by you — waits for the next entry',
  reconnectFlatten: 'flattened after a reconnect — waits for the next entry',
  notWhitelisted: 'root not whitelisted when the trade began — waits for the leader to be flat, or press Sync',
};

function RowState({ row, oos, locked, quarantined }: { row: FollowerRowView | undefined; oos: string | undefined; locked: false | 'breach' | 'soft'; quarantined: boolean }): ReactNode {
  const items: ReactNode[] = [];
  if (oos) {
    items.push(
      <Badge key="oos" tone="bad" title={oos}>
        Out of sync
      </Badge>,
    );
  } else if (row && !row.inSync) {
    items.push(
      <Badge key="oos" tone="bad">
        Out of sync
      </Badge>,
    );
  } else {
    items.push(
      <Badge key="ok" tone="ok">
        In sync
      </Badge>,
    );
  }
  if (quarantined)
    items.push(
      <Badge key="q" tone="warn">
        Quarantined
      </Badge>,
    );
  if (locked)
    items.push(
      <Badge key="l" tone={locked === 'breach' ? 'bad' : 'warn'}>
        Locked
      </Badge>,
    );
  const detail = oos ?? (row && !row.inSync ? `position ${qty(row.position)}, target ${qty(row.target)}` : undefined);
  const note = row && !row.syncOn ? 'sync off' : row && !row.tracking && row.notTracking ? `not tracking: ${NOT_TRACKING[row.notTracking] ?? row.notTracking}` : undefined;
  return (
    <div className="row-state">
      <div className="badges">{items}</div>
      {detail ? <div className="detail bad-text">{detail}</div> : null}
      {note ? <div className="detail muted">{note}</div> : null}
    </div>
  );
}

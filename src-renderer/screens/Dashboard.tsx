/**
 * One group at a glance: the leader (positions with entry, current price and open PnL, working
 * orders), every follower by the leader's root — sync toggles (immediate), the root's ratio (its
 * own, else the follower's, else the group's, and which), mode, cross symbol (staged, saved with
 * the pending bar like every membership edit), the contract it really trades, its position
 * against target, its own working orders, one state in plain words — the latest trades, and the
 * group's controls, each confirming what it will send.
 */
import { Fragment, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { FollowerInput, GroupInput } from '../../src-engine/api/config';
import type { AccountView, FollowerRowView, GroupView, HoldingView, SnapshotView, TradeFillView, WorkingOrderView } from '../../src-engine/api/views';
import { useCommand, useServices, useSnapshot } from '../app/hooks';
import { Badge, ConfirmButton, Empty, FieldErrors, GroupStatusBadge, Money, PendingBar, Switch } from '../components/ui';
import { accountById, accountName, BROKER_LABEL } from '../lib/accounts';
import { ratioProblem, stepRatio } from '../lib/decimal';
import { ALL_ROOTS, crossChoices } from '../lib/families';
import { omitKey } from '../lib/objects';
import { contractLabel } from '../lib/contracts';
import { followerFieldErrors, type FollowerFieldErrors } from '../lib/followerErrors';
import { flattenConfirmText, stateCounts, stateWords, syncConfirmText } from '../lib/followerState';
import { clock, ms, plural, price, qty, ruleLabel } from '../lib/format';
import { go, href } from '../lib/route';
import { tradeLines } from '../lib/tradeGroups';
import { rootRatio, rootRatioSourceWords, withoutRootRatio, withRootRatio } from '../lib/rootRatio';
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
  const paused = group.status.status === 'Paused';
  const allRows = followers.flatMap((f) => group.followerRows[f.account] ?? []);
  const counts = stateCounts(allRows);
  const locked = followers.filter((f) => accountById(snap, f.account)?.locked).length;
  const orderCount = (leader?.workingOrders.length ?? 0) + allRows.reduce((n, r) => n + r.workingOrders.length, 0);
  const leaderName = leader?.name ?? 'the leader';

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
            <button type="button" className="primary" onClick={() => void run('controls.resume', { group: group.id }, { done: `${group.name} resumed: copying from the leader's next entry`, failTitle: 'Resume failed' })}>
              Resume
            </button>
          ) : (
            <button type="button" onClick={() => void run('controls.pause', { group: group.id }, { done: `${group.name} paused`, failTitle: 'Pause failed' })} disabled={group.status.status === 'NotConfigured'}>
              Pause
            </button>
          )}
          <ConfirmButton
            label="Cancel Orders"
            confirmLabel="Cancel every order"
            question={`Cancel ${plural(orderCount, 'working order')} in ${group.name}, on the followers and on ${leaderName} itself: the leader's own stop and target orders are cancelled too. Positions stay open.`}
            className="warn"
            onConfirm={() => void run('controls.cancelOrders', { group: group.id }, { done: `Cancel sent for every working order in ${group.name}`, failTitle: 'Cancel Orders failed' })}
          />
          <ConfirmButton
            label="Flatten All"
            confirmLabel="Flatten and pause"
            question={`Close every position and cancel every working order on ${leaderName} and ${plural(followers.length, 'follower')}, then pause ${group.name}: copying starts again only after Resume, from the leader's next entry.`}
            className="danger"
            onConfirm={() => void run('controls.flattenAll', { group: group.id }, { done: `Flatten sent for every account in ${group.name}; the group is paused`, failTitle: 'Flatten All failed' })}
          />
        </div>
      </div>

      <div className="stat-strip" aria-label="Group summary">
        <Stat label="Leader PnL today">
          <Money value={group.todayPnl} signed />
        </Stat>
        <Stat label="Followers">{followers.length}</Stat>
        <Stat label="Copying" tone={counts.rows > 0 && counts.copying === counts.rows ? 'ok' : undefined}>
          {counts.copying}/{counts.rows}
        </Stat>
        <Stat label="Out of sync" tone={counts.outOfSync ? 'bad' : undefined}>
          {counts.outOfSync}
        </Stat>
        <Stat label="Not copying" tone={counts.notCopying ? 'warn' : undefined}>
          {counts.notCopying}
        </Stat>
        <Stat label="Locked" tone={locked ? 'bad' : undefined}>
          {locked}
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
          {followers.length ? (
            <label className="inline-select add-root">
              <span className="muted">Add a symbol</span>
              <select
                aria-label="Add a symbol row for every follower"
                title="A row per follower for this symbol, so its sync switch and cross symbol can be set before the leader trades it"
                value=""
                onChange={(e) => {
                  const root = e.target.value;
                  if (root) void run('groups.setMasterSync', { group: group.id, root, on: true }, { done: `${root} added: every follower copies it`, failTitle: 'Symbol not added' });
                }}
              >
                <option value="">Choose…</option>
                {ALL_ROOTS.filter((r) => !group.roots.includes(r)).map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          {group.roots.length ? (
            <div className="master-sync" role="group" aria-label="Master sync">
              <span className="muted">Master sync</span>
              {group.roots.map((root) => {
                const on = followers.every((f) => f.sync?.[root] !== false);
                return (
                  <span key={root} className="master-item">
                    <span className="root">{root}</span>
                    <Switch on={on} label={`Master sync ${root} for every follower`} onChange={(v) => void run('groups.setMasterSync', { group: group.id, root, on: v }, { failTitle: 'Master sync not changed' })} />
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
          <div className="followers-wrap">
            <table className="grid followers">
              <colgroup>
                <col className="c-account" />
                <col className="c-sizing" />
                <col className="c-symbol" />
                <col className="c-position" />
                <col className="c-target" />
                <col className="c-state" />
                <col className="c-actions" />
              </colgroup>
              <thead>
                <tr>
                  <th scope="col">Account</th>
                  <th scope="col">Sizing</th>
                  <th scope="col">Symbol</th>
                  <th scope="col" className="num">
                    Position
                  </th>
                  <th scope="col" className="num">
                    Target
                  </th>
                  <th scope="col">State</th>
                  <th scope="col" className="actions-col">
                    <span className="sr-only">Actions</span>
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
                      errors={followerFieldErrors(draft?.errors ?? {}, draftIndex)}
                      onEdit={(change) => editFollower(f.account, change)}
                    />
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <RecentTrades snap={snap} group={group} />
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

const ORDER_TYPE: Readonly<Record<WorkingOrderView['type'], string>> = { market: 'market', limit: 'limit', stop: 'stop' };

function orderText(o: WorkingOrderView): string {
  return `${o.side} ${o.qty} ${ORDER_TYPE[o.type]}${o.price !== undefined ? ` @ ${price(o.price)}` : ''}`;
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
        {conn && conn.status.state !== 'connected' ? <Badge tone="warn">Not connected</Badge> : null}
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
          {group.leaderHoldings.length === 0 ? (
            <div className="muted flat-note">Flat</div>
          ) : (
            <table className="grid compact" aria-label="Leader positions">
              <thead>
                <tr>
                  <th scope="col">Contract</th>
                  <th scope="col" className="num">
                    Net
                  </th>
                  <th scope="col" className="num">
                    Entry
                  </th>
                  <th scope="col" className="num">
                    Now
                  </th>
                  <th scope="col" className="num">
                    Open PnL
                  </th>
                  <th scope="col" className="actions-col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {group.leaderHoldings.map((p) => {
                  const root = rootOfContract(p.contract);
                  return (
                    <tr key={p.contract}>
                      <td>{contractLabel(p.contract)}</td>
                      <td className={`num big ${p.netPos > 0 ? 'pos' : 'neg'}`} data-col="leader-position">
                        {qty(p.netPos)}
                      </td>
                      <td className="num">{avg(p.avgPrice)}</td>
                      <td className="num">{price(p.mark)}</td>
                      <td className="num">
                        <Money value={p.openPnl} signed />
                      </td>
                      <td className="actions-col">
                        <ConfirmButton
                          className="small"
                          label="Flatten"
                          ariaLabel={`Flatten leader ${root}`}
                          confirmLabel="Flatten"
                          question={`Flatten ${leader.name}: ${p.netPos > 0 ? 'sell' : 'buy'} ${Math.abs(p.netPos)} ${contractLabel(p.contract)} (closes the position). The followers copy the exit.`}
                          onConfirm={() => void run('controls.flattenPosition', { account: leader.id, root }, { done: `Flatten sent: ${leader.name} ${contractLabel(p.contract)}`, failTitle: 'Flatten failed' })}
                        />
                      </td>
                    </tr>
                  );
                })}
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
                    <td>{ORDER_TYPE[o.type]}</td>
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

function rootOfContract(c: string): string {
  return c.split(':')[0] ?? c;
}

/** One line per leader exit with each follower's PnL on its copy: did every account get the trade, and how did it do? */
function RecentTrades({ snap, group }: { snap: SnapshotView; group: GroupView }): ReactNode {
  const rowRoot = (accountId: string, contract: string): string => {
    const rows = group.followerRows[accountId] ?? [];
    return rows.find((r) => r.holdings.some((h) => h.contract === contract) || r.contract === contract)?.root ?? rowRootByFamily(rows, contract);
  };
  const lines = tradeLines(group.recentTrades, group.input.leader ?? undefined, rowRoot).slice(0, 8);
  return (
    <section className="panel" aria-labelledby="trades-title">
      <div className="panel-head">
        <h2 id="trades-title">Latest copied trades</h2>
        <span className="muted small">exits of today, newest first, with each account&apos;s PnL</span>
      </div>
      {lines.length === 0 ? (
        <div className="muted flat-note">No closed trades today.</div>
      ) : (
        <table className="grid compact trades" aria-label="Latest copied trades">
          <colgroup>
            <col className="c-time" />
            <col className="c-exit" />
            <col />
          </colgroup>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Leader exit</th>
              <th scope="col">Followers</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((line) => {
              const first = line.leader ?? line.followers[0];
              if (!first) return null;
              return (
                <tr key={`${first.accountId}:${first.time}:${first.contract}:${first.qty}:${first.price}`}>
                  <td className="num muted">{clock(first.time)}</td>
                  <td>
                    {line.leader ? (
                      <>
                        {fillText(line.leader)} <Money value={line.leader.realized} signed />
                      </>
                    ) : (
                      <span className="muted">no leader exit (by hand or risk)</span>
                    )}
                  </td>
                  <td>
                    <span className="trade-chips">
                      {line.followers.map((t) => (
                        <span key={`${t.accountId}:${t.time}:${t.contract}:${t.qty}`} className="trade-chip" title={fillText(t)}>
                          {accountName(snap, t.accountId)} <Money value={t.realized} signed />
                        </span>
                      ))}
                      {line.followers.length === 0 ? <span className="muted">none copied</span> : null}
                    </span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

function fillText(t: TradeFillView): string {
  return `${t.side} ${t.qty} ${contractLabel(t.contract)} @ ${price(t.price)}`;
}

/** A contract no row shows any more (closed): the row whose follower root or root it shares. */
function rowRootByFamily(rows: readonly FollowerRowView[], contract: string): string {
  const root = contract.split(':')[0] ?? contract;
  return rows.find((r) => r.followerRoot === root || r.root === root)?.root ?? root;
}

/** The leader root, and what this follower really trades for it (cross symbol, mapping or micro; its month). */
function TradesLine({ row }: { row: FollowerRowView }): ReactNode {
  const traded = row.contract ? contractLabel(row.contract) : row.followerRoot;
  const tradedRoot = row.contract ? row.contract.split(':')[0] : row.followerRoot;
  const other = tradedRoot !== row.root;
  // E.g. "As NQ" chosen but the size was too small for one NQ: it trades the micro, and says so.
  const instead = tradedRoot !== row.followerRoot ? ` instead of ${row.followerRoot}` : '';
  return (
    <div className="trades small" title={`The leader's ${row.root} is traded here as ${traded}${instead}`}>
      → <span className={other ? 'cross-root' : undefined}>{traded}</span>
    </div>
  );
}

/** Entry → current price, as short as fits a cell; the whole in the tooltip. */
function entryNow(h: HoldingView): string {
  return `${avg(h.avgPrice)} → ${price(h.mark)}`;
}

/** An average entry has more decimals than a trader reads (2 lots at 6000 and 1 at 6000.25). */
function avg(n: number | undefined): string {
  return n === undefined ? '—' : n.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

export { contractLabel };

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
  errors: FollowerFieldErrors;
  onEdit: (change: (f: FollowerInput) => FollowerInput) => void;
}): ReactNode {
  const acc = accountById(snap, saved.account);
  const name = accountName(snap, saved.account);
  const list = group.followerRows[saved.account] ?? [];
  const rows: readonly (FollowerRowView | undefined)[] = list.length ? list : [undefined];
  const span = rows.length;
  const disabled = edited.enabled === false;

  return (
    <Fragment>
      {rows.map((row, i) => {
        const root = row?.root;
        return (
          <tr key={root ?? '-'} className={`${i === 0 ? 'first' : 'cont'}${acc?.locked ? ' locked' : ''}`} aria-label={`${name} ${root ?? ''}`.trim()}>
            {i === 0 ? (
              <>
                <td rowSpan={span} className="account-cell">
                  <div className="account-name" title={name}>
                    {name}
                  </div>
                  <div className="muted small">
                    {acc ? BROKER_LABEL[acc.broker] : '?'} · <Money value={acc?.balance} whole />
                  </div>
                  {acc?.latency ? (
                    <div className="muted small" title={`Copy latency, leader fill to follower order acknowledged: ${acc.latency.samples} copies, last ${ms(acc.latency.lastMs)} ms`}>
                      copy {ms(acc.latency.p50Ms)} / {ms(acc.latency.p99Ms)} ms
                    </div>
                  ) : null}
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
                    {acc && !acc.live ? <Badge tone="warn">Not connected</Badge> : null}
                  </div>
                  {/* The mode is the follower's, for every root; the ratio is set per row below. */}
                  <select
                    className="mode-select"
                    aria-label={`Sizing mode for ${name}`}
                    title={edited.mode === undefined ? `The group's mode (${groupMode})` : undefined}
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
                  <FieldErrors errors={errors.mode} />
                  {/* Refusals with no field of their own on this screen: the follower's ratio once it has rows, a root without a row. */}
                  <FieldErrors
                    errors={[
                      ...errors.other,
                      ...(list.length ? errors.ratio.map((m) => `Ratio ${m}`) : []),
                      ...Object.entries(errors.ratios)
                        .filter(([r]) => !list.some((row) => row.root === r))
                        .flatMap(([, m]) => m),
                    ]}
                  />
                </td>
              </>
            ) : null}
            <td className="sizing-cell">
              {row ? (
                <RootRatioControl name={name} root={row.root} edited={edited} groupRatio={groupRatio} errors={errors.ratios[row.root] ?? []} onEdit={onEdit} />
              ) : (
                <FollowerRatioControl name={name} edited={edited} groupRatio={groupRatio} errors={errors.ratio} onEdit={onEdit} />
              )}
            </td>
            {row ? (
              <FollowerRowCells row={row} group={group} account={saved.account} name={name} edited={edited} crossErrors={errors.cross[row.root] ?? []} onEdit={onEdit} />
            ) : (
              <td colSpan={5} className="muted">
                No symbol yet: a row appears with the leader&apos;s first trade.
              </td>
            )}
          </tr>
        );
      })}
    </Fragment>
  );
}

type EditFollower = (change: (f: FollowerInput) => FollowerInput) => void;

/**
 * The ratio of one leader root (the row's): what it is, whether it is the root's own, the
 * follower's or the group's, and a reset back to the follower's. −/+ and typing give the root a
 * ratio of its own; the other roots of the follower keep theirs.
 */
function RootRatioControl({ name, root, edited, groupRatio, errors, onEdit }: { name: string; root: string; edited: FollowerInput; groupRatio: string | number; errors: readonly string[]; onEdit: EditFollower }): ReactNode {
  const shown = rootRatio(edited, groupRatio, root);
  const own = edited.ratios?.[root];
  const problem = own === undefined ? undefined : String(own).trim() === '' ? 'must be a number from 0.1 to 1000, such as 0.5 or 2' : ratioProblem(own);
  const step = (dir: 1 | -1): void => onEdit((f) => withRootRatio(f, root, stepRatio(rootRatio(f, groupRatio, root).value, dir)));
  return (
    <>
      <div className="stepper">
        <button type="button" className="small" aria-label={`Decrease ratio for ${name} ${root}`} onClick={() => step(-1)}>
          −
        </button>
        <input
          type="text"
          inputMode="decimal"
          className={`num ratio-input${problem ? ' invalid' : ''}${shown.source === 'root' ? '' : ' inherited'}`}
          title={shown.source === 'root' ? `${name} trades ${root} at this ratio; its other symbols keep theirs` : `Change it to give ${root} a ratio of its own for ${name}`}
          aria-label={`Ratio for ${name} ${root}`}
          aria-invalid={problem ? true : undefined}
          value={String(shown.value)}
          onChange={(e) => onEdit((f) => withRootRatio(f, root, e.target.value))}
        />
        <button type="button" className="small" aria-label={`Increase ratio for ${name} ${root}`} onClick={() => step(1)}>
          +
        </button>
      </div>
      <div className="ratio-source small" data-col="ratio-source">
        <span className={shown.source === 'root' ? undefined : 'muted'}>{rootRatioSourceWords(shown.source, root)}</span>
        {shown.source === 'root' ? (
          <button type="button" className="link small" aria-label={`Reset ${name} ${root} to the follower's ratio`} onClick={() => onEdit((f) => withoutRootRatio(f, root))}>
            Reset
          </button>
        ) : null}
      </div>
      {/* Once, beside the field: the check as the trader types, else what the engine refused (it names the root). */}
      <FieldErrors errors={problem ? [`${root} ratio ${problem}`] : errors} />
    </>
  );
}

/** Before the leader has traded anything for this follower there is no root: the follower's own ratio. */
function FollowerRatioControl({ name, edited, groupRatio, errors, onEdit }: { name: string; edited: FollowerInput; groupRatio: string | number; errors: readonly string[]; onEdit: EditFollower }): ReactNode {
  const ratioErr = ratioProblem(edited.ratio);
  return (
    <>
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
          value={String(edited.ratio ?? groupRatio)}
          onChange={(e) => onEdit((f) => ({ ...f, ratio: e.target.value }))}
        />
        <button type="button" className="small" aria-label={`Increase ratio for ${name}`} onClick={() => onEdit((f) => ({ ...f, ratio: stepRatio(f.ratio ?? groupRatio, 1) }))}>
          +
        </button>
      </div>
      <div className="ratio-source small muted" data-col="ratio-source">
        {edited.ratio === undefined ? "the group's ratio" : "the follower's ratio"}
      </div>
      <FieldErrors errors={ratioErr ? [`Ratio ${ratioErr}`] : errors.map((m) => `Ratio ${m}`)} />
    </>
  );
}

function FollowerRowCells({
  row,
  group,
  account,
  name,
  edited,
  crossErrors,
  onEdit,
}: {
  row: FollowerRowView;
  group: GroupView;
  account: string;
  name: string;
  edited: FollowerInput;
  crossErrors: readonly string[];
  onEdit: (change: (f: FollowerInput) => FollowerInput) => void;
}): ReactNode {
  const { run } = useCommand();
  const root = row.root;
  const words = stateWords(row.state);
  const syncQuestion = syncConfirmText(row);
  const nothingToFlatten = row.holdings.length === 0 && row.workingOrders.length === 0;
  return (
    <>
      <td className="symbol-cell">
        <div className="symbol-head">
          <span className="root">{root}</span>
          <Switch on={row.syncOn} label={`Sync ${root} for ${name}`} onChange={(v) => void run('groups.setSync', { group: group.id, account, root, on: v }, { failTitle: 'Sync switch not changed' })} />
        </div>
        <TradesLine row={row} />
        <select
          className="cross-select"
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
              As {r}
            </option>
          ))}
        </select>
        <FieldErrors errors={crossErrors} />
      </td>
      <td className="num position-cell">
        <div className={`big ${row.position > 0 ? 'pos' : row.position < 0 ? 'neg' : ''}`} data-col="position">
          {qty(row.position)}
        </div>
        {row.holdings.map((h) => (
          <div key={h.contract} className="holding small" data-col="holding" title={`${qty(h.netPos)} ${contractLabel(h.contract)}: entry ${avg(h.avgPrice)}, now ${price(h.mark)}`}>
            {h.contract !== row.contract ? <div className="bad-text">{`${qty(h.netPos)} ${contractLabel(h.contract)}`}</div> : null}
            <div className="muted">{entryNow(h)}</div>
            <Money value={h.openPnl} signed />
          </div>
        ))}
        {row.workingOrders.map((o) => (
          <div key={o.orderId} className="working small muted" data-col="working-order">
            {orderText(o)}
          </div>
        ))}
      </td>
      <td className="num" data-col="target">
        <div>{qty(row.target)}</div>
        <div className="muted small">leader {qty(row.leaderPosition)}</div>
      </td>
      <td className="state-cell" data-col="state">
        <div className="row-state">
          <Badge tone={words.tone}>{words.label}</Badge>
          {words.detail ? <div className={`detail ${words.tone === 'bad' ? 'bad-text' : 'muted'}`}>{words.detail}</div> : null}
          {row.quarantined ? (
            <button type="button" className="link small" onClick={() => void run('controls.releaseQuarantine', { account, root }, { done: `${name}: ${root} released`, failTitle: 'Release failed' })}>
              Release
            </button>
          ) : null}
        </div>
      </td>
      <td className="actions-col">
        <span className="row-actions">
          <ConfirmButton
            className="small"
            label="Sync"
            ariaLabel={`Sync ${name} ${root} to target now`}
            confirmLabel="Sync"
            question={syncQuestion ?? `Sync: ${name} holds its target; nothing is sent, it copies ${root} from now on.`}
            onConfirm={() => void run('controls.sync', { account, root }, { done: `Sync sent: ${name} ${root}`, failTitle: 'Sync failed' })}
          />
          <ConfirmButton
            className="small"
            label="Flatten"
            ariaLabel={`Flatten ${name} ${root}`}
            confirmLabel="Flatten"
            question={`${flattenConfirmText(row)} ${name} stops copying this trade.`}
            disabled={nothingToFlatten}
            onConfirm={() => void run('controls.flattenPosition', { account, root }, { done: `Flatten sent: ${name} ${root}`, failTitle: 'Flatten failed' })}
          />
        </span>
      </td>
    </>
  );
}

/**
 * Groups: the list (status, leader, followers, today's PnL) and the staged editor. Every edit —
 * name, leader, followers, settings — goes into a draft; the bar says how many changes are
 * pending and Save sends the whole group at once. A refusal shows next to the field it names.
 */
import { useState, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { FollowerInput, GroupInput, GroupSettingsInput } from '../../src-engine/api/config';
import type { AccountView, GroupView, SaveImpactView, SnapshotView } from '../../src-engine/api/views';
import { errorsAt, errorsUnder, fieldErrors, unclaimed, uniqueMessages, type FieldErrors as Errors } from '../api/errors';
import { useCommand, useServices, useSnapshot } from '../app/hooks';
import { ConfirmButton, Empty, Field, FieldErrors, GroupStatusBadge, Money, PendingBar, Switch } from '../components/ui';
import { accountName, BROKER_LABEL } from '../lib/accounts';
import { ratioProblem } from '../lib/decimal';
import { namesIn } from '../lib/words';
import { ALL_ROOTS } from '../lib/families';
import { omitKey } from '../lib/objects';
import { withoutRootRatio, withRootRatio } from '../lib/rootRatio';
import { go, href } from '../lib/route';
import { ImpactDialog } from '../components/ImpactDialog';
import { NEW_GROUP, pendingChanges, type SaveAnswers } from '../stores/drafts';
import { EMPTY_GROUP, validateGroup } from '../stores/groupEdit';

export function Groups({ selected }: { selected: string | undefined }): ReactNode {
  const snap = useSnapshot();
  const { drafts } = useServices();
  const allDrafts = useStore(drafts.store, (s) => s.drafts);
  const { run } = useCommand();
  const [deleting, setDeleting] = useState<{ group: GroupView; impact: SaveImpactView } | undefined>(undefined);
  if (!snap) return <Empty>Reading the engine state…</Empty>;
  const editing = selected === 'new' ? NEW_GROUP : selected;
  const group = editing && editing !== NEW_GROUP ? snap.groups.find((g) => g.id === editing) : undefined;

  const remove = (g: GroupView, removed: SaveAnswers['removed']): Promise<void> =>
    run('groups.delete', { id: g.id, ...(removed ? { removed } : {}) }, { done: `Group "${g.name}" deleted`, failTitle: `Group "${g.name}" was not deleted` }).then((r) => {
      if (r.ok) {
        drafts.discard(g.id);
        if (editing === g.id) go('groups');
      }
    });
  // A group whose followers hold positions or working orders asks what becomes of them first.
  const askDelete = async (g: GroupView): Promise<void> => {
    const r = await run('groups.impact', { id: g.id }, { failTitle: `Group "${g.name}" was not deleted` });
    if (!r.ok) return;
    if (r.result.removed.length === 0) await remove(g, undefined);
    else setDeleting({ group: g, impact: r.result });
  };

  return (
    <div className="screen groups">
      <div className="screen-head">
        <h1>Groups</h1>
        <div className="actions">
          <button type="button" onClick={() => void run('controls.pauseAll', {}, { done: 'Every group paused' })}>
            Pause all
          </button>
          <button type="button" onClick={() => void run('controls.resumeAll', {}, { done: 'Every group resumed' })}>
            Resume all
          </button>
          <button type="button" className="primary" onClick={() => go('groups', 'new')}>
            New group
          </button>
        </div>
      </div>

      <section className="panel" aria-label="Groups list">
        {snap.groups.length === 0 ? (
          <Empty>No groups yet. A group has one leader and the followers that copy it.</Empty>
        ) : (
          <table className="grid">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col">Leader</th>
                <th scope="col" className="num">
                  Followers
                </th>
                <th scope="col" className="num">
                  PnL today
                </th>
                <th scope="col" className="actions-col">
                  Actions
                </th>
              </tr>
            </thead>
            <tbody>
              {snap.groups.map((g) => (
                <tr key={g.id} className={g.id === editing ? 'selected' : undefined}>
                  <td>
                    <a href={href('dashboard', g.id)} className="strong">
                      {g.name}
                    </a>
                    {allDrafts[g.id] ? <span className="badge info small-badge">draft</span> : null}
                  </td>
                  <td>
                    <GroupStatusBadge status={g.status} />
                  </td>
                  <td>{accountName(snap, g.input.leader)}</td>
                  <td className="num">{g.input.followers?.length ?? 0}</td>
                  <td className="num">
                    <Money value={g.todayPnl} signed />
                  </td>
                  <td className="actions-col">
                    <span className="row-actions">
                      <a className="button small" href={href('dashboard', g.id)}>
                        Dashboard
                      </a>
                      <a className="button small" href={href('groups', g.id)} aria-label={`Edit ${g.name}`}>
                        Edit
                      </a>
                      <ConfirmButton
                        className="small danger-text"
                        label="Delete"
                        ariaLabel={`Delete ${g.name}`}
                        confirmLabel={`Delete "${g.name}"?`}
                        onConfirm={() => void askDelete(g)}
                      />
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      {deleting ? (
        <ImpactDialog
          title={`Delete "${deleting.group.name}"?`}
          impact={deleting.impact}
          snap={snap}
          saveLabel="Delete group"
          onCancel={() => setDeleting(undefined)}
          onAnswer={(a) => {
            setDeleting(undefined);
            void remove(deleting.group, a.removed);
          }}
        />
      ) : null}
      {editing === NEW_GROUP ? <GroupEditor key={NEW_GROUP} snap={snap} draftKey={NEW_GROUP} base={EMPTY_GROUP} saved={undefined} /> : null}
      {group ? <GroupEditor key={group.id} snap={snap} draftKey={group.id} base={group.input} saved={group} /> : null}
      {editing && editing !== NEW_GROUP && !group ? <Empty>This group no longer exists.</Empty> : null}
    </div>
  );
}

const SETTING_LABELS = {
  mode: 'Sizing mode',
  ratio: 'Ratio',
  rounding: 'Rounding',
  sizing: 'Contract sizing',
  partialExit: 'Partial exits',
  orderCopy: 'Order copy',
  reconnectPolicy: 'Reconnect policy',
} as const;

function GroupEditor({ snap, draftKey, base, saved }: { snap: SnapshotView; draftKey: string; base: GroupInput; saved: GroupView | undefined }): ReactNode {
  const { drafts } = useServices();
  const draft = useStore(drafts.store, (s) => s.drafts[draftKey]);
  const changes = pendingChanges(draft, base);
  const g: GroupInput = draft?.group ?? base;
  const otherNames = snap.groups.filter((x) => x.id !== saved?.id).map((x) => x.name);
  // Checked as the trader types, once there is something to check; the engine's answer to a Save
  // (kept until the next edit) wins for the fields it names.
  const errors: Errors = { ...(changes.length > 0 ? fieldErrors(validateGroup(g, { otherNames })) : {}), ...(draft?.errors ?? {}) };
  const s: GroupSettingsInput = g.settings ?? {};
  const edit = (fn: (g: GroupInput) => GroupInput): void => drafts.edit(draftKey, base, fn);
  const setSetting = <K extends keyof GroupSettingsInput>(k: K, v: GroupSettingsInput[K] | undefined): void =>
    edit((x) => {
      const next: GroupSettingsInput = v === undefined ? omitKey({ ...x.settings }, k) : { ...x.settings, [k]: v };
      return { ...x, settings: next };
    });
  const followers = g.followers ?? [];
  const inDraft = new Set(followers.map((f) => f.account));
  const formErrors = unclaimed(errors, (k) => k === 'name' || k === 'leader' || /^followers\[\d+\]/.test(k) || (k.startsWith('settings.') && k !== 'settings.'));

  const save = async (): Promise<void> => {
    const id = await drafts.save(draftKey, saved?.input, otherNames);
    if (id !== undefined && draftKey === NEW_GROUP) go('groups', id);
  };

  return (
    <section className="panel editor" aria-labelledby="editor-title">
      <div className="panel-head">
        <h2 id="editor-title">{saved ? `Edit group: ${saved.name}` : 'New group'}</h2>
        {saved ? <GroupStatusBadge status={saved.status} /> : null}
        <span className="spacer" />
        <a className="button ghost small" href={href('groups')}>
          Close
        </a>
      </div>
      <PendingBar count={changes.length} details={changes.map((c) => c.text)} saving={draft?.saving ?? false} formError={draft?.formError} onDiscard={() => drafts.discard(draftKey)} onSave={() => void save()} />
      <FieldErrors errors={formErrors} />

      <div className="form-grid">
        <Field label="Group name" errors={errorsAt(errors, 'name')} hint="1–64 characters, unique">
          {({ id, describedBy, invalid }) => <input id={id} type="text" maxLength={80} value={g.name} aria-describedby={describedBy} aria-invalid={invalid || undefined} onChange={(e) => edit((x) => ({ ...x, name: e.target.value }))} />}
        </Field>
        <Field label="Leader" errors={errorsAt(errors, 'leader')}>
          {({ id, describedBy, invalid }) => (
            <select id={id} value={g.leader ?? ''} aria-describedby={describedBy} aria-invalid={invalid || undefined} onChange={(e) => edit((x) => ({ ...x, leader: e.target.value || null }))}>
              <option value="">No leader (not configured)</option>
              {snap.accounts.map((a) => (
                <option key={a.id} value={a.id}>
                  {accountOption(a, saved?.id)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>

      <h3>Followers</h3>
      {followers.length === 0 ? <div className="muted pad">No followers yet: a group without followers stays paused.</div> : null}
      {followers.length > 0 ? (
        <table className="grid editor-followers">
          <thead>
            <tr>
              <th scope="col">Account</th>
              <th scope="col">Mode</th>
              <th scope="col" className="num">
                Ratio
              </th>
              <th scope="col">Enabled</th>
              <th scope="col">Reconnect policy</th>
              <th scope="col" className="num">
                Max catch-up (ms)
              </th>
              <th scope="col" className="actions-col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {followers.map((f, i) => (
              <FollowerEditRow
                key={`${f.account}-${i}`}
                snap={snap}
                f={f}
                index={i}
                groupId={saved?.id}
                groupRatio={s.ratio ?? '1'}
                errors={errorsUnder(errors, `followers[${i}]`)}
                onChange={(nf) => edit((x) => ({ ...x, followers: (x.followers ?? []).map((y, j) => (j === i ? nf : y)) }))}
                onRemove={() => edit((x) => ({ ...x, followers: (x.followers ?? []).filter((_, j) => j !== i) }))}
              />
            ))}
          </tbody>
        </table>
      ) : null}
      <div className="add-row">
        <label className="inline-label">
          Add follower
          <select
            aria-label="Add follower"
            value=""
            onChange={(e) => {
              const account = e.target.value;
              if (account) edit((x) => ({ ...x, followers: [...(x.followers ?? []), { account }] }));
            }}
          >
            <option value="">Choose an account…</option>
            {snap.accounts
              .filter((a) => !inDraft.has(a.id) && a.id !== g.leader)
              .map((a) => (
                <option key={a.id} value={a.id}>
                  {accountOption(a, saved?.id)}
                </option>
              ))}
          </select>
        </label>
      </div>

      <h3>Group settings</h3>
      <p className="muted small">Mode, ratio and reconnect policy are the defaults for followers that do not set their own.</p>
      <div className="form-grid settings-grid">
        <Field label={SETTING_LABELS.mode} errors={errorsAt(errors, 'settings.mode')}>
          {({ id }) => (
            <select id={id} value={s.mode ?? 'multiplier'} onChange={(e) => setSetting('mode', e.target.value as NonNullable<GroupSettingsInput['mode']>)}>
              <option value="multiplier">Multiplier (ratio × leader)</option>
              <option value="fixed">Fixed (ratio contracts per entry)</option>
              <option value="balance">Balance (ratio × balance share)</option>
            </select>
          )}
        </Field>
        <Field label={SETTING_LABELS.ratio} errors={[...errorsAt(errors, 'settings.ratio'), ...(ratioProblem(s.ratio) && !errors['settings.ratio'] ? [ratioProblem(s.ratio) ?? ''] : [])]} hint="0.1 to 1000">
          {({ id, describedBy, invalid }) => (
            <input id={id} type="text" inputMode="decimal" className="num" value={String(s.ratio ?? '1')} aria-describedby={describedBy} aria-invalid={invalid || undefined} onChange={(e) => setSetting('ratio', e.target.value)} />
          )}
        </Field>
        <Field label={SETTING_LABELS.rounding} errors={errorsAt(errors, 'settings.rounding')}>
          {({ id }) => (
            <select id={id} value={s.rounding ?? 'entryDownExitUp'} onChange={(e) => setSetting('rounding', e.target.value as NonNullable<GroupSettingsInput['rounding']>)}>
              <option value="entryDownExitUp">Entries down, exits up</option>
              <option value="nearest">Nearest</option>
              <option value="alwaysDown">Always down</option>
            </select>
          )}
        </Field>
        <Field label={SETTING_LABELS.sizing} errors={errorsAt(errors, 'settings.sizing')}>
          {({ id }) => (
            <select id={id} value={s.sizing ?? 'contracts'} onChange={(e) => setSetting('sizing', e.target.value as NonNullable<GroupSettingsInput['sizing']>)}>
              <option value="contracts">Contracts (count as is)</option>
              <option value="notional">Notional (same $ per point)</option>
            </select>
          )}
        </Field>
        <Field label={SETTING_LABELS.partialExit} errors={errorsAt(errors, 'settings.partialExit')}>
          {({ id }) => (
            <select id={id} value={s.partialExit ?? 'proportional'} onChange={(e) => setSetting('partialExit', e.target.value as NonNullable<GroupSettingsInput['partialExit']>)}>
              <option value="proportional">Proportional</option>
              <option value="exitWithLeader">Exit when the leader is flat</option>
            </select>
          )}
        </Field>
        <Field label={SETTING_LABELS.orderCopy} errors={errorsAt(errors, 'settings.orderCopy')}>
          {({ id }) => (
            <select id={id} value={s.orderCopy ?? 'mirror'} onChange={(e) => setSetting('orderCopy', e.target.value as NonNullable<GroupSettingsInput['orderCopy']>)}>
              <option value="mirror">Mirror working orders and brackets</option>
              <option value="fillsOnly">Fills only (market orders)</option>
            </select>
          )}
        </Field>
        <Field label="Mirror grace (ms)" errors={errorsAt(errors, 'settings.mirrorGraceMs')} hint="0–60000">
          {({ id, describedBy }) => <IntInput id={id} describedBy={describedBy} value={s.mirrorGraceMs} placeholder="1500" onChange={(v) => setSetting('mirrorGraceMs', v)} />}
        </Field>
        <Field label={SETTING_LABELS.reconnectPolicy} errors={errorsAt(errors, 'settings.reconnectPolicy')}>
          {({ id }) => (
            <select id={id} value={s.reconnectPolicy ?? 'catchUp'} onChange={(e) => setSetting('reconnectPolicy', e.target.value as NonNullable<GroupSettingsInput['reconnectPolicy']>)}>
              <option value="catchUp">Catch up recent entries</option>
              <option value="skipEntries">Skip missed entries</option>
              <option value="flatten">Flatten and wait</option>
            </select>
          )}
        </Field>
        <Field label="Max catch-up (ms)" errors={errorsAt(errors, 'settings.maxCatchUpMs')} hint="0–600000">
          {({ id, describedBy }) => <IntInput id={id} describedBy={describedBy} value={s.maxCatchUpMs} placeholder="3000" onChange={(v) => setSetting('maxCatchUpMs', v)} />}
        </Field>
        <div className="field switch-field">
          <span className="label-text">Quarantine on rejection</span>
          <Switch on={s.quarantine ?? true} label="Quarantine on rejection" onChange={(v) => setSetting('quarantine', v)} />
        </div>
        <div className="field switch-field">
          <span className="label-text">Auto mini → micro</span>
          <Switch on={s.autoMiniMicro ?? true} label="Auto mini to micro fallback" onChange={(v) => setSetting('autoMiniMicro', v)} />
        </div>
      </div>
      <div className="root-lists">
      <RootList
        title="Whitelist"
        hint="Only these roots are copied; empty means all."
        roots={s.whitelist ?? []}
        errors={errorsUnder(errors, 'settings.whitelist')}
        onChange={(list) => setSetting('whitelist', list.length ? list : undefined)}
      />
      <Mappings mappings={s.mappings ?? {}} errors={errorsUnder(errors, 'settings.mappings')} onChange={(m) => setSetting('mappings', Object.keys(m).length ? m : undefined)} />
      </div>
    </section>
  );
}

function accountOption(a: AccountView, thisGroup: string | undefined): string {
  const role = a.role && a.role.groupId !== thisGroup ? ` — ${a.role.role === 'leader' ? 'leader of' : 'follower in'} ${a.role.groupName}` : '';
  return `${a.name} (${BROKER_LABEL[a.broker]})${role}`;
}

function IntInput({ id, describedBy, value, placeholder, onChange, label }: { id?: string; describedBy?: string | undefined; value: number | undefined; placeholder?: string; label?: string; onChange: (v: number | undefined) => void }): ReactNode {
  return (
    <input
      id={id}
      type="number"
      step={1}
      min={0}
      className="num"
      aria-label={label}
      aria-describedby={describedBy}
      placeholder={placeholder}
      value={value ?? ''}
      onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
    />
  );
}

function FollowerEditRow({
  snap,
  f,
  index,
  groupId,
  groupRatio,
  errors,
  onChange,
  onRemove,
}: {
  snap: SnapshotView;
  f: FollowerInput;
  index: number;
  groupId: string | undefined;
  groupRatio: string | number;
  errors: readonly string[];
  onChange: (f: FollowerInput) => void;
  onRemove: () => void;
}): ReactNode {
  const name = accountName(snap, f.account);
  const acc = snap.accounts.find((a) => a.id === f.account);
  const ratioErr = ratioProblem(f.ratio);
  const set = <K extends keyof FollowerInput>(k: K, v: FollowerInput[K] | undefined): void => {
    onChange(v === undefined ? omitKey(f, k) : { ...f, [k]: v });
  };
  return (
    <>
      <tr className={errors.length ? 'has-error' : undefined} aria-label={`Follower ${index + 1}: ${name}`}>
        <td>
          <div className="account-name">{name}</div>
          <div className="muted small">
            {acc ? BROKER_LABEL[acc.broker] : 'unknown account'}
            {acc?.role && acc.role.groupId !== groupId ? ` · ${acc.role.role} in ${acc.role.groupName}` : ''}
          </div>
        </td>
        <td>
          <select aria-label={`Mode for ${name}`} value={f.mode ?? ''} onChange={(e) => set('mode', (e.target.value || undefined) as FollowerInput['mode'])}>
            <option value="">Group default</option>
            <option value="multiplier">Multiplier</option>
            <option value="fixed">Fixed</option>
            <option value="balance">Balance</option>
          </select>
        </td>
        <td className="num">
          <input
            type="text"
            inputMode="decimal"
            className={`num ratio-input${ratioErr ? ' invalid' : ''}`}
            aria-label={`Ratio for ${name}`}
            placeholder="group"
            value={f.ratio === undefined ? '' : String(f.ratio)}
            onChange={(e) => set('ratio', e.target.value === '' ? undefined : e.target.value)}
          />
          <RootRatios name={name} f={f} fallback={f.ratio ?? groupRatio} onChange={onChange} />
        </td>
        <td>
          <Switch on={f.enabled !== false} label={`Enabled: ${name}`} onChange={(v) => set('enabled', v ? undefined : false)} />
        </td>
        <td>
          <select aria-label={`Reconnect policy for ${name}`} value={f.reconnectPolicy ?? ''} onChange={(e) => set('reconnectPolicy', (e.target.value || undefined) as FollowerInput['reconnectPolicy'])}>
            <option value="">Group default</option>
            <option value="catchUp">Catch up</option>
            <option value="skipEntries">Skip entries</option>
            <option value="flatten">Flatten</option>
          </select>
        </td>
        <td className="num">
          <IntInput label={`Max catch-up for ${name}`} value={f.maxCatchUpMs} placeholder="group" onChange={(v) => set('maxCatchUpMs', v)} />
        </td>
        <td className="actions-col">
          <button type="button" className="small danger-text" aria-label={`Remove follower ${name}`} onClick={onRemove}>
            Remove
          </button>
        </td>
      </tr>
      {errors.length || ratioErr ? (
        <tr className="error-row">
          <td colSpan={7}>
            {/* Once, beside the row: the check as the trader types replaces an engine answer about the same field. */}
            <FieldErrors errors={uniqueMessages([...(ratioErr ? [`Ratio: ${ratioErr}`] : []), ...errors.filter((e) => !(ratioErr && /^ratio\b/i.test(e))).map((e) => namesIn(e, snap))])} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

/**
 * The follower's ratios per leader root (copy-semantics §3), each winning over its ratio above for
 * that root: the same figures the Dashboard's rows edit, listed here with the rest of the follower.
 */
function RootRatios({ name, f, fallback, onChange }: { name: string; f: FollowerInput; fallback: string | number; onChange: (f: FollowerInput) => void }): ReactNode {
  const entries = Object.entries(f.ratios ?? {});
  return (
    <div className="root-ratios" aria-label={`Ratios per symbol for ${name}`} role="group">
      {entries.map(([root, r]) => (
        <span className="root-ratio" key={root}>
          <span className="root">{root}</span>
          <input
            type="text"
            inputMode="decimal"
            className={`num ratio-input${ratioProblem(r) ? ' invalid' : ''}`}
            aria-label={`${root} ratio of ${name}`}
            value={String(r)}
            onChange={(e) => onChange(withRootRatio(f, root, e.target.value))}
          />
          <button type="button" className="chip-x" aria-label={`Remove the ${root} ratio of ${name}`} title={`${root} goes back to the follower's ratio`} onClick={() => onChange(withoutRootRatio(f, root))}>
            ×
          </button>
        </span>
      ))}
      <select aria-label={`Set a ratio per symbol for ${name}`} value="" onChange={(e) => e.target.value && onChange(withRootRatio(f, e.target.value, String(fallback)))}>
        <option value="">{entries.length ? 'Another symbol…' : 'Per symbol…'}</option>
        {ALL_ROOTS.filter((r) => f.ratios?.[r] === undefined).map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
    </div>
  );
}

function RootList({ title, hint, roots, errors, onChange }: { title: string; hint: string; roots: readonly string[]; errors: readonly string[]; onChange: (r: string[]) => void }): ReactNode {
  return (
    <div className="root-list">
      <div className="label-text">{title}</div>
      <div className="chips">
        {roots.length === 0 ? <span className="muted">All roots</span> : null}
        {roots.map((r) => (
          <span className="chip" key={r}>
            {r}
            <button type="button" className="chip-x" aria-label={`Remove ${r} from ${title.toLowerCase()}`} onClick={() => onChange(roots.filter((x) => x !== r))}>
              ×
            </button>
          </span>
        ))}
        <select aria-label={`Add a root to ${title.toLowerCase()}`} value="" onChange={(e) => e.target.value && onChange([...roots, e.target.value])}>
          <option value="">Add root…</option>
          {ALL_ROOTS.filter((r) => !roots.includes(r)).map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </div>
      <div className="hint">{hint}</div>
      <FieldErrors errors={errors} />
    </div>
  );
}

function Mappings({ mappings, errors, onChange }: { mappings: Readonly<Record<string, string>>; errors: readonly string[]; onChange: (m: Record<string, string>) => void }): ReactNode {
  const entries = Object.entries(mappings);
  return (
    <div className="root-list">
      <div className="label-text">Contract mapping</div>
      <div className="chips">
        {entries.length === 0 ? <span className="muted">None</span> : null}
        {entries.map(([from, to]) => (
          <span className="chip" key={from}>
            {from} → {to}
            <button
              type="button"
              className="chip-x"
              aria-label={`Remove mapping ${from}`}
              onClick={() => {
                onChange(omitKey({ ...mappings }, from));
              }}
            >
              ×
            </button>
          </span>
        ))}
        <MappingAdder existing={Object.keys(mappings)} onAdd={(from, to) => onChange({ ...mappings, [from]: to })} />
      </div>
      <div className="hint">Leader root → follower root, any pair (e.g. CL → QM). A follower&apos;s cross symbol takes precedence.</div>
      <FieldErrors errors={errors} />
    </div>
  );
}

function MappingAdder({ existing, onAdd }: { existing: readonly string[]; onAdd: (from: string, to: string) => void }): ReactNode {
  return (
    <form
      className="mapping-adder"
      onSubmit={(e) => {
        e.preventDefault();
        const fd = new FormData(e.currentTarget);
        const fromV = fd.get('from');
        const toV = fd.get('to');
        const from = typeof fromV === 'string' ? fromV : '';
        const to = typeof toV === 'string' ? toV : '';
        if (from && to && from !== to) {
          onAdd(from, to);
          e.currentTarget.reset();
        }
      }}
    >
      <select name="from" aria-label="Map from leader root" defaultValue="">
        <option value="">From…</option>
        {ALL_ROOTS.filter((r) => !existing.includes(r)).map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
      <span aria-hidden="true">→</span>
      <select name="to" aria-label="Map to follower root" defaultValue="">
        <option value="">To…</option>
        {ALL_ROOTS.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
      <button type="submit" className="small">
        Add mapping
      </button>
    </form>
  );
}

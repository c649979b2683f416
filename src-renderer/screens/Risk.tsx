/**
 * Risk: every account's rules and live gauges; a rules editor with prop-firm presets; the locks,
 * and a lock's review (rule, threshold, values at the moment, PnL path, the fills that led there)
 * with Unlock, which needs the account's name typed exactly and shows the engine's refusal.
 */
import { useEffect, useState, type SyntheticEvent, type ReactNode } from 'react';
import type { AccountView, LockEvidenceView, LockView, PresetView, RiskAccountView, SnapshotView } from '../../src-engine/api/views';
import { fieldErrors, normalizeField, toApiError, unclaimed, uniqueMessages, type FieldErrors as Errors } from '../api/errors';
import { useCommand, useServices, useSnapshot } from '../app/hooks';
import { Badge, ConfirmButton, Empty, Field, FieldErrors, Gauge, Money } from '../components/ui';
import { PnlChart } from '../components/PnlChart';
import { accountName, BROKER_LABEL } from '../lib/accounts';
import { clockMs, dateTime, money, price, ruleLabel } from '../lib/format';
import { href } from '../lib/route';
import { FIELD_OF, formFromRules, rulesFromForm, type RiskForm } from '../lib/riskForm';
import { contractLabel } from './Dashboard';
import { inWords } from '../lib/words';
import { driftText, feesText, snapshotDriftText } from '../lib/riskSources';

export function Risk({ parts }: { parts: readonly string[] }): ReactNode {
  const snap = useSnapshot();
  if (!snap) return <Empty>Reading the engine state…</Empty>;
  const [first, second] = parts;
  const lockId = first === 'lock' ? second : undefined;
  const accountId = first !== 'lock' ? first : undefined;
  const account = accountId ? snap.accounts.find((a) => a.id === accountId) : undefined;
  return (
    <div className="screen risk">
      <div className="screen-head">
        <h1>Risk</h1>
        <span className="muted small">Limits are checked on every fill and quote; a breach cancels orders, flattens and locks the account.</span>
      </div>
      <AccountsTable snap={snap} selected={accountId} />
      {/* Keyed by the saved rules too: after a save or a preset the form shows what the engine holds. */}
      {account ? <RulesEditor key={`${account.id}|${JSON.stringify(account.risk)}`} snap={snap} account={account} /> : null}
      {lockId ? <LockReview key={lockId} snap={snap} lockId={lockId} /> : null}
      <LocksTable snap={snap} selected={lockId} />
    </div>
  );
}

function AccountsTable({ snap, selected }: { snap: SnapshotView; selected: string | undefined }): ReactNode {
  return (
    <section className="panel" aria-labelledby="risk-accounts-title">
      <div className="panel-head">
        <h2 id="risk-accounts-title">Accounts</h2>
      </div>
      <div className="table-wrap">
        <table className="grid risk-accounts">
          <thead>
            <tr>
              <th scope="col">Account</th>
              <th scope="col">Role</th>
              <th scope="col" className="num">
                Day PnL
              </th>
              <th scope="col" className="num">
                Net liq
              </th>
              <th scope="col" className="gauges-col">
                Limits
              </th>
              <th scope="col">Status</th>
              <th scope="col" className="actions-col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {snap.accounts.map((a) => {
              const r = snap.risk.find((x) => x.accountId === a.id);
              return (
                <tr key={a.id} className={`${a.id === selected ? 'selected' : ''}${a.locked ? ' locked' : ''}`} aria-label={`Risk ${a.name}`}>
                  <td>
                    <div className="account-name">{a.name}</div>
                    <div className="muted small">{BROKER_LABEL[a.broker]}</div>
                  </td>
                  <td>{a.role ? `${a.role.role} · ${a.role.groupName}` : <span className="muted">—</span>}</td>
                  <td className="num">
                    <Money value={r?.dayPnl} signed />
                    {r ? <div className="muted small fee-source">{feesText(r.fees)}</div> : null}
                  </td>
                  <td className="num">
                    <Money value={r?.netLiq} />
                    {r?.balanceDrift ? <div className="small drift">{driftText(r.balanceDrift)}</div> : null}
                    {r?.snapshotDrift && !r.balanceDrift ? <div className="muted small drift-past">{snapshotDriftText(r.snapshotDrift, dateTime(r.snapshotDrift.at))}</div> : null}
                  </td>
                  <td className="gauges-col">
                    <Gauges r={r} />
                  </td>
                  <td>
                    <AccountRiskStatus a={a} r={r} snap={snap} />
                  </td>
                  <td className="actions-col">
                    <a className="button small" href={href('risk', a.id)} aria-label={`Edit rules for ${a.name}`}>
                      Rules
                    </a>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function Gauges({ r }: { r: RiskAccountView | undefined }): ReactNode {
  if (!r || r.gauges.length === 0) return <span className="muted small">No rules</span>;
  return (
    <div className="gauges">
      {r.gauges.map((g) => {
        const isMoney = g.label !== 'Contracts';
        const fmt = (n: number): string => (isMoney ? money(n, { whole: Math.abs(n) >= 10_000 }) : String(n));
        return <Gauge key={g.label} label={g.label} use={g.use} valueText={fmt(g.value)} limitText={fmt(g.limit)} />;
      })}
    </div>
  );
}

function AccountRiskStatus({ a, r, snap }: { a: AccountView; r: RiskAccountView | undefined; snap: SnapshotView }): ReactNode {
  const open = snap.locks.find((l) => l.accountId === a.id && l.endedAt === undefined);
  return (
    <div className="badges">
      {a.locked ? (
        open ? (
          <a href={href('risk', 'lock', open.id)} className="badge-link" aria-label={`Review lock of ${a.name}`}>
            <Badge tone={a.locked === 'breach' ? 'bad' : 'warn'}>Locked · {ruleLabel(a.lockRule ?? a.locked)}</Badge>
          </a>
        ) : (
          <Badge tone={a.locked === 'breach' ? 'bad' : 'warn'}>Locked · {ruleLabel(a.lockRule ?? a.locked)}</Badge>
        )
      ) : r?.riskUnknown ? (
        <Badge tone="warn" title={r.riskUnknown}>
          Risk unknown
        </Badge>
      ) : (
        <Badge tone="ok">OK</Badge>
      )}
      {r?.balanceDrift ? (
        <Badge tone="warn" title={driftText(r.balanceDrift)}>
          Balance differs
        </Badge>
      ) : null}
      {r?.riskUnknown && a.locked ? (
        <Badge tone="warn" title={r.riskUnknown}>
          Risk unknown
        </Badge>
      ) : null}
    </div>
  );
}

function RulesEditor({ snap, account }: { snap: SnapshotView; account: AccountView }): ReactNode {
  const { client } = useServices();
  const { run, busy } = useCommand();
  const [form, setForm] = useState<RiskForm>(() => formFromRules(account.risk));
  const [errors, setErrors] = useState<Errors>({});
  const [presets, setPresets] = useState<readonly PresetView[] | undefined>();
  const [preset, setPreset] = useState('');

  useEffect(() => {
    let live = true;
    client.invoke('risk.presets', {}).then(
      (p) => {
        if (live) setPresets(p);
      },
      () => {
        if (live) setPresets([]);
      },
    );
    return () => {
      live = false;
    };
  }, [client]);

  const field = (k: keyof RiskForm): readonly string[] => Object.entries(errors).flatMap(([path, msgs]) => (FIELD_OF[path] === k ? msgs : []));
  // Checked as the trader types: the form's own rules replace an older engine answer.
  const set = (k: keyof RiskForm, v: string): void => {
    const next = { ...form, [k]: v };
    setForm(next);
    setErrors(fieldErrors(rulesFromForm(next).issues));
  };

  const submit = async (e: SyntheticEvent): Promise<void> => {
    e.preventDefault();
    const { rules, issues } = rulesFromForm(form);
    if (issues.length) {
      setErrors(fieldErrors(issues));
      return;
    }
    const r = await run('risk.setRules', { account: account.id, rules }, { done: `Rules saved for ${account.name}`, failTitle: false });
    if (r.ok) setErrors({});
    else setErrors(fieldErrors(r.error.issues.length ? r.error.issues.map((i) => ({ ...i, field: normalizeField(i.field, 'rules') })) : [{ field: '', message: r.error.message }]));
  };
  const chosen = presets?.find((p) => p.id === preset);
  const r = snap.risk.find((x) => x.accountId === account.id);

  return (
    <section className="panel rules-editor" aria-labelledby="rules-title">
      <div className="panel-head">
        <h2 id="rules-title">
          Rules for <span className="account-name">{account.name}</span>
        </h2>
        <span className="muted small">
          {accountName(snap, account.id) !== account.id ? account.id : ''} · balance <Money value={account.balance} />
        </span>
        <span className="spacer" />
        <a className="button ghost small" href={href('risk')}>
          Close
        </a>
      </div>
      <div className="rules-layout">
        <form onSubmit={(e) => void submit(e)} noValidate aria-label={`Risk rules for ${account.name}`}>
          <div className="form-grid rules-grid">
            <Field label="Daily loss limit ($)" errors={field('dailyLoss')} hint="Day PnL (realized + open) at or below −limit: breach">
              {({ id, describedBy }) => <input id={id} className="num" inputMode="decimal" value={form.dailyLoss} aria-describedby={describedBy} onChange={(e) => set('dailyLoss', e.target.value)} />}
            </Field>
            <Field label="Max contracts" errors={field('maxContracts')} hint="Copies are cut to the cap">
              {({ id, describedBy }) => <input id={id} className="num" inputMode="numeric" value={form.maxContracts} aria-describedby={describedBy} onChange={(e) => set('maxContracts', e.target.value)} />}
            </Field>
            <Field label="Trailing drawdown ($)" errors={field('trailingAmount')}>
              {({ id, describedBy }) => <input id={id} className="num" inputMode="decimal" value={form.trailingAmount} aria-describedby={describedBy} onChange={(e) => set('trailingAmount', e.target.value)} />}
            </Field>
            <Field label="Trailing mode" errors={field('trailingMode')}>
              {({ id }) => (
                <select id={id} value={form.trailingMode} onChange={(e) => set('trailingMode', e.target.value)}>
                  <option value="">Default (intraday)</option>
                  <option value="intraday">Intraday</option>
                  <option value="endOfDay">End of day</option>
                </select>
              )}
            </Field>
            <Field label="Trailing stops at balance ($)" errors={field('trailingStopAt')}>
              {({ id, describedBy }) => <input id={id} className="num" inputMode="decimal" value={form.trailingStopAt} aria-describedby={describedBy} onChange={(e) => set('trailingStopAt', e.target.value)} />}
            </Field>
            <Field label="Daily profit target ($)" errors={field('dailyProfitTarget')} hint="Soft: no new entries once reached">
              {({ id, describedBy }) => <input id={id} className="num" inputMode="decimal" value={form.dailyProfitTarget} aria-describedby={describedBy} onChange={(e) => set('dailyProfitTarget', e.target.value)} />}
            </Field>
            <Field label="Consistency: profit target ($)" errors={field('consistencyTarget')}>
              {({ id, describedBy }) => <input id={id} className="num" inputMode="decimal" value={form.consistencyTarget} aria-describedby={describedBy} onChange={(e) => set('consistencyTarget', e.target.value)} />}
            </Field>
            <Field label="Consistency: max day share" errors={field('consistencyShare')} hint="0–1, e.g. 0.5">
              {({ id, describedBy }) => <input id={id} className="num" inputMode="decimal" value={form.consistencyShare} aria-describedby={describedBy} onChange={(e) => set('consistencyShare', e.target.value)} />}
            </Field>
            <Field label="Consistency: the firm's formula" errors={field('consistencyBasis')}>
              {({ id }) => (
                <select id={id} value={form.consistencyBasis} onChange={(e) => set('consistencyBasis', e.target.value)}>
                  <option value="">Default (a day under the share of the target)</option>
                  <option value="profitTarget">A day under the share of the target</option>
                  <option value="totalProfit">Best day ÷ total net profit</option>
                  <option value="winningDays">Best day ÷ winning days only</option>
                </select>
              )}
            </Field>
            <Field label="Session flatten at (CT)" errors={field('flattenAt')} hint="HH:MM, exchange time">
              {({ id, describedBy }) => <input id={id} className="num" placeholder="15:55" value={form.flattenAt} aria-describedby={describedBy} onChange={(e) => set('flattenAt', e.target.value)} />}
            </Field>
            <Field label="Fees per contract per side ($)" errors={field('fees')} hint="Used when the broker reports no fee, e.g. ES 2.25, MNQ 0.52">
              {({ id, describedBy }) => <input id={id} placeholder="ES 2.25, MNQ 0.52" value={form.fees} aria-describedby={describedBy} onChange={(e) => set('fees', e.target.value)} />}
            </Field>
          </div>
          <FieldErrors errors={unclaimed(errors, (k) => FIELD_OF[k] !== undefined)} />
          <div className="form-actions">
            <button type="submit" className="primary" disabled={busy}>
              Save rules
            </button>
            <button
              type="button"
              className="ghost"
              onClick={() => {
                setForm(formFromRules(account.risk));
                setErrors({});
              }}
            >
              Revert
            </button>
          </div>
        </form>
        <div className="rules-side">
          <h3>Live</h3>
          <Gauges r={r} />
          <h3>Preset</h3>
          <div className="preset-row">
            <label className="sr-only" htmlFor="preset-select">
              Prop-firm preset
            </label>
            <select id="preset-select" value={preset} onChange={(e) => setPreset(e.target.value)} disabled={!presets}>
              <option value="">{presets ? 'Choose a preset…' : 'Loading presets…'}</option>
              {presets?.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.firm} — {p.name}
                </option>
              ))}
            </select>
            <ConfirmButton
              className="small"
              label="Apply preset"
              confirmLabel="Replace rules?"
              disabled={!chosen}
              onConfirm={() => {
                if (chosen) void run('risk.applyPreset', { account: account.id, preset: chosen.id }, { done: `${chosen.firm} ${chosen.name} applied to ${account.name}` });
              }}
            />
          </div>
          {chosen ? (
            <div className="preset-note small">
              {chosen.stale ? (
                <p className="stale" role="note">
                  These figures date from {chosen.asOf ?? chosen.lastChecked}, over 90 days ago: the firm may have changed them. Check them before applying.
                </p>
              ) : null}
              <p>
                <span className="muted">
                  Start balance {money(chosen.startBalance, { whole: true })} · figures as of {chosen.asOf ?? chosen.lastChecked} · compiled {chosen.lastChecked}
                  {chosen.confidence ? ` · confidence ${chosen.confidence}` : ''}
                  {chosen.boughtFrom ? ` · accounts bought from ${chosen.boughtFrom}` : ''}
                  {chosen.boughtBefore ? ` · accounts bought before ${chosen.boughtBefore}` : ''}.
                </span>{' '}
                {chosen.note}
              </p>
              {chosen.sources && chosen.sources.length > 0 ? (
                <ul className="preset-sources" aria-label="Sources">
                  {chosen.sources.map((src) => (
                    <li key={src.url}>
                      {/* Shown as text to copy: the desktop app opens no outside page. */}
                      <span className="url">{src.url}</span>
                      {src.asOf ? ` (${src.asOf})` : ''}: {src.says}
                    </li>
                  ))}
                </ul>
              ) : null}
            </div>
          ) : null}
        </div>
      </div>
    </section>
  );
}

function LocksTable({ snap, selected }: { snap: SnapshotView; selected: string | undefined }): ReactNode {
  const locks = [...snap.locks].sort((a, b) => (a.endedAt === undefined ? 0 : 1) - (b.endedAt === undefined ? 0 : 1) || b.startedAt - a.startedAt);
  return (
    <section className="panel" aria-labelledby="locks-title">
      <div className="panel-head">
        <h2 id="locks-title">Locks</h2>
        <span className="muted small">{locks.filter((l) => l.endedAt === undefined).length} open</span>
      </div>
      {locks.length === 0 ? (
        <Empty>No locks today.</Empty>
      ) : (
        <table className="grid locks">
          <thead>
            <tr>
              <th scope="col">Account</th>
              <th scope="col">Rule</th>
              <th scope="col">Kind</th>
              <th scope="col">Since</th>
              <th scope="col" className="num">
                Threshold
              </th>
              <th scope="col" className="num">
                Value
              </th>
              <th scope="col">State</th>
              <th scope="col" className="actions-col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {locks.map((l) => (
              <tr key={l.id} className={l.id === selected ? 'selected' : undefined} aria-label={`Lock ${accountName(snap, l.accountId)} ${ruleLabel(l.rule)}`}>
                <td className="account-name">{accountName(snap, l.accountId)}</td>
                <td>{ruleLabel(l.rule)}</td>
                <td>
                  <Badge tone={l.kind === 'breach' ? 'bad' : 'warn'}>{l.kind}</Badge>
                </td>
                <td className="tab">{dateTime(l.startedAt)}</td>
                <td className="num">{lockNumber(l, l.threshold)}</td>
                <td className="num">{lockNumber(l, l.value)}</td>
                <td>{l.endedAt === undefined ? <Badge tone="bad">Open</Badge> : <span className="muted">ended: {l.endReason ?? '—'}</span>}</td>
                <td className="actions-col">
                  <a className="button small" href={href('risk', 'lock', l.id)} aria-label={`Review lock ${accountName(snap, l.accountId)} ${ruleLabel(l.rule)}`}>
                    Review
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

const VALUE_LABELS: Readonly<Record<string, string>> = {
  dayPnl: 'Day PnL',
  netLiq: 'Net liquidation',
  cash: 'Cash',
  unrealized: 'Unrealized',
  highWaterMark: 'High-water mark',
  dayStartNetLiq: 'Net liq at day start',
  trailingThreshold: 'Trailing threshold',
  openContracts: 'Open contracts',
  feesToday: 'Fees today (in the figures above)',
  brokerBalance: "Broker's balance",
  engineBalance: "Mirrorfill's balance",
};

function lockNumber(l: LockView, n: number): string {
  return l.rule === 'maxContracts' ? String(n) : money(n);
}

function LockReview({ snap, lockId }: { snap: SnapshotView; lockId: string }): ReactNode {
  const { client } = useServices();
  const summary = snap.locks.find((l) => l.id === lockId);
  const [lock, setLock] = useState<LockEvidenceView | undefined>();
  const [error, setError] = useState<string | undefined>();
  // Re-read the evidence when the lock's state changes (e.g. it ended).
  const version = summary ? `${summary.endedAt ?? ''}|${summary.acknowledgement ?? ''}` : '';
  useEffect(() => {
    let live = true;
    client.invoke('risk.lock', { lockId }).then(
      (l) => {
        if (live) {
          setLock(l);
          setError(undefined);
        }
      },
      (err: unknown) => {
        if (live) setError(inWords(toApiError(err).message));
      },
    );
    return () => {
      live = false;
    };
  }, [client, lockId, version]);

  const name = accountName(snap, summary?.accountId ?? lock?.accountId);
  return (
    <section className="panel lock-review" aria-labelledby="lock-title">
      <div className="panel-head">
        <h2 id="lock-title">
          Lock review — <span className="account-name">{name}</span>
        </h2>
        {lock ? <Badge tone={lock.kind === 'breach' ? 'bad' : 'warn'}>{ruleLabel(lock.rule)}</Badge> : null}
        {lock && lock.endedAt !== undefined ? <Badge tone="muted">Ended</Badge> : null}
        <span className="spacer" />
        <a className="button ghost small" href={href('risk')}>
          Close
        </a>
      </div>
      {error ? <div className="field-errors">{error}</div> : null}
      {!lock && !error ? <div className="muted pad">Loading the evidence…</div> : null}
      {lock ? (
        <div className="lock-grid">
          <div>
            <dl className="facts">
              <div>
                <dt>Rule</dt>
                <dd>
                  {ruleLabel(lock.rule)} ({ruleLabel(lock.kind)})
                </dd>
              </div>
              <div>
                <dt>Threshold</dt>
                <dd className="num">{lockNumber(lock, lock.threshold)}</dd>
              </div>
              <div>
                <dt>Value at the lock</dt>
                <dd className="num neg">{lockNumber(lock, lock.value)}</dd>
              </div>
              <div>
                <dt>Locked at</dt>
                <dd className="tab">{dateTime(lock.startedAt)}</dd>
              </div>
              <div>
                <dt>Trading day</dt>
                <dd>{lock.tradingDay}</dd>
              </div>
              {lock.endedAt !== undefined ? (
                <div>
                  <dt>Ended</dt>
                  <dd>
                    {dateTime(lock.endedAt)} — {lock.endReason ?? ''}
                    {lock.acknowledgement ? ` (typed “${lock.acknowledgement}”)` : ''}
                  </dd>
                </div>
              ) : null}
            </dl>
            <h3>Values at the moment</h3>
            <table className="grid compact values">
              <tbody>
                {Object.entries(lock.values).map(([k, v]) => (
                  <tr key={k}>
                    <th scope="row">{VALUE_LABELS[k] ?? k}</th>
                    <td className="num">{money(v)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {lock.endedAt === undefined && summary ? <UnlockForm accountId={lock.accountId} accountName={name} lockId={lock.id} /> : null}
          </div>
          <div>
            <PnlChart lock={lock} />
            <h3>Fills that led there</h3>
            {lock.fills.length === 0 ? (
              <div className="muted">No fills recorded.</div>
            ) : (
              <div className="table-wrap fills-wrap">
                <table className="grid compact fills" aria-label="Fills that led to the lock">
                  <thead>
                    <tr>
                      <th scope="col">Time</th>
                      <th scope="col">Side</th>
                      <th scope="col" className="num">
                        Qty
                      </th>
                      <th scope="col">Contract</th>
                      <th scope="col" className="num">
                        Price
                      </th>
                      <th scope="col" className="num">
                        Realized
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {lock.fills.map((f) => (
                      <tr key={f.fillId}>
                        <td className="tab">{clockMs(f.time)}</td>
                        <td className={f.side === 'buy' ? 'pos' : 'neg'}>{f.side}</td>
                        <td className="num">{f.qty}</td>
                        <td>{contractLabel(f.contract)}</td>
                        <td className="num">{price(f.price)}</td>
                        <td className="num">
                          <Money value={f.realized} signed />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </div>
        </div>
      ) : null}
    </section>
  );
}

function UnlockForm({ accountId, accountName: name, lockId }: { accountId: string; accountName: string; lockId: string }): ReactNode {
  const { run, busy } = useCommand();
  const [ack, setAck] = useState('');
  const [refusal, setRefusal] = useState<string[]>([]);
  const submit = async (e: SyntheticEvent): Promise<void> => {
    e.preventDefault();
    if (ack.trim() === '') {
      setRefusal([`Type the account name "${name}" to unlock.`]);
      return;
    }
    const r = await run('risk.unlock', { account: accountId, acknowledgement: ack, lockId }, { done: `${name} unlocked`, failTitle: false });
    if (r.ok) {
      setRefusal([]);
      setAck('');
    } else setRefusal(uniqueMessages(r.error.issues.length ? r.error.issues.map((i) => inWords(i.message)) : [inWords(r.error.message)]));
  };
  return (
    <form className="unlock-form" onSubmit={(e) => void submit(e)} noValidate>
      <h3>Unlock</h3>
      <p className="small">
        Review the evidence first. Copying to this account resumes from the next entry after unlocking. Type <strong className="account-name">{name}</strong> to confirm.
      </p>
      <Field label="Account name" errors={refusal}>
        {({ id, describedBy, invalid }) => (
          <div className="input-with-button">
            <input id={id} type="text" autoComplete="off" spellCheck={false} value={ack} aria-describedby={describedBy} aria-invalid={invalid || undefined} onChange={(e) => setAck(e.target.value)} />
            <button type="submit" className="danger" disabled={busy}>
              Unlock
            </button>
          </div>
        )}
      </Field>
    </form>
  );
}

/**
 * Connections: each broker login with its state (connected / reconnecting, next try in N s /
 * failed with the broker's reason), its accounts and balances, what its login carries and its
 * request budget, queue and penalty now (LoginLoad). Add a
 * login per broker; secrets go to the engine's keychain with connections.setSecret and are never
 * shown again — the UI only knows whether one is stored.
 */
import { useState, type SyntheticEvent, type ReactNode } from 'react';
import type { ConnectionView, DemoBrokersView, SnapshotView } from '../../src-engine/api/views';
import { errorsAt, fieldErrors, unclaimed, type FieldErrors as Errors } from '../api/errors';
import { useCommand, useNow, useSnapshot } from '../app/hooks';
import { LoginLoad } from '../components/LoginLoad';
import { Badge, ConfirmButton, ConnectionStateBadge, Empty, Field, FieldErrors, Money } from '../components/ui';
import { BROKER_LABEL } from '../lib/accounts';
import { checkConnectionForm, newDeviceId, PROJECTX_FIRMS, SECRET_FIELDS, SETTINGS_FIELDS, settingsFieldsFor, TRADOVATE_HOSTS, type Broker } from '../lib/brokers';
import { ms } from '../lib/format';
import { penaltyText } from '../lib/loginLoadWords';
import { href } from '../lib/route';
import { SignInProgress, useTradovateSignIn } from './TradovateSignIn';

export function Connections(): ReactNode {
  const snap = useSnapshot();
  const now = useNow(1000);
  if (!snap) return <Empty>Reading the engine state…</Empty>;
  return (
    <div className="screen connections">
      <div className="screen-head">
        <h1>Connections</h1>
        <KeychainNote snap={snap} />
      </div>
      <div className="conn-layout">
        <section aria-label="Connections list" className="conn-list">
          {snap.connections.length === 0 ? <Empty>No connections yet. Add a broker login on the right.</Empty> : null}
          {snap.connections.map((c) => (
            <ConnectionCard key={c.id} snap={snap} c={c} now={now} />
          ))}
        </section>
        <AddConnection keychain={snap.info.keychain.available} demo={snap.info.demo} signIn={snap.info.tradovateSignIn} />
      </div>
    </div>
  );
}

function KeychainNote({ snap }: { snap: SnapshotView }): ReactNode {
  const k = snap.info.keychain;
  if (k.available) return <span className="muted small">Secrets are kept in {k.detail}.</span>;
  return (
    <Badge tone="warn" title={k.detail}>
      No keychain: secrets cannot be stored from here
    </Badge>
  );
}

function ConnectionCard({ snap, c, now }: { snap: SnapshotView; c: ConnectionView; now: number }): ReactNode {
  const { run } = useCommand();
  const [secretOpen, setSecretOpen] = useState(false);
  const signIn = useTradovateSignIn();
  // Signed in with Tradovate: a token, not a secret the trader typed; renewing it is signing in again.
  const oauth = c.broker === 'tradovate' && c.settings.auth === 'oauth';
  const accounts = snap.accounts.filter((a) => a.connectionId === c.id);
  const tone = c.status.state === 'connected' ? 'ok' : c.status.state === 'failed' ? 'bad' : c.status.state === 'reconnecting' || c.status.state === 'connecting' ? 'warn' : 'muted';
  return (
    <article className={`panel conn-card ${tone}`} aria-label={`Connection ${c.name}`}>
      <div className="panel-head">
        <h2>{c.name}</h2>
        <span className="muted">{BROKER_LABEL[c.broker]}</span>
        <ConnectionStateBadge status={c.status} now={now} />
        {/* A failed login is not "all well": the stored secret is what to check. */}
        {oauth ? (
          c.status.state === 'failed' ? (
            <Badge tone="bad">Sign-in needed</Badge>
          ) : (
            <Badge tone="muted">Signed in with Tradovate</Badge>
          )
        ) : c.status.state === 'failed' ? (
          // A login the broker has locked for a while (a penalty runs) failed for that, not for its secret.
          <Badge tone="bad">{!c.hasSecret ? 'No secret' : penaltyText(c.budget, now) !== undefined ? 'Broker lockout: wait, the secret is not the cause' : 'Login failed: check the secret'}</Badge>
        ) : c.hasSecret ? (
          <Badge tone="muted">Secret stored</Badge>
        ) : (
          <Badge tone="warn">No secret</Badge>
        )}
        <span className="spacer" />
        <Latency c={c} />
      </div>
      <LoginLoad c={c} now={now} />
      {c.status.state === 'failed' || c.status.state === 'reconnecting' ? (
        <div className={`reason ${c.status.state === 'failed' ? 'bad' : 'warn'}`} role="status">
          <span className="muted">{c.status.state === 'failed' ? 'Broker said:' : `Attempt ${c.status.attempt}, last error:`}</span> {c.status.reason}
        </div>
      ) : null}
      <div className="conn-body">
        <dl className="settings-list">
          {Object.entries(c.settings).map(([k, v]) =>
            k === 'auth' ? (
              <div key={k}>
                <dt>Signs in with</dt>
                <dd>{v === 'oauth' ? 'Sign in with Tradovate' : 'API key'}</dd>
              </div>
            ) : (
              <div key={k}>
                <dt>{SETTINGS_FIELDS[c.broker].find((f) => f.key === k)?.label ?? k}</dt>
                <dd title={v}>{v}</dd>
              </div>
            ),
          )}
        </dl>
        <div>
          {accounts.length === 0 ? (
            <div className="muted">No accounts{c.status.state === 'connected' ? '' : ' yet (the accounts appear once connected)'}.</div>
          ) : (
            <table className="grid compact" aria-label={`Accounts of ${c.name}`}>
              <thead>
                <tr>
                  <th scope="col">Account</th>
                  <th scope="col" className="num">
                    Balance
                  </th>
                  <th scope="col">Role</th>
                </tr>
              </thead>
              <tbody>
                {accounts.map((a) => (
                  <tr key={a.id}>
                    <td>
                      {a.name}
                      {a.live ? null : <span className="muted small"> (not live)</span>}
                    </td>
                    <td className="num">
                      <Money value={a.balance} />
                    </td>
                    <td>
                      {a.role ? (
                        <a href={href('dashboard', a.role.groupId)}>
                          {a.role.role} · {a.role.groupName}
                        </a>
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </div>
      <div className="card-actions">
        <button type="button" className="small" onClick={() => void run('connections.reconnect', { id: c.id }, { done: `${c.name}: reconnecting` })}>
          Reconnect
        </button>
        {oauth ? (
          <button type="button" className={c.status.state === 'failed' ? 'primary small' : 'small'} disabled={signIn.busy || signIn.state.kind === 'waiting'} onClick={() => void signIn.start({ connectionId: c.id })}>
            Sign in again
          </button>
        ) : (
          <button type="button" className="small" aria-expanded={secretOpen} onClick={() => setSecretOpen(!secretOpen)}>
            {c.hasSecret ? 'Replace secret' : 'Set secret'}
          </button>
        )}
        <span className="spacer" />
        <ConfirmButton
          className="small danger-text"
          label="Remove"
          ariaLabel={`Remove connection ${c.name}`}
          confirmLabel={`Remove "${c.name}"?`}
          onConfirm={() => void run('connections.remove', { id: c.id }, { done: `Connection "${c.name}" removed`, failTitle: `Cannot remove ${c.name}` })}
        />
      </div>
      {secretOpen ? <SecretForm c={c} onDone={() => setSecretOpen(false)} /> : null}
      <SignInProgress state={signIn.state} onCancel={signIn.cancel} />
    </article>
  );
}

/** Copy latency over this connection's followers: leader fill received → order acknowledged by this broker. */
function Latency({ c }: { c: ConnectionView }): ReactNode {
  const l = c.latency;
  if (!l) return null;
  const sent = l.sentP50Ms !== undefined ? `; order written p50 ${ms(l.sentP50Ms)} / p99 ${ms(l.sentP99Ms)} ms` : '';
  return (
    <div className="budget ok" title={`Copy latency over this connection's followers (${l.samples} copies): leader fill received → order acknowledged${sent}`}>
      <span className="num">
        {ms(l.p50Ms)} / {ms(l.p99Ms)}
      </span>{' '}
      <span className="muted">ms copy p50 / p99</span>
    </div>
  );
}

function SecretForm({ c, onDone }: { c: ConnectionView; onDone: () => void }): ReactNode {
  const { run, busy } = useCommand();
  const [secret, setSecret] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Errors>({});
  const specs = SECRET_FIELDS[c.broker];
  const submit = async (e: SyntheticEvent): Promise<void> => {
    e.preventDefault();
    const local = specs.filter((s) => !(secret[s.key] ?? '')).map((s) => ({ field: `secret.${s.key}`, message: 'required' }));
    if (local.length) {
      setErrors(fieldErrors(local));
      return;
    }
    const r = await run('connections.setSecret', { id: c.id, secret }, { done: `${c.name}: secret stored`, failTitle: false });
    setSecret({});
    if (r.ok) onDone();
    else setErrors(fieldErrors(r.error.issues.length ? r.error.issues : [{ field: '', message: r.error.message }]));
  };
  return (
    <form className="secret-form" onSubmit={(e) => void submit(e)} aria-label={`Secret for ${c.name}`}>
      {specs.map((s) => (
        <Field key={s.key} label={s.label} errors={errorsAt(errors, `secret.${s.key}`)}>
          {({ id, describedBy }) => (
            <input id={id} type="password" autoComplete="new-password" aria-describedby={describedBy} value={secret[s.key] ?? ''} onChange={(e) => setSecret({ ...secret, [s.key]: e.target.value })} />
          )}
        </Field>
      ))}
      <FieldErrors errors={unclaimed(errors, specs.map((s) => `secret.${s.key}`))} />
      <div className="form-actions">
        <button type="submit" className="primary small" disabled={busy}>
          Store secret
        </button>
        <button type="button" className="ghost small" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

type Env = 'demo' | 'live' | 'custom' | 'sim';
type Firm = keyof typeof PROJECTX_FIRMS | 'custom' | 'sim';

/** In the demo, each broker starts on the demo's own simulator and login. */
function initialSettings(broker: Broker, demo?: DemoBrokersView): Record<string, string> {
  if (demo) {
    switch (broker) {
      case 'tradovate':
        return { ...demo.tradovate.settings, deviceId: newDeviceId() };
      case 'projectx':
        return { ...demo.projectx.settings };
      case 'paper':
        return { login: demo.paper.login };
    }
  }
  switch (broker) {
    case 'tradovate':
      return { ...TRADOVATE_HOSTS.demo, username: '', appId: 'Mirrorfill', appVersion: '0.1.0', cid: '', deviceId: newDeviceId() };
    case 'projectx': {
      const { label: _l, ...urls } = PROJECTX_FIRMS.topstepx;
      return { ...urls, username: '' };
    }
    case 'paper':
      return { login: '' };
  }
}

type TradovateMethod = 'signIn' | 'apiKey';

function AddConnection({ keychain, demo, signIn: signInOffer }: { keychain: boolean; demo: DemoBrokersView | undefined; signIn: SnapshotView['info']['tradovateSignIn'] }): ReactNode {
  const { run, busy } = useCommand();
  const signIn = useTradovateSignIn();
  // Sign in with Tradovate is the way most traders can connect (prop-firm accounts have no API key).
  const [method, setMethod] = useState<TradovateMethod>('signIn');
  const signingIn = method === 'signIn';
  const [broker, setBroker] = useState<Broker>('paper');
  const [name, setName] = useState('');
  const [settings, setSettings] = useState<Record<string, string>>(() => initialSettings('paper', demo));
  const [secret, setSecret] = useState<Record<string, string>>({});
  const [env, setEnv] = useState<Env>(demo ? 'sim' : 'demo');
  const [firm, setFirm] = useState<Firm>(demo ? 'sim' : 'topstepx');
  const [errors, setErrors] = useState<Errors>({});
  const [note, setNote] = useState<string | undefined>();

  const pickBroker = (b: Broker): void => {
    setBroker(b);
    setSettings(initialSettings(b, demo));
    setSecret({});
    setErrors({});
    setEnv(demo ? 'sim' : 'demo');
    setFirm(demo ? 'sim' : 'topstepx');
  };
  const pickEnv = (e: Env): void => {
    setEnv(e);
    if (e === 'sim' && demo) setSettings((s) => ({ ...s, restUrl: demo.tradovate.settings.restUrl ?? '', wsUrl: demo.tradovate.settings.wsUrl ?? '', mdUrl: demo.tradovate.settings.mdUrl ?? '' }));
    else if (e !== 'custom' && e !== 'sim') setSettings((s) => ({ ...s, ...TRADOVATE_HOSTS[e] }));
  };
  const pickFirm = (f: Firm): void => {
    setFirm(f);
    if (f === 'sim' && demo) setSettings((s) => ({ ...s, apiUrl: demo.projectx.settings.apiUrl ?? '', userHubUrl: demo.projectx.settings.userHubUrl ?? '', marketHubUrl: demo.projectx.settings.marketHubUrl ?? '' }));
    else if (f !== 'custom' && f !== 'sim') {
      const { label: _l, ...urls } = PROJECTX_FIRMS[f];
      setSettings((s) => ({ ...s, ...urls }));
    }
  };

  const submit = async (e: SyntheticEvent): Promise<void> => {
    e.preventDefault();
    setNote(undefined);
    const clean = Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, v.trim()]));
    if (broker === 'tradovate' && signingIn) {
      const localSignIn = checkConnectionForm(broker, name, clean, {}, false, true);
      if (localSignIn.length) {
        setErrors(fieldErrors(localSignIn));
        return;
      }
      setErrors({});
      const kept = Object.fromEntries(settingsFieldsFor('tradovate', true).map((f) => [f.key, clean[f.key] ?? '']));
      if (await signIn.start({ name: name.trim(), settings: kept })) setName('');
      return;
    }
    const local = checkConnectionForm(broker, name, clean, secret, broker !== 'paper');
    if (local.length) {
      setErrors(fieldErrors(local));
      return;
    }
    setErrors({});
    const added = await run('connections.add', { broker, name: name.trim(), settings: clean }, { failTitle: false });
    if (!added.ok) {
      setErrors(fieldErrors(added.error.issues.length ? added.error.issues : [{ field: '', message: added.error.message }]));
      return;
    }
    const toSend = Object.fromEntries(Object.entries(secret).filter(([, v]) => v !== ''));
    // The secret leaves the form now, sent or not.
    setSecret({});
    if (Object.keys(toSend).length) {
      const stored = await run('connections.setSecret', { id: added.result.id, secret: toSend }, { failTitle: false });
      if (!stored.ok) {
        setErrors(fieldErrors([{ field: 'secret', message: `The connection was added, but its secret was not stored: ${stored.error.message}` }]));
        return;
      }
    }
    setNote(`Added "${name.trim()}".`);
    setName('');
    setSettings(initialSettings(broker, demo));
  };

  const tradovateSignIn = broker === 'tradovate' && signingIn;
  const secretFields = tradovateSignIn ? [] : SECRET_FIELDS[broker];
  const settingFields = settingsFieldsFor(broker, signingIn).filter((f) => {
    if (broker === 'tradovate' && env !== 'custom') return !['restUrl', 'wsUrl', 'mdUrl'].includes(f.key);
    if (broker === 'projectx' && firm !== 'custom') return !['apiUrl', 'userHubUrl', 'marketHubUrl'].includes(f.key);
    return true;
  });

  return (
    <section className="panel add-conn" aria-labelledby="add-conn-title">
      <div className="panel-head">
        <h2 id="add-conn-title">Add connection</h2>
      </div>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <fieldset className="segmented">
          <legend>Broker</legend>
          {(['tradovate', 'projectx', 'paper'] as const).map((b) => (
            <label key={b} className={broker === b ? 'on' : undefined}>
              <input type="radio" name="broker" value={b} checked={broker === b} onChange={() => pickBroker(b)} />
              {BROKER_LABEL[b]}
            </label>
          ))}
        </fieldset>
        <Field label="Connection name" errors={errorsAt(errors, 'name')}>
          {({ id, describedBy, invalid }) => <input id={id} type="text" value={name} maxLength={80} aria-describedby={describedBy} aria-invalid={invalid || undefined} onChange={(e) => setName(e.target.value)} />}
        </Field>
        {broker === 'tradovate' ? (
          <fieldset className="segmented">
            <legend>Sign-in method</legend>
            {(
              [
                ['signIn', 'Sign in with Tradovate'],
                ['apiKey', 'API key (your own)'],
              ] as const
            ).map(([m, label]) => (
              <label key={m} className={method === m ? 'on' : undefined}>
                <input type="radio" name="tradovate-method" value={m} checked={method === m} onChange={() => setMethod(m)} />
                {label}
              </label>
            ))}
          </fieldset>
        ) : null}
        {tradovateSignIn ? (
          <div className="note" role="note" aria-label="About Sign in with Tradovate">
            You sign in on Tradovate&apos;s own page (your password never passes through Mirrorfill); works for prop-firm and evaluation accounts.
            {signInOffer && !signInOffer.available ? <span className="warn-text"> Not available yet: {signInOffer.detail}</span> : null}
          </div>
        ) : null}
        {broker === 'tradovate' ? (
          <Field label="Environment">
            {({ id }) => (
              <select id={id} value={env} onChange={(e) => pickEnv(e.target.value as Env)}>
                {demo ? <option value="sim">This demo&apos;s simulated Tradovate</option> : null}
                <option value="demo">Demo (demo.tradovateapi.com)</option>
                <option value="live">Live (live.tradovateapi.com)</option>
                <option value="custom">Custom URLs</option>
              </select>
            )}
          </Field>
        ) : null}
        {broker === 'projectx' ? (
          <Field label="Firm">
            {({ id }) => (
              <select id={id} value={firm} onChange={(e) => pickFirm(e.target.value as Firm)}>
                {demo ? <option value="sim">This demo&apos;s simulated ProjectX</option> : null}
                {Object.entries(PROJECTX_FIRMS).map(([k, f]) => (
                  <option key={k} value={k}>
                    {f.label}
                  </option>
                ))}
                <option value="custom">Custom API / hub URLs</option>
              </select>
            )}
          </Field>
        ) : null}
        {settingFields.map((f) => (
          <Field key={f.key} label={f.label} errors={errorsAt(errors, `settings.${f.key}`)} hint={f.hint}>
            {({ id, describedBy, invalid }) => (
              <div className={f.key === 'deviceId' ? 'input-with-button' : undefined}>
                <input id={id} type="text" value={settings[f.key] ?? ''} aria-describedby={describedBy} aria-invalid={invalid || undefined} onChange={(e) => setSettings({ ...settings, [f.key]: e.target.value })} />
                {f.key === 'deviceId' ? (
                  <button type="button" className="small" onClick={() => setSettings({ ...settings, deviceId: newDeviceId() })}>
                    New
                  </button>
                ) : null}
              </div>
            )}
          </Field>
        ))}
        {secretFields.map((s) => (
          <Field key={s.key} label={`${s.label}${s.optional ? ' (if the login has one)' : ''}`} errors={errorsAt(errors, `secret.${s.key}`)} hint="Sent to the OS keychain; never shown again">
            {({ id, describedBy, invalid }) => (
              <input id={id} type="password" autoComplete="new-password" value={secret[s.key] ?? ''} aria-describedby={describedBy} aria-invalid={invalid || undefined} onChange={(e) => setSecret({ ...secret, [s.key]: e.target.value })} />
            )}
          </Field>
        ))}
        {demo ? (
          <div className="note" role="note" aria-label="Demo logins">
            This demo&apos;s simulators accept {tradovateSignIn ? `user ${demo.tradovate.settings.username ?? ''}, password ${demo.tradovate.password} on the simulated sign-in page` : broker === 'tradovate' ? `user ${demo.tradovate.settings.username ?? ''}, password ${demo.tradovate.password}, any API secret` : broker === 'projectx' ? `user ${demo.projectx.settings.username ?? ''}, API key ${demo.projectx.apiKey}` : `login ${demo.paper.login}, password ${demo.paper.password}`}.
          </div>
        ) : null}
        {!keychain ? <div className="note warn">No keychain is available to the engine: a secret typed here will be refused. On a VPS, set MIRRORFILL_SECRET_&lt;CONNECTION_ID&gt; in the engine&apos;s environment instead.</div> : null}
        <FieldErrors errors={unclaimed(errors, ['name', ...settingFields.map((f) => `settings.${f.key}`), ...secretFields.map((s) => `secret.${s.key}`)])} />
        {note ? (
          <div className="note ok" role="status">
            {note}
          </div>
        ) : null}
        {tradovateSignIn ? <SignInProgress state={signIn.state} onCancel={signIn.cancel} /> : null}
        <div className="form-actions">
          {tradovateSignIn ? (
            <button type="submit" className="primary" disabled={busy || signIn.busy || signIn.state.kind === 'waiting' || signInOffer?.available === false}>
              Sign in with Tradovate
            </button>
          ) : (
            <button type="submit" className="primary" disabled={busy}>
              Add {BROKER_LABEL[broker]} connection
            </button>
          )}
        </div>
      </form>
    </section>
  );
}

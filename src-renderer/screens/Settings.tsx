/**
 * Settings: start with the OS, start paused, sounds and notifications, where data and logs live,
 * and whether secrets have a keychain to live in (said plainly when there is none).
 */
import type { ReactNode } from 'react';
import type { SettingsView } from '../../src-engine/api/views';
import { useCommand, useServices, useSnapshot } from '../app/hooks';
import { Badge, Empty, Toggle } from '../components/ui';
import { dateTime } from '../lib/format';

type Flag = 'startWithOs' | 'startPaused' | 'soundOnLock' | 'notifyOnLock' | 'notifyOnRejection';

const FLAGS: readonly { key: Flag; label: string; hint: string }[] = [
  { key: 'startWithOs', label: 'Start with the OS', hint: 'Mirrorfill starts in the tray when you log in.' },
  { key: 'startPaused', label: 'Start paused', hint: 'Every group starts paused; resume when you are ready to copy.' },
  { key: 'soundOnLock', label: 'Sound on lock', hint: 'A short alarm when an account is locked by a risk rule.' },
  { key: 'notifyOnLock', label: 'Notify on lock', hint: 'A desktop notification when an account is locked.' },
  { key: 'notifyOnRejection', label: 'Notify on rejection', hint: 'A desktop notification when a broker rejects a copy order.' },
];

export function Settings(): ReactNode {
  const snap = useSnapshot();
  const { snapshot } = useServices();
  const { run, busy } = useCommand();
  if (!snap) return <Empty>Reading the engine state…</Empty>;
  const s: SettingsView = snap.settings;
  const k = snap.info.keychain;
  const set = async (key: Flag, on: boolean): Promise<void> => {
    const r = await run('settings.set', { [key]: on }, { failTitle: 'Setting not saved' });
    // settings.set does not announce a change: read the snapshot again ourselves.
    if (r.ok) await snapshot.reload();
  };
  return (
    <div className="screen settings">
      <div className="screen-head">
        <h1>Settings</h1>
      </div>
      <div className="settings-layout">
        <section className="panel" aria-labelledby="behaviour-title">
          <div className="panel-head">
            <h2 id="behaviour-title">Behaviour</h2>
          </div>
          <div className="toggles">
            {FLAGS.map((f) => (
              <Toggle key={f.key} label={f.label} hint={f.hint} on={s[f.key]} disabled={busy} onChange={(v) => void set(f.key, v)} />
            ))}
          </div>
        </section>
        <section className="panel" aria-labelledby="storage-title">
          <div className="panel-head">
            <h2 id="storage-title">Storage and secrets</h2>
          </div>
          <dl className="facts">
            <div>
              <dt>Keychain</dt>
              <dd>
                {k.available ? (
                  <>
                    <Badge tone="ok">Available</Badge> <span>{k.detail}</span>
                  </>
                ) : (
                  <div className="keychain-missing">
                    <Badge tone="warn">No keychain available</Badge>
                    <p>
                      Secrets (passwords, API keys) cannot be stored on this machine, so connections added here cannot log in. Set each secret in the engine&apos;s environment as MIRRORFILL_SECRET_&lt;CONNECTION_ID&gt; (JSON), or run Mirrorfill where a keychain is available.
                    </p>
                    <p className="muted small">{k.detail}</p>
                  </div>
                )}
              </dd>
            </div>
            <div>
              <dt>Data folder</dt>
              <dd>
                <code className="path">{s.dataFolder}</code>
              </dd>
            </div>
            <div>
              <dt>Log folder</dt>
              <dd>
                <code className="path">{s.logFolder}</code>
              </dd>
            </div>
          </dl>
        </section>
        <section className="panel" aria-labelledby="engine-title">
          <div className="panel-head">
            <h2 id="engine-title">Engine</h2>
          </div>
          <dl className="facts">
            <div>
              <dt>Version</dt>
              <dd>{snap.info.version}</dd>
            </div>
            <div>
              <dt>Host</dt>
              <dd>{snap.info.host}</dd>
            </div>
            <div>
              <dt>Started</dt>
              <dd className="num">{dateTime(snap.info.startedAt)}</dd>
            </div>
            {snap.info.recoveredFrom ? (
              <div>
                <dt>Recovered</dt>
                <dd className="bad-text">{snap.info.recoveredFrom}</dd>
              </div>
            ) : null}
          </dl>
        </section>
      </div>
    </div>
  );
}

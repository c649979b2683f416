/** The frame around every screen: top bar (nav, engine state, alerts, Emergency Stop), banner, toasts. */
import { useState, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { ConfirmButton } from '../components/ui';
import { clock, untilText } from '../lib/format';
import { href, SCREENS, type Screen } from '../lib/route';
import { useCommand, useNow, useServices, useSnapshot } from './hooks';

export function Shell({ screen, children }: { screen: Screen; children: ReactNode }): ReactNode {
  const { status } = useServices();
  const { status: st, everOpen } = useStore(status);
  // Without the engine the figures on screen are the last ones it sent: dimmed, so nobody reads
  // "Copying" or a position as live. Edits stay usable (they are kept for when it is back).
  const stale = everOpen && st.state !== 'open';
  return (
    <div className="app">
      <TopBar screen={screen} />
      <EngineBanner />
      <main className={stale ? 'content stale' : 'content'} id="main">
        {children}
      </main>
      <Toasts />
    </div>
  );
}

function TopBar({ screen }: { screen: Screen }): ReactNode {
  const { run } = useCommand();
  const snap = useSnapshot();
  const alertCount = snap ? snap.accounts.filter((a) => a.locked || a.outOfSync.length > 0 || a.quarantined.length > 0).length : 0;
  return (
    <header className="topbar">
      <a className="brand" href={href('dashboard')} aria-label="Mirrorfill — dashboard">
        <span className="brand-mark" aria-hidden="true">
          ◧
        </span>
        Mirrorfill
      </a>
      <nav aria-label="Screens">
        {SCREENS.map((s) => (
          <a key={s.id} href={href(s.id)} className={s.id === screen ? 'active' : undefined} aria-current={s.id === screen ? 'page' : undefined}>
            {s.label}
            {s.id === 'risk' && alertCount > 0 ? (
              <span className="nav-count" aria-label={`${alertCount} accounts need attention`}>
                {alertCount}
              </span>
            ) : null}
          </a>
        ))}
      </nav>
      <span className="spacer" />
      <EngineState />
      <AlertsMenu />
      <ConfirmButton
        className="danger estop"
        label="Emergency Stop"
        ariaLabel="Emergency Stop: pause every group and flatten every account"
        confirmLabel="Confirm: stop all & flatten"
        question="Pause every group and flatten every account in every group: positions closed, working orders cancelled. Copying starts again only after Resume."
        onConfirm={() => void run('controls.emergencyStop', {}, { done: 'Emergency stop: every group paused, flatten sent', failTitle: 'Emergency stop failed' })}
      />
    </header>
  );
}

function EngineState(): ReactNode {
  const { status } = useServices();
  const st = useStore(status, (s) => s.status);
  const snap = useSnapshot();
  const host = snap?.info.host;
  const tone = st.state === 'open' ? 'ok' : st.state === 'closed' ? 'bad' : 'warn';
  const text = st.state === 'open' ? 'Engine connected' : st.state === 'connecting' ? 'Connecting…' : st.state === 'reconnecting' ? 'Engine disconnected' : 'Engine closed';
  return (
    <div className={`engine-state ${tone}`} role="status" aria-live="polite" title={snap ? `Mirrorfill ${snap.info.version}, ${snap.info.host} host` : undefined}>
      <span className="dot" aria-hidden="true" />
      <span className="engine-text">{text}</span>
      {host ? <span className="muted engine-host">· {host}</span> : null}
    </div>
  );
}

function EngineBanner(): ReactNode {
  const { status, snapshot } = useServices();
  const { status: st, everOpen } = useStore(status);
  const error = useStore(snapshot.store, (s) => s.error);
  const now = useNow(500);
  if (st.state === 'reconnecting') {
    return (
      <div className="banner bad" role="alert">
        <strong>Engine disconnected — reconnecting</strong>
        <span>
          attempt {st.attempt}, next try in {untilText(st.nextTryAt, now)} ({st.reason}). Copying continues in the engine if it is running; your unsaved edits are kept.
        </span>
      </div>
    );
  }
  if (st.state === 'connecting' && !everOpen) {
    return (
      <div className="banner info" role="status">
        Connecting to the engine…
      </div>
    );
  }
  if (st.state === 'closed') {
    return (
      <div className="banner bad" role="alert">
        <strong>Engine connection closed.</strong> {st.reason ?? 'Reload the window to reconnect.'}
      </div>
    );
  }
  if (error) {
    return (
      <div className="banner warn" role="alert">
        Could not read the engine state: {error}
      </div>
    );
  }
  return null;
}

function AlertsMenu(): ReactNode {
  const { alerts } = useServices();
  const { history, unread } = useStore(alerts.store);
  const [open, setOpen] = useState(false);
  return (
    <div className="alerts-menu">
      <button
        type="button"
        className={`ghost alerts-button${unread > 0 ? ' has-unread' : ''}`}
        aria-expanded={open}
        aria-haspopup="true"
        aria-label={`Alerts, ${unread} unread`}
        onClick={() => {
          setOpen(!open);
          alerts.markRead();
        }}
      >
        Alerts{unread > 0 ? <span className="nav-count">{unread}</span> : null}
      </button>
      {open ? (
        <div className="alerts-panel" role="dialog" aria-label="Recent alerts">
          <div className="alerts-head">
            <strong>Recent alerts</strong>
            <span className="spacer" />
            <button type="button" className="ghost small" onClick={() => alerts.clear()}>
              Clear
            </button>
            <button type="button" className="ghost small" onClick={() => setOpen(false)} aria-label="Close alerts">
              Close
            </button>
          </div>
          {history.length === 0 ? <div className="muted pad">No alerts.</div> : null}
          <ul>
            {history.map((a) => (
              <li key={a.id} className={`alert-item ${a.level}`}>
                <span className="num muted">{clock(a.time)}</span>
                <div>
                  <div className="alert-title">{a.title}</div>
                  {a.body ? <div className="alert-body">{a.body}</div> : null}
                </div>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}

function Toasts(): ReactNode {
  const { alerts } = useServices();
  const toasts = useStore(alerts.store, (s) => s.toasts);
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`toast ${t.level}`} role={t.level === 'critical' ? 'alert' : 'status'}>
          <div className="toast-text">
            <div className="toast-title">{t.title}</div>
            {t.body ? <div className="toast-body">{t.body}</div> : null}
          </div>
          <button type="button" className="ghost small" aria-label={`Dismiss: ${t.title}`} onClick={() => alerts.dismiss(t.id)}>
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}

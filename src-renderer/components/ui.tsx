/** Small shared pieces: labelled fields with their errors, switches, two-step buttons, badges. */
import { useEffect, useId, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import type { GroupStatusView, ConnectionStateView } from '../../src-engine/api/views';
import { money, signClass, untilText } from '../lib/format';

export function FieldErrors({ errors, id }: { errors: readonly string[] | undefined; id?: string }): ReactNode {
  if (!errors?.length) return null;
  return (
    <div className="field-errors" id={id} role="alert">
      {errors.map((e, i) => (
        <div key={i}>{e}</div>
      ))}
    </div>
  );
}

/**
 * A labelled control. `children` receives the id to put on the control and the id of the error
 * text for aria-describedby.
 */
export function Field({
  label,
  errors,
  hint,
  className,
  children,
}: {
  label: string;
  errors?: readonly string[] | undefined;
  hint?: ReactNode;
  className?: string;
  children: (p: { id: string; describedBy: string | undefined; invalid: boolean }) => ReactNode;
}): ReactNode {
  const id = useId();
  const errId = `${id}-err`;
  const invalid = (errors?.length ?? 0) > 0;
  return (
    <div className={`field${invalid ? ' invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, describedBy: invalid ? errId : undefined, invalid })}
      {hint && !invalid ? <div className="hint">{hint}</div> : null}
      <FieldErrors errors={errors} id={errId} />
    </div>
  );
}

export function Switch({ on, onChange, label, disabled }: { on: boolean; onChange: (on: boolean) => void; label: string; disabled?: boolean }): ReactNode {
  return (
    <button type="button" role="switch" aria-checked={on} aria-label={label} title={label} className={`switch${on ? ' on' : ''}`} disabled={disabled} onClick={() => onChange(!on)}>
      <span className="knob" />
    </button>
  );
}

/** A labelled checkbox-style toggle with text beside it (Settings). */
export function Toggle({ on, onChange, label, hint, disabled }: { on: boolean; onChange: (on: boolean) => void; label: string; hint?: string; disabled?: boolean }): ReactNode {
  const id = useId();
  return (
    <div className="toggle-row">
      <button id={id} type="button" role="switch" aria-checked={on} aria-label={label} className={`switch${on ? ' on' : ''}`} disabled={disabled} onClick={() => onChange(!on)}>
        <span className="knob" />
      </button>
      <div>
        <label htmlFor={id}>{label}</label>
        {hint ? <div className="hint">{hint}</div> : null}
      </div>
    </div>
  );
}

/**
 * Two steps: the first click opens a small confirmation beside the button that says what will be
 * sent (`question`), the second fires. It stays until answered (Confirm, Cancel or Escape): a
 * trader who looks away for a moment must not come back to a vanished question. It floats over
 * the page (fixed to the button), so the table it sits in neither widens nor shifts.
 */
export function ConfirmButton({
  label,
  confirmLabel,
  question,
  onConfirm,
  className,
  disabled,
  ariaLabel,
}: {
  label: string;
  confirmLabel: string;
  /** The sentence the confirmation shows: what will be sent. */
  question?: string | undefined;
  onConfirm: () => void;
  className?: string;
  disabled?: boolean;
  ariaLabel?: string;
}): ReactNode {
  const [armed, setArmed] = useState(false);
  const anchorRef = useRef<HTMLButtonElement>(null);
  const popRef = useRef<HTMLDivElement>(null);
  const fireRef = useRef<HTMLButtonElement>(null);
  const [place, setPlace] = useState<{ top: number; left: number } | undefined>(undefined);
  const dialogId = useId();

  useLayoutEffect(() => {
    if (!armed) return;
    const measure = (): void => {
      const a = anchorRef.current?.getBoundingClientRect();
      const p = popRef.current?.getBoundingClientRect();
      if (!a || !p) return;
      const margin = 8;
      const below = a.bottom + 6;
      const top = below + p.height + margin > window.innerHeight && a.top - 6 - p.height > margin ? a.top - 6 - p.height : below;
      const left = Math.min(Math.max(margin, a.right - p.width), window.innerWidth - p.width - margin);
      setPlace((was) => (was && was.top === top && was.left === left ? was : { top, left }));
    };
    measure();
    window.addEventListener('resize', measure);
    window.addEventListener('scroll', measure, true);
    return () => {
      window.removeEventListener('resize', measure);
      window.removeEventListener('scroll', measure, true);
    };
  }, [armed, question]);

  // Answered without firing: focus goes back to the button, so the keyboard user is where they were.
  const disarm = (): void => {
    setArmed(false);
    anchorRef.current?.focus();
  };

  useEffect(() => {
    if (!armed) return;
    fireRef.current?.focus();
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') {
        setArmed(false);
        anchorRef.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [armed]);

  return (
    <span className="confirm-anchor">
      <button
        ref={anchorRef}
        type="button"
        className={`${className ?? ''}${armed ? ' pressed' : ''}`.trim() || undefined}
        disabled={disabled}
        aria-label={ariaLabel}
        aria-expanded={armed}
        aria-controls={armed ? dialogId : undefined}
        onClick={() => setArmed(!armed)}
      >
        {label}
      </button>
      {armed ? (
        <div
          ref={popRef}
          id={dialogId}
          className="confirm-pop"
          role="dialog"
          aria-label={question ?? confirmLabel}
          style={place ? { top: place.top, left: place.left } : { opacity: 0, top: 0, left: 0 }}
        >
          {question ? <div className="confirm-question">{question}</div> : null}
          <div className="confirm-actions">
            <button type="button" className="ghost small" onClick={disarm}>
              Cancel
            </button>
            <button
              ref={fireRef}
              type="button"
              className={`${className ?? ''} armed`}
              onClick={() => {
                setArmed(false);
                onConfirm();
              }}
            >
              {confirmLabel}
            </button>
          </div>
        </div>
      ) : null}
    </span>
  );
}

/** Dollars; PnL (signed) is green/red, balances stay neutral. */
export function Money({ value, signed, whole }: { value: number | undefined; signed?: boolean; whole?: boolean }): ReactNode {
  return <span className={signed ? signClass(value) : 'num'}>{money(value, { signed: signed ?? false, whole: whole ?? false })}</span>;
}

export type Tone = 'ok' | 'warn' | 'bad' | 'muted' | 'info';

export function Badge({ tone, children, title }: { tone: Tone; children: ReactNode; title?: string }): ReactNode {
  return (
    <span className={`badge ${tone}`} title={title}>
      {children}
    </span>
  );
}

const PAUSE_REASON: Record<Extract<GroupStatusView, { status: 'Paused' }>['reason'], string> = {
  user: 'by you',
  noFollowers: 'no followers',
  leaderBreach: 'leader risk breach',
  emergencyStop: 'emergency stop',
};

export function GroupStatusBadge({ status }: { status: GroupStatusView }): ReactNode {
  switch (status.status) {
    case 'Active':
      return <Badge tone="ok">Active</Badge>;
    case 'Paused':
      return <Badge tone={status.reason === 'leaderBreach' || status.reason === 'emergencyStop' ? 'bad' : 'warn'}>Paused — {PAUSE_REASON[status.reason]}</Badge>;
    case 'NotConfigured':
      return <Badge tone="muted">Not configured</Badge>;
  }
}

export function ConnectionStateBadge({ status, now }: { status: ConnectionStateView; now: number }): ReactNode {
  switch (status.state) {
    case 'connected':
      return <Badge tone="ok">Connected</Badge>;
    case 'connecting':
      return <Badge tone="info">Connecting…</Badge>;
    case 'reconnecting':
      return (
        <Badge tone="warn" title={status.reason}>
          Reconnecting — next try in {untilText(status.nextTryAt, now)}
        </Badge>
      );
    case 'failed':
      return <Badge tone="bad">Failed</Badge>;
    case 'closed':
      return <Badge tone="muted">Closed</Badge>;
    case 'stopped':
      return <Badge tone="muted">Stopped</Badge>;
  }
}

/** Pending staged edits: "N pending changes — Save / Discard". */
export function PendingBar({ count, saving, onSave, onDiscard, details, formError }: { count: number; saving: boolean; onSave: () => void; onDiscard: () => void; details?: readonly string[]; formError?: string | undefined }): ReactNode {
  if (count === 0 && !formError) return null;
  return (
    <div className="pending-bar" role="region" aria-label="Pending changes">
      <span className="pending-count" title={details?.join('\n')}>
        {count === 1 ? '1 pending change' : `${count} pending changes`}
      </span>
      {formError ? <span className="pending-error" role="alert">{formError}</span> : null}
      <span className="spacer" />
      <button type="button" className="ghost" onClick={onDiscard} disabled={saving}>
        Discard
      </button>
      <button type="button" className="primary" onClick={onSave} disabled={saving || count === 0}>
        {saving ? 'Saving…' : 'Save'}
      </button>
    </div>
  );
}

export function Gauge({ label, use, valueText, limitText }: { label: string; use: number; valueText: string; limitText: string }): ReactNode {
  const pct = Math.max(0, Math.min(1, use));
  const tone = pct >= 0.9 ? 'bad' : pct >= 0.6 ? 'warn' : 'ok';
  return (
    <div className="gauge" role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(pct * 100)} aria-valuetext={`${valueText} of ${limitText}`}>
      <div className="gauge-head">
        <span className="gauge-label">{label}</span>
        <span className="num">
          {valueText} <span className="muted">/ {limitText}</span>
        </span>
      </div>
      <svg className={`gauge-bar ${tone}`} viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true">
        <rect className="track" x="0" y="0" width="100" height="6" rx="3" />
        <rect className="fill" x="0" y="0" width={Math.max(pct * 100, pct > 0 ? 2 : 0)} height="6" rx="3" />
      </svg>
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }): ReactNode {
  return <div className="empty">{children}</div>;
}

/**
 * The question a save (or a delete) asks before it leaves positions open or resizes one: which
 * accounts, what they hold, by how much a new sizing moves them; and the trader's choice for each
 * kind. Nothing is chosen for them: Save stays off until every question has an answer. Stays open
 * until answered or cancelled. It also says what each login the group copies to carries after the
 * save, and marks one that would carry too little.
 */
import { useState, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { SaveImpactView, SnapshotView } from '../../src-engine/api/views';
import { useServices, useSnapshot } from '../app/hooks';
import { accountName } from '../lib/accounts';
import { CAPACITY_WARN_BELOW } from '../lib/loginLoadWords';
import { capacityLines } from '../lib/saveCapacity';
import type { SaveAnswers } from '../stores/drafts';

type Removed = SaveImpactView['removed'][number];

export function holdingText(h: Removed): string {
  const parts = h.positions.map((p) => `${p.qty > 0 ? 'long' : 'short'} ${Math.abs(p.qty)} ${p.root}`);
  if (h.workingOrders > 0) parts.push(`${h.workingOrders} working order${h.workingOrders === 1 ? '' : 's'}`);
  return parts.join(', ');
}

function resizeText(r: SaveImpactView['resized'][number]): string {
  const by = Math.abs(r.to) - Math.abs(r.from);
  const side = r.to > 0 || r.from > 0 ? 'long' : 'short';
  return `${side} ${Math.abs(r.from)} → ${Math.abs(r.to)} ${r.root} (${by > 0 ? '+' : '−'}${Math.abs(by)} contract${Math.abs(by) === 1 ? '' : 's'})`;
}

export function ImpactDialog({
  title,
  impact,
  snap,
  saveLabel,
  onAnswer,
  onCancel,
}: {
  title: string;
  impact: SaveImpactView;
  snap: SnapshotView | undefined;
  saveLabel: string;
  onAnswer: (answers: SaveAnswers) => void;
  onCancel: () => void;
}): ReactNode {
  const [removed, setRemoved] = useState<SaveAnswers['removed']>(undefined);
  const [resize, setResize] = useState<SaveAnswers['resize']>(undefined);
  const ready = (impact.removed.length === 0 || removed !== undefined) && (impact.resized.length === 0 || resize !== undefined);
  return (
    <div className="dialog-backdrop">
      <div className="dialog panel" role="dialog" aria-modal="true" aria-labelledby="impact-title">
        <h2 id="impact-title">{title}</h2>
        {impact.removed.length > 0 ? (
          <fieldset className="impact-part">
            <legend>{impact.removed.length === 1 ? 'This account leaves the group holding:' : 'These accounts leave the group holding:'}</legend>
            <ul className="impact-list">
              {impact.removed.map((h) => (
                <li key={h.account}>
                  <span className="strong">{h.name}</span>: {holdingText(h)}
                </li>
              ))}
            </ul>
            <label className="choice">
              <input type="radio" name="impact-removed" checked={removed === 'flatten'} onChange={() => setRemoved('flatten')} />
              Flatten them now (cancel their working orders and close their positions)
            </label>
            <label className="choice">
              <input type="radio" name="impact-removed" checked={removed === 'keep'} onChange={() => setRemoved('keep')} />
              Keep them open, managed by hand (no longer copied)
            </label>
          </fieldset>
        ) : null}
        {impact.resized.length > 0 ? (
          <fieldset className="impact-part">
            <legend>The new sizing changes open positions:</legend>
            <ul className="impact-list">
              {impact.resized.map((r) => (
                <li key={`${r.account}|${r.contract}`}>
                  <span className="strong">{accountName(snap, r.account)}</span>: {resizeText(r)}
                </li>
              ))}
            </ul>
            <label className="choice">
              <input type="radio" name="impact-resize" checked={resize === 'now'} onChange={() => setResize('now')} />
              Apply now (resize the open positions at once)
            </label>
            <label className="choice">
              <input type="radio" name="impact-resize" checked={resize === 'nextEntry'} onChange={() => setResize('nextEntry')} />
              From the next entry (keep the open trade at its size until the leader is flat)
            </label>
          </fieldset>
        ) : null}
        <CapacityPart impact={impact} snap={snap} />
        <div className="dialog-actions">
          <button type="button" className="ghost" onClick={onCancel}>
            Cancel
          </button>
          <button type="button" className="primary" disabled={!ready} onClick={() => onAnswer({ ...(removed ? { removed } : {}), ...(resize ? { resize } : {}) })}>
            {saveLabel}
          </button>
        </div>
      </div>
    </div>
  );
}

/**
 * What each login the saved group copies to carries after the save (copy-semantics §8a); a login
 * under the warning threshold (see CAPACITY_WARN_BELOW) is marked and says what happens past it.
 */
function CapacityPart({ impact, snap }: { impact: SaveImpactView; snap: SnapshotView | undefined }): ReactNode {
  const lines = capacityLines(impact, snap?.connections ?? []);
  if (lines.length === 0) return null;
  const thin = lines.some((l) => l.tone === 'warn');
  return (
    // A fieldset like the questions above it, for the same frame and legend, though nothing is asked.
    <fieldset className="impact-part">
      <legend>After this save, each login copies:</legend>
      <ul className="impact-list">
        {lines.map((l) => (
          <li key={l.connectionId} className={l.tone === 'warn' ? 'warn-text' : undefined}>
            {l.tone === 'warn' ? <span className="strong">Few copies at once: </span> : null}
            {l.text}
          </li>
        ))}
      </ul>
      {thin ? (
        <p className="note warn">
          Fewer than {CAPACITY_WARN_BELOW} leader fills a minute can be copied at once on a marked login: a quick entry and exit make copies wait in its queue. Fewer followers on that login, or a login of their own, carry more.
        </p>
      ) : null}
    </fieldset>
  );
}

/** Mounted once in the app: the question of whichever draft's save is waiting for an answer (Groups or Dashboard). */
export function DraftQuestion(): ReactNode {
  const { drafts } = useServices();
  const snap = useSnapshot();
  const key = useStore(drafts.store, (s) => Object.keys(s.drafts).find((k) => s.drafts[k]?.question !== undefined));
  const draft = useStore(drafts.store, (s) => (key !== undefined ? s.drafts[key] : undefined));
  const question = draft?.question;
  if (key === undefined || !draft || !question) return null;
  return (
    <ImpactDialog
      key={key}
      title={`Before saving "${draft.group.name}"`}
      impact={question.impact}
      snap={snap}
      saveLabel="Save"
      onAnswer={(answers) => void drafts.answer(key, answers)}
      onCancel={() => drafts.dismiss(key)}
    />
  );
}

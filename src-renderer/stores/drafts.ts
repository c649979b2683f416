/**
 * Staged group edits: one draft GroupInput per group (key: group id, or NEW_GROUP for a group not
 * saved yet). Nothing reaches the engine until Save, which sends the whole group in one
 * `groups.save` (applied atomically); Discard drops the draft. A refusal's issues are kept by
 * field so the form shows each next to the field it names. Drafts live apart from the snapshot:
 * a reconnect or a re-read never touches them.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { GroupInput } from '../../src-engine/api/config';
import type { CommandRequest } from '../../src-engine/api/contract';
import type { SaveImpactView } from '../../src-engine/api/views';
import type { EngineClient } from '../api/client';
import { fieldErrors, toApiError, type FieldErrors } from '../api/errors';
import { omitKey } from '../lib/objects';
import { thinLogins } from '../lib/saveCapacity';
import { diffGroup, rebaseSync, tidyGroup, validateGroup, type Change } from './groupEdit';

export const NEW_GROUP = '__new__';

export interface Draft {
  readonly group: GroupInput;
  readonly errors: FieldErrors;
  /** A failure that names no field (engine unreachable, unknown group). */
  readonly formError: string | undefined;
  readonly saving: boolean;
  /**
   * The save would leave removed followers' positions open or resize an open position: it waits
   * for the trader's answer (flatten or keep; apply now or from the next entry). A save that leaves
   * a login carrying too little asks too, with nothing to choose: Save or Cancel.
   */
  readonly question?: SaveQuestion;
}

export interface SaveQuestion {
  readonly impact: SaveImpactView;
  readonly current: GroupInput | undefined;
  readonly otherNames: readonly string[];
}

/** The trader's answers to a SaveQuestion, as `groups.save` takes them. */
export type SaveAnswers = Pick<CommandRequest<'groups.save'>, 'removed' | 'resize'>;

export interface DraftState {
  readonly drafts: Readonly<Record<string, Draft>>;
}

export interface DraftStore {
  readonly store: StoreApi<DraftState>;
  /** Applies `change` to the draft of `key`, starting one from `base` (the group as saved). */
  edit(key: string, base: GroupInput, change: (g: GroupInput) => GroupInput): void;
  discard(key: string): void;
  /**
   * Sends the draft. `current` is the group as saved now (undefined for a new group); resolves to
   * the saved group's id, or undefined when refused (the draft keeps its errors).
   */
  save(key: string, current: GroupInput | undefined, otherNames: readonly string[]): Promise<string | undefined>;
  /** Saves the draft with the trader's answers to its question. */
  answer(key: string, answers: SaveAnswers): Promise<string | undefined>;
  /** The trader backed out of the question: the draft stays as it was. */
  dismiss(key: string): void;
}

/** The staged changes of a draft against the group as saved (none without a draft). */
export function pendingChanges(draft: Draft | undefined, base: GroupInput): Change[] {
  return draft ? diffGroup(base, draft.group) : [];
}

export function createDraftStore(client: EngineClient, hooks: { afterSave?: () => Promise<void> } = {}): DraftStore {
  const store = createStore<DraftState>(() => ({ drafts: {} }));

  const put = (key: string, d: Draft | undefined): void => {
    store.setState((s) => ({ drafts: d ? { ...s.drafts, [key]: d } : omitKey({ ...s.drafts }, key) }));
  };

  const api: DraftStore = {
    store,
    edit: (key, base, change) => {
      const d = store.getState().drafts[key];
      const group = change(d?.group ?? structuredClone(base));
      put(key, { group, errors: {}, formError: undefined, saving: false });
    },
    discard: (key) => put(key, undefined),
    dismiss: (key) => {
      const d = store.getState().drafts[key];
      if (d?.question) put(key, { group: d.group, errors: d.errors, formError: d.formError, saving: d.saving });
    },
    answer: (key, answers) => {
      const q = store.getState().drafts[key]?.question;
      return q ? save(key, q.current, q.otherNames, answers) : Promise.resolve(undefined);
    },
    save: (key, current, otherNames) => save(key, current, otherNames, undefined),
  };

  async function save(key: string, current: GroupInput | undefined, otherNames: readonly string[], answers: SaveAnswers | undefined): Promise<string | undefined> {
    const d = store.getState().drafts[key];
    if (!d || d.saving) return undefined;
    const group = tidyGroup(rebaseSync(d.group, current));
    const local = validateGroup(group, { otherNames });
    if (local.length) {
      put(key, { ...d, errors: fieldErrors(local), formError: undefined });
      return undefined;
    }
    put(key, { ...d, saving: true, errors: {}, formError: undefined });
    try {
      if (answers === undefined) {
        // Ask before a save that would leave positions open or resize one (copy-semantics §1), or
        // leave a login it copies to carrying too little to copy without delay (§8a); a new group
        // can only do the latter.
        const impact = await client.invoke('groups.impact', key === NEW_GROUP ? { group } : { id: key, group });
        if (impact.removed.length > 0 || impact.resized.length > 0 || thinLogins(impact).length > 0) {
          const now = store.getState().drafts[key] ?? d;
          put(key, { ...now, saving: false, question: { impact, current, otherNames } });
          return undefined;
        }
      }
      const { id } = await client.invoke('groups.save', key === NEW_GROUP ? { group } : { id: key, group, ...answers });
      if (hooks.afterSave) await hooks.afterSave().catch(() => undefined);
      // Only drop the draft if it was not edited while the save was in flight.
      const now = store.getState().drafts[key];
      if (now && now.group === d.group) put(key, undefined);
      else if (now) put(key, { ...now, saving: false });
      return id;
    } catch (err) {
      const e = toApiError(err);
      // A failed answer closes the question: the form shows why, and Save asks again.
      const { question: _closed, ...now } = store.getState().drafts[key] ?? d;
      if (e.kind === 'refused' && e.issues.some((i) => i.field)) put(key, { ...now, saving: false, errors: fieldErrors(e.issues, 'group'), formError: undefined });
      else put(key, { ...now, saving: false, errors: {}, formError: e.message });
      return undefined;
    }
  }

  return api;
}

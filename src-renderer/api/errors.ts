/**
 * The renderer's error type for engine answers, and the mapping of a refusal's fields onto the
 * form fields that show them.
 */
import type { ApiError as ApiErrorShape, ApiIssue } from '../../src-engine/api/contract';

export type { ApiIssue };

export class ApiError extends Error implements ApiErrorShape {
  readonly kind: 'refused' | 'failed';
  readonly issues: readonly ApiIssue[];

  constructor(shape: ApiErrorShape) {
    super(shape.message);
    this.name = 'ApiError';
    this.kind = shape.kind;
    this.issues = shape.issues;
  }

  static failed(message: string): ApiError {
    return new ApiError({ kind: 'failed', message, issues: [] });
  }

  static refused(issues: readonly ApiIssue[]): ApiError {
    const message = issues.map((i) => (i.field ? labelled(i.field, i.message) : i.message)).join('; ');
    return new ApiError({ kind: 'refused', message, issues });
  }
}

/** Anything thrown by a transport (preload, socket) → ApiError, keeping a refusal's issues. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const shape = findShape(err);
  if (shape) return new ApiError(shape);
  return ApiError.failed(err instanceof Error ? err.message : String(err));
}

function findShape(err: unknown): ApiErrorShape | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const o = err as Record<string, unknown>;
  const candidate = (o.apiError ?? o) as Record<string, unknown>;
  if ((candidate.kind === 'refused' || candidate.kind === 'failed') && typeof candidate.message === 'string' && Array.isArray(candidate.issues)) {
    const issues = (candidate.issues as unknown[]).filter(isIssue);
    return { kind: candidate.kind, message: candidate.message, issues };
  }
  return undefined;
}

function isIssue(x: unknown): x is ApiIssue {
  return typeof x === 'object' && x !== null && typeof (x as ApiIssue).field === 'string' && typeof (x as ApiIssue).message === 'string';
}

/**
 * One spelling for a field path: the engine's refusals say `followers[2].account`, zod says
 * `group.followers.2.account`. `strip` removes the request wrapper (`group.`, `rules.`).
 */
export function normalizeField(field: string, strip?: string): string {
  let f = field;
  if (strip && (f === strip || f.startsWith(`${strip}.`))) f = f.slice(strip.length + 1);
  return f.replace(/\.(\d+)(?=\.|$)/g, '[$1]');
}

/** Field → messages. A message without a field lands under ''. */
export type FieldErrors = Readonly<Record<string, readonly string[]>>;

export function fieldErrors(issues: readonly ApiIssue[], strip?: string): FieldErrors {
  const out: Record<string, string[]> = {};
  for (const i of issues) {
    const key = normalizeField(i.field, strip);
    (out[key] ??= []).push(i.message);
  }
  return out;
}

/** Names of request fields as the forms label them; others are spelled out from their name. */
const FIELD_LABELS: Readonly<Record<string, string>> = {
  account: 'Account',
  ratio: 'Ratio',
  mode: 'Sizing mode',
  name: 'Name',
  leader: 'Leader',
  cross: 'Cross symbol',
  sync: 'Sync',
  enabled: 'Enabled',
  reconnectPolicy: 'Reconnect policy',
  maxCatchUpMs: 'Max catch-up',
  mirrorGraceMs: 'Mirror grace',
  whitelist: 'Whitelist',
  mappings: 'Contract mapping',
  acknowledgement: 'Account name',
  maxContracts: 'Max contracts',
  dailyLoss: 'Daily loss',
  trailingDrawdown: 'Trailing drawdown',
};

/** `followers[0].ratio` → "Ratio", `settings.whitelist[2]` → "Whitelist": the trader never reads a field path. */
export function fieldLabel(path: string): string {
  // A root's own ratio ("followers[0].ratios.MNQ"): the root is the subject, not a field name.
  const rootRatio = /(?:^|\.)ratios\.([A-Za-z0-9 ]+)$/.exec(path);
  if (rootRatio) return `${rootRatio[1] ?? ''} ratio`;
  const parts = path.replace(/\[\d+\]/g, '').split('.').filter((p) => p !== '' && !/^\d+$/.test(p) && p !== 'group' && p !== 'settings' && p !== 'rules' && p !== 'followers');
  const last = parts[parts.length - 1] ?? '';
  if (!last) return '';
  const known = FIELD_LABELS[last];
  if (known) return known;
  const spaced = last.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

/** "Ratio: must be …", but not "Account: account … is already a follower": a message that names its field says it alone. */
export function labelled(field: string, message: string): string {
  const label = fieldLabel(field);
  if (!label || message.toLowerCase().startsWith(label.toLowerCase())) return message;
  return `${label}: ${message}`;
}

/** A message once per list, in the order first seen (a local and an engine check may say the same). */
export function uniqueMessages(messages: readonly string[]): string[] {
  return [...new Set(messages)];
}

/** Errors for a field and everything under it (`followers[2]` also gets `followers[2].account`), labelled by field name. */
export function errorsUnder(errors: FieldErrors, prefix: string): string[] {
  const out: string[] = [];
  for (const [k, msgs] of Object.entries(errors)) {
    if (k === prefix || k.startsWith(`${prefix}.`) || k.startsWith(`${prefix}[`)) out.push(...msgs.map((m) => (k === prefix ? m : labelled(k, m))));
  }
  return uniqueMessages(out);
}

/** Exactly this field's messages, prefixed with the field path as the engine names it. */
export function errorsAt(errors: FieldErrors, field: string): string[] {
  return [...(errors[field] ?? [])];
}

/** Messages of every field a form does not show by itself (shown together, prefixed). */
export function unclaimed(errors: FieldErrors, claimed: readonly string[] | ((field: string) => boolean)): string[] {
  const out: string[] = [];
  const isClaimed = typeof claimed === 'function' ? claimed : (k: string) => claimed.includes(k);
  for (const [k, msgs] of Object.entries(errors)) {
    if (isClaimed(k)) continue;
    out.push(...msgs.map((m) => (k ? labelled(k, m) : m)));
  }
  return uniqueMessages(out);
}

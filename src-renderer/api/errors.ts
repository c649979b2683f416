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
    const message = issues.map((i) => (i.field ? `${i.field}: ${i.message}` : i.message)).join('; ');
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

/** Errors for a field and everything under it (`followers[2]` also gets `followers[2].account`). */
export function errorsUnder(errors: FieldErrors, prefix: string): string[] {
  const out: string[] = [];
  for (const [k, msgs] of Object.entries(errors)) {
    if (k === prefix || k.startsWith(`${prefix}.`) || k.startsWith(`${prefix}[`)) out.push(...msgs.map((m) => (k === prefix ? m : `${k}: ${m}`)));
  }
  return out;
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
    out.push(...msgs.map((m) => (k ? `${k}: ${m}` : m)));
  }
  return out;
}

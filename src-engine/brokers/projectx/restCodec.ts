/**
 * Decoding of REST response bodies: the common envelope (`success`/`errorCode`/`errorMessage`)
 * and each endpoint's payload field. Never throws: every function returns a typed value or a
 * readable error, because a broker answer we cannot read must become a classified outcome, not a
 * crash.
 */
import { z } from 'zod';
import {
  describeZodError,
  wireAccountSchema,
  wireContractSchema,
  wireOrderSchema,
  wirePositionSchema,
  wireTradeSchema,
  type WireAccount,
  type WireContract,
  type WireOrder,
  type WirePosition,
  type WireTrade,
} from './wireModels';

export type Decoded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

const ok = <T>(value: T): Decoded<T> => ({ ok: true, value });
const fail = (error: string): { ok: false; error: string } => ({ ok: false, error });

const envelopeSchema = z.looseObject({
  success: z.boolean(),
  errorCode: z.number().int(),
  errorMessage: z.string().nullish(),
});

export interface Envelope {
  readonly success: boolean;
  readonly errorCode: number;
  readonly errorMessage: string | undefined;
  /** The whole body, for the endpoint's payload field. */
  readonly body: Readonly<Record<string, unknown>>;
}

export function decodeEnvelope(body: unknown): Decoded<Envelope> {
  const r = envelopeSchema.safeParse(body);
  if (!r.success) return fail(`not a gateway envelope (${describeZodError(r.error)})`);
  const { success, errorCode, errorMessage } = r.data;
  // The two fields say the same thing twice; when they disagree we cannot know which is true.
  if (success !== (errorCode === 0)) return fail(`envelope says success=${success} with errorCode=${errorCode}`);
  return ok({ success, errorCode, errorMessage: errorMessage ?? undefined, body: r.data });
}

/** Parses response text as JSON without throwing. */
export function parseJson(text: string): Decoded<unknown> {
  try {
    return ok(JSON.parse(text) as unknown);
  } catch (e) {
    return fail(`not JSON (${e instanceof Error ? e.message : String(e)}): ${text.slice(0, 80)}`);
  }
}

function field(env: Envelope, name: string): unknown {
  return env.body[name];
}

function decodeOne<S extends z.ZodType>(value: unknown, schema: S, what: string): Decoded<z.output<S>> {
  const r = schema.safeParse(value);
  return r.success ? ok(r.data) : fail(`bad ${what}: ${describeZodError(r.error)}`);
}

/**
 * A list payload. `undefined` means the broker did not say (absent or null), which callers must
 * treat as unknown, never as empty (§2). Null padding entries are skipped.
 */
function decodeList<S extends z.ZodType>(env: Envelope, name: string, schema: S): Decoded<z.output<S>[] | undefined> {
  const raw = field(env, name);
  if (raw === undefined || raw === null) return ok(undefined);
  if (!Array.isArray(raw)) return fail(`${name} is not a list`);
  const out: z.output<S>[] = [];
  for (let i = 0; i < raw.length; i++) {
    const item: unknown = raw[i];
    if (item === null) continue;
    const r = schema.safeParse(item);
    if (!r.success) return fail(`bad ${name}[${i}]: ${describeZodError(r.error)}`);
    out.push(r.data);
  }
  return ok(out);
}

function requiredString(env: Envelope, name: string): Decoded<string> {
  const v = field(env, name);
  return typeof v === 'string' && v.length > 0 ? ok(v) : fail(`${name} missing from a successful response`);
}

export const decodeToken = (env: Envelope): Decoded<string> => requiredString(env, 'token');
export const decodeNewToken = (env: Envelope): Decoded<string> => requiredString(env, 'newToken');
export const decodeAccounts = (env: Envelope): Decoded<WireAccount[] | undefined> => decodeList(env, 'accounts', wireAccountSchema);
export const decodeContracts = (env: Envelope): Decoded<WireContract[] | undefined> => decodeList(env, 'contracts', wireContractSchema);
export const decodeOrders = (env: Envelope): Decoded<WireOrder[] | undefined> => decodeList(env, 'orders', wireOrderSchema);
export const decodePositions = (env: Envelope): Decoded<WirePosition[] | undefined> => decodeList(env, 'positions', wirePositionSchema);
export const decodeTrades = (env: Envelope): Decoded<WireTrade[] | undefined> => decodeList(env, 'trades', wireTradeSchema);

/** `contract` (current docs) or `contracts: [x]` (an older snapshot of the same endpoint). */
export function decodeContract(env: Envelope): Decoded<WireContract | undefined> {
  const single = field(env, 'contract');
  if (single !== undefined && single !== null) return decodeOne(single, wireContractSchema, 'contract');
  const list = decodeContracts(env);
  if (!list.ok) return list;
  return ok(list.value?.[0]);
}

export function decodeOrder(env: Envelope): Decoded<WireOrder | undefined> {
  const v = field(env, 'order');
  if (v === undefined || v === null) return ok(undefined);
  return decodeOne(v, wireOrderSchema, 'order');
}

/** The id of a placed order. It may be present on a rejection too (the rejected order is recorded). */
export function decodeOrderId(env: Envelope): Decoded<number | undefined> {
  const v = field(env, 'orderId');
  if (v === undefined || v === null) return ok(undefined);
  return typeof v === 'number' && Number.isSafeInteger(v) ? ok(v) : fail('orderId is not an integer');
}

const problemSchema = z.looseObject({ title: z.string().nullish(), detail: z.string().nullish(), status: z.number().nullish() });

/** RFC 7807 ProblemDetails (400 answers of v2/query): its title/detail as one line, if that is what it is. */
export function describeProblem(body: unknown): string | undefined {
  const r = problemSchema.safeParse(body);
  if (!r.success) return undefined;
  const parts = [r.data.title, r.data.detail].filter((p): p is string => typeof p === 'string' && p.length > 0);
  return parts.length > 0 ? parts.join(': ') : undefined;
}

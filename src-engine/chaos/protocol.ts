/**
 * What the chaos harness and the engine child process say to each other over the Node IPC channel,
 * and the spec the child starts from (passed in the environment, so a restarted child reads the
 * same one). The harness hosts the simulators; the child holds only the engine and its database.
 */
import { z } from 'zod';
import { FollowerInput, GroupSettingsInput } from '../api/config';

export const SPEC_ENV = 'MIRRORFILL_CHAOS_SPEC';

export const ChildAccount = z.strictObject({
  key: z.string().min(1),
  broker: z.enum(['tradovate', 'projectx']),
  brokerAccountId: z.string().min(1),
  name: z.string().min(1),
  login: z.string().min(1),
  secret: z.string().min(1),
});
export type ChildAccount = z.infer<typeof ChildAccount>;

export const ChildGroup = z.strictObject({
  name: z.string().min(1),
  leader: z.string().min(1),
  followers: z.array(FollowerInput),
  settings: GroupSettingsInput.optional(),
});
export type ChildGroup = z.infer<typeof ChildGroup>;

export const ChildSpec = z.strictObject({
  dbPath: z.string().min(1),
  tradovate: z.strictObject({ restUrl: z.string(), wsUrl: z.string(), mdUrl: z.string() }),
  projectx: z.strictObject({ apiUrl: z.string(), userHubUrl: z.string(), marketHubUrl: z.string() }),
  accounts: z.array(ChildAccount),
  groups: z.array(ChildGroup),
});
export type ChildSpec = z.infer<typeof ChildSpec>;

/** Harness → child. */
export type ToChild =
  /** Answer `settled` once every connection is up and reconciled and nothing is in flight. */
  | { readonly type: 'settle'; readonly id: number }
  /** Answer `flags` with each account's out-of-sync, quarantine and lock flags. */
  | { readonly type: 'flags'; readonly id: number; readonly accounts: readonly string[] }
  /** Stop gracefully and exit 0. */
  | { readonly type: 'stop' };

export interface AccountFlagsReport {
  readonly account: string;
  readonly outOfSync: readonly string[];
  readonly quarantined: readonly string[];
  readonly locked: false | 'breach' | 'soft';
}

/** Child → harness. */
export type FromChild =
  | { readonly type: 'ready'; readonly fresh: boolean; readonly recoveredFrom: string | null }
  | { readonly type: 'settled'; readonly id: number; readonly activity: number }
  | { readonly type: 'flags'; readonly id: number; readonly flags: readonly AccountFlagsReport[] }
  | { readonly type: 'fatal'; readonly message: string };

const FromChildSchema = z.union([
  z.strictObject({ type: z.literal('ready'), fresh: z.boolean(), recoveredFrom: z.string().nullable() }),
  z.strictObject({ type: z.literal('settled'), id: z.number(), activity: z.number() }),
  z.strictObject({
    type: z.literal('flags'),
    id: z.number(),
    flags: z.array(z.strictObject({ account: z.string(), outOfSync: z.array(z.string()), quarantined: z.array(z.string()), locked: z.union([z.literal(false), z.enum(['breach', 'soft'])]) })),
  }),
  z.strictObject({ type: z.literal('fatal'), message: z.string() }),
]);

const ToChildSchema = z.union([
  z.strictObject({ type: z.literal('settle'), id: z.number() }),
  z.strictObject({ type: z.literal('flags'), id: z.number(), accounts: z.array(z.string()) }),
  z.strictObject({ type: z.literal('stop') }),
]);

export function parseFromChild(message: unknown): FromChild | undefined {
  const r = FromChildSchema.safeParse(message);
  return r.success ? r.data : undefined;
}

export function parseToChild(message: unknown): ToChild | undefined {
  const r = ToChildSchema.safeParse(message);
  return r.success ? r.data : undefined;
}

/**
 * The SignalR JSON hub protocol's framing and message shapes (§12.2; Microsoft HubProtocol.md):
 * every record is one JSON object followed by the record separator 0x1E, and one WebSocket frame
 * may carry several records. Used by the simulator's hub server and by the raw-protocol tests; the
 * adapter speaks through @microsoft/signalr with a tolerant wrapper (tolerantHubProtocol.ts).
 */
import { z } from 'zod';
import type { Decoded } from './restCodec';
import { describeZodError } from './wireModels';

export const RECORD_SEPARATOR = '\x1e';

export const MessageKind = { Invocation: 1, StreamItem: 2, Completion: 3, StreamInvocation: 4, CancelInvocation: 5, Ping: 6, Close: 7 } as const;

export function encodeRecord(message: unknown): string {
  return JSON.stringify(message) + RECORD_SEPARATOR;
}

/**
 * Splits a text stream into records. Keeps an unterminated tail for the next chunk (WebSocket
 * frames normally hold whole records, but nothing in the protocol promises it).
 */
export class RecordSplitter {
  private tail = '';

  push(chunk: string): string[] {
    const parts = (this.tail + chunk).split(RECORD_SEPARATOR);
    this.tail = parts.pop() ?? '';
    return parts.filter((p) => p.length > 0);
  }

  pending(): number {
    return this.tail.length;
  }
}

const handshakeSchema = z.looseObject({ protocol: z.string(), version: z.number().int() });
export type HandshakeRequest = z.output<typeof handshakeSchema>;

const invocationSchema = z.looseObject({
  type: z.literal(MessageKind.Invocation),
  invocationId: z.string().min(1).optional(),
  target: z.string().min(1),
  arguments: z.array(z.unknown()),
});
const completionSchema = z.looseObject({
  type: z.literal(MessageKind.Completion),
  invocationId: z.string().min(1),
  result: z.unknown().optional(),
  error: z.string().optional(),
});
const pingSchema = z.looseObject({ type: z.literal(MessageKind.Ping) });
const closeSchema = z.looseObject({ type: z.literal(MessageKind.Close), error: z.string().nullish(), allowReconnect: z.boolean().optional() });
const otherSchema = z.looseObject({ type: z.number().int() });

/** The kinds ProjectX uses; a malformed one of these is an error, any other kind is passed over. */
const HANDLED_KINDS: ReadonlySet<number> = new Set([MessageKind.Invocation, MessageKind.Completion, MessageKind.Ping, MessageKind.Close]);

const messageSchema = z.union([invocationSchema, completionSchema, pingSchema, closeSchema]);

export type HubInvocation = z.output<typeof invocationSchema>;
export type HubCompletion = z.output<typeof completionSchema>;
export type HubMessage = z.output<typeof messageSchema> | { readonly type: 'other'; readonly code: number };

function parse(text: string): Decoded<unknown> {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, error: `record is not JSON (${e instanceof Error ? e.message : String(e)})` };
  }
}

export function parseHandshake(record: string): Decoded<HandshakeRequest> {
  const j = parse(record);
  if (!j.ok) return j;
  const r = handshakeSchema.safeParse(j.value);
  return r.success ? { ok: true, value: r.data } : { ok: false, error: `bad handshake: ${describeZodError(r.error)}` };
}

/** One hub record. Message types this protocol does not use are returned as `other`, not refused. */
export function parseHubRecord(record: string): Decoded<HubMessage> {
  const j = parse(record);
  if (!j.ok) return j;
  const known = messageSchema.safeParse(j.value);
  if (known.success) return { ok: true, value: known.data };
  const other = otherSchema.safeParse(j.value);
  if (other.success && !HANDLED_KINDS.has(other.data.type)) return { ok: true, value: { type: 'other', code: other.data.type } };
  return { ok: false, error: `bad hub message: ${describeZodError(known.error)}` };
}

/**
 * Tradovate's WebSocket framing (protocols/tradovate.md §3), both directions.
 *
 * Server → client frames are SockJS-derived: `o` open, `h` heartbeat, `a[...]` an array of
 * messages (several per frame), `c[code,"reason"]` close. Client → server frames are plain text
 * `endpoint\nid\nquery\nbody`, or `[]` as the client heartbeat.
 *
 * Nothing here throws on bad input: every parse returns a Decoded value or an error text, because
 * the bytes come from a network peer and a crash on a malformed frame would take every account of
 * the login down with it.
 */

export type Decoded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

export function decoded<T>(value: T): Decoded<T> {
  return { ok: true, value };
}

export function failed<T>(error: string): Decoded<T> {
  return { ok: false, error };
}

// ---- server → client -------------------------------------------------------------------------

/** An answer to a request: `d` is the REST payload when 2xx, else (per §3.4) error text. */
export type ResponseMessage =
  | { readonly kind: 'response'; readonly id: number; readonly status: number; readonly ok: true; readonly data: unknown }
  | { readonly kind: 'response'; readonly id: number; readonly status: number; readonly ok: false; readonly error: string };

export type PropsEventType = 'Created' | 'Updated' | 'Deleted';

export type EventMessage =
  /** `entity` may be one object or an array on the wire; here it is always a list. */
  | { readonly kind: 'props'; readonly entityType: string; readonly eventType: PropsEventType; readonly entities: readonly unknown[] }
  | { readonly kind: 'shutdown'; readonly reasonCode: string; readonly reason?: string }
  | { readonly kind: 'md'; readonly quotes: readonly unknown[] }
  /** chart, clock, DOMs, histograms and kinds we do not use: recognised, ignored by the adapter. */
  | { readonly kind: 'otherEvent'; readonly name: string };

export type ServerMessage = ResponseMessage | EventMessage;

export type ServerFrame =
  | { readonly type: 'open' }
  | { readonly type: 'heartbeat' }
  | { readonly type: 'close'; readonly code: number; readonly reason: string }
  /**
   * Elements that could not be read are listed in `invalid` (with why) while the good ones are
   * still delivered: one bad message must not hide the fill next to it.
   */
  | { readonly type: 'messages'; readonly messages: readonly ServerMessage[]; readonly invalid: readonly string[] };

/** Frames larger than this are refused before JSON.parse (a hostile or broken peer). */
export const MAX_FRAME_CHARS = 32 * 1024 * 1024;

export function parseServerFrame(text: unknown): Decoded<ServerFrame> {
  if (typeof text !== 'string') return failed('frame is not text');
  if (text.length === 0) return failed('empty frame');
  if (text.length > MAX_FRAME_CHARS) return failed(`frame of ${text.length} chars is too large`);
  const kind = text.charAt(0);
  const rest = text.slice(1);
  switch (kind) {
    case 'o':
      return rest.length === 0 ? decoded({ type: 'open' }) : failed(`open frame with trailing data: ${preview(rest)}`);
    case 'h':
      return rest.length === 0 ? decoded({ type: 'heartbeat' }) : failed(`heartbeat frame with trailing data: ${preview(rest)}`);
    case 'c':
      return parseCloseFrame(rest);
    case 'a':
      return parseArrayFrame(rest);
    default:
      return failed(`unknown frame type: ${preview(text)}`);
  }
}

function parseCloseFrame(rest: string): Decoded<ServerFrame> {
  const json = parseJson(rest);
  if (!json.ok) return failed(`close frame: ${json.error}`);
  const v = json.value;
  if (!Array.isArray(v) || v.length < 1 || !isInt(v[0]) || (v.length > 1 && typeof v[1] !== 'string')) {
    return failed(`close frame is not [code,"reason"]: ${preview(rest)}`);
  }
  return decoded({ type: 'close', code: v[0], reason: typeof v[1] === 'string' ? v[1] : '' });
}

function parseArrayFrame(rest: string): Decoded<ServerFrame> {
  const json = parseJson(rest);
  if (!json.ok) return failed(`array frame: ${json.error}`);
  if (!Array.isArray(json.value)) return failed(`array frame is not an array: ${preview(rest)}`);
  const messages: ServerMessage[] = [];
  const invalid: string[] = [];
  for (const element of json.value as unknown[]) {
    const m = parseServerMessage(element);
    if (m.ok) messages.push(m.value);
    else invalid.push(m.error);
  }
  return decoded({ type: 'messages', messages, invalid });
}

/** One element of an `a[...]` frame: a response `{i,s,d}` or an event `{e,d}`. */
export function parseServerMessage(element: unknown): Decoded<ServerMessage> {
  if (!isRecord(element)) return failed(`message is not an object: ${preview(safeStringify(element))}`);
  if ('e' in element) return parseEvent(element);
  if ('i' in element || 's' in element) return parseResponse(element);
  return failed(`message is neither a response nor an event: ${preview(safeStringify(element))}`);
}

function parseResponse(m: Record<string, unknown>): Decoded<ServerMessage> {
  const id = m.i;
  const status = m.s;
  if (!isInt(id) || id < 0) return failed(`response without a valid id: ${preview(safeStringify(m))}`);
  if (!isInt(status) || status < 100 || status > 599) return failed(`response ${id} without a valid status`);
  if (status >= 200 && status < 300) return decoded({ kind: 'response', id, status, ok: true, data: m.d });
  // §3.4 says d is a string; tolerate a missing one (bare `{"s":429,"i":7}`) or an object.
  const d = m.d;
  const error = typeof d === 'string' ? d : d === undefined || d === null ? `HTTP ${status}` : preview(safeStringify(d), 500);
  return decoded({ kind: 'response', id, status, ok: false, error });
}

function parseEvent(m: Record<string, unknown>): Decoded<ServerMessage> {
  const name = m.e;
  if (typeof name !== 'string' || name.length === 0) return failed('event without a name');
  const d = m.d;
  switch (name) {
    case 'props': {
      if (!isRecord(d)) return failed('props event without an object payload');
      const { entityType, eventType, entity } = d;
      if (typeof entityType !== 'string' || entityType.length === 0) return failed('props event without entityType');
      if (eventType !== 'Created' && eventType !== 'Updated' && eventType !== 'Deleted') return failed(`props event with eventType ${preview(safeStringify(eventType))}`);
      if (entity === undefined || entity === null) return failed(`props ${entityType} ${eventType} without entity`);
      const entities: unknown[] = Array.isArray(entity) ? entity : [entity];
      return decoded({ kind: 'props', entityType, eventType, entities });
    }
    case 'shutdown': {
      // A shutdown we cannot read is still a shutdown: the adapter reconnects either way.
      const reasonCode = isRecord(d) && typeof d.reasonCode === 'string' ? d.reasonCode : 'Unknown';
      const reason = isRecord(d) && typeof d.reason === 'string' ? d.reason : undefined;
      return decoded({ kind: 'shutdown', reasonCode, ...(reason !== undefined ? { reason } : {}) });
    }
    case 'md': {
      if (!isRecord(d)) return failed('md event without an object payload');
      if (d.quotes === undefined) return decoded({ kind: 'otherEvent', name: 'md' }); // DOMs, histograms
      if (!Array.isArray(d.quotes)) return failed('md event whose quotes is not a list');
      return decoded({ kind: 'md', quotes: d.quotes as unknown[] });
    }
    default:
      return decoded({ kind: 'otherEvent', name });
  }
}

// ---- client → server -------------------------------------------------------------------------

export const CLIENT_HEARTBEAT = '[]';

/**
 * `endpoint\nid\nquery\nbody`. Every separator is present even when a field is empty (§3.2).
 * The body is raw text (the authorize token) or JSON already serialised by the caller.
 */
export function formatRequest(endpoint: string, id: number, query = '', body = ''): string {
  if (!/^[A-Za-z0-9/_.-]+$/.test(endpoint)) throw new Error(`invalid endpoint "${endpoint}"`);
  if (!Number.isSafeInteger(id) || id < 0) throw new Error(`invalid request id ${id}`);
  if (query.includes('\n')) throw new Error('query must not contain a newline');
  return `${endpoint}\n${id}\n${query}\n${body}`;
}

export function formatJsonRequest(endpoint: string, id: number, query: Readonly<Record<string, string | number>> | undefined, body: unknown): string {
  return formatRequest(endpoint, id, query ? new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)])).toString() : '', body === undefined ? '' : JSON.stringify(body));
}

/** The token goes raw in the body, not as JSON (§3.3). */
export function formatAuthorize(id: number, token: string): string {
  return formatRequest('authorize', id, '', token);
}

// ---- server side (used by the simulator) ----------------------------------------------------

export type ClientFrame =
  | { readonly type: 'heartbeat' }
  | { readonly type: 'request'; readonly endpoint: string; readonly id: number; readonly query: string; readonly body: string };

export function parseClientFrame(text: unknown): Decoded<ClientFrame> {
  if (typeof text !== 'string') return failed('frame is not text');
  if (text === CLIENT_HEARTBEAT) return decoded({ type: 'heartbeat' });
  if (text.length > MAX_FRAME_CHARS) return failed('frame too large');
  const a = text.indexOf('\n');
  const b = a < 0 ? -1 : text.indexOf('\n', a + 1);
  const c = b < 0 ? -1 : text.indexOf('\n', b + 1);
  if (c < 0) return failed(`request is not "endpoint\\nid\\nquery\\nbody": ${preview(text)}`);
  const endpoint = text.slice(0, a).trim();
  const idText = text.slice(a + 1, b).trim();
  if (!/^[A-Za-z0-9/_.-]+$/.test(endpoint)) return failed(`invalid endpoint: ${preview(endpoint)}`);
  if (!/^\d{1,15}$/.test(idText)) return failed(`invalid request id: ${preview(idText)}`);
  return decoded({ type: 'request', endpoint, id: Number(idText), query: text.slice(b + 1, c), body: text.slice(c + 1) });
}

export const OPEN_FRAME = 'o';
export const SERVER_HEARTBEAT = 'h';

export function formatServerFrame(messages: readonly unknown[]): string {
  return `a${JSON.stringify(messages)}`;
}

export function formatCloseFrame(code: number, reason: string): string {
  return `c${JSON.stringify([code, reason])}`;
}

export function responseMessage(id: number, status: number, data?: unknown): { i: number; s: number; d?: unknown } {
  return data === undefined ? { i: id, s: status } : { i: id, s: status, d: data };
}

export function propsMessage(entityType: string, eventType: PropsEventType, entity: unknown): { e: 'props'; d: { entityType: string; eventType: PropsEventType; entity: unknown } } {
  return { e: 'props', d: { entityType, eventType, entity } };
}

// ---- helpers -----------------------------------------------------------------------------------

export function parseJson(text: string): Decoded<unknown> {
  try {
    return decoded(JSON.parse(text) as unknown);
  } catch (e) {
    // RangeError from absurd nesting lands here too.
    return failed(`invalid JSON (${e instanceof Error ? e.message.slice(0, 80) : 'unreadable'}): ${preview(text)}`);
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v);
}

function safeStringify(v: unknown): string {
  try {
    // JSON.stringify answers undefined for functions and symbols, whatever its declared type says.
    const text = JSON.stringify(v) as unknown;
    return typeof text === 'string' ? text : String(v);
  } catch {
    return '[unprintable]';
  }
}

/** Short, single-line excerpt for error texts and logs (frames can be megabytes). */
export function preview(text: string, max = 120): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > max ? `${oneLine.slice(0, max)}…` : oneLine;
}

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CLIENT_HEARTBEAT,
  formatAuthorize,
  formatCloseFrame,
  formatJsonRequest,
  formatRequest,
  formatServerFrame,
  parseClientFrame,
  parseServerFrame,
  propsMessage,
  responseMessage,
  type ServerFrame,
} from './codec';
import { placeOsoResultSchema, wireFillSchema, wireOrderSchema } from './wireModels';

function frame(text: string): ServerFrame {
  const r = parseServerFrame(text);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

describe('server frames', () => {
  it('reads open, heartbeat and close', () => {
    expect(frame('o')).toEqual({ type: 'open' });
    expect(frame('h')).toEqual({ type: 'heartbeat' });
    expect(frame('c[3000,"Go away!"]')).toEqual({ type: 'close', code: 3000, reason: 'Go away!' });
  });

  it('reads the documented response example', () => {
    const f = frame('a[{"s":200,"i":23,"d":{"id":65543,"name":"CLZ6","contractMaturityId":6727}}]');
    expect(f).toEqual({ type: 'messages', invalid: [], messages: [{ kind: 'response', id: 23, status: 200, ok: true, data: { id: 65543, name: 'CLZ6', contractMaturityId: 6727 } }] });
  });

  it('reads several messages per frame, errors as strings, and bare 429s', () => {
    const f = frame('a[{"s":404,"i":4,"d":"Not found"},{"s":429,"i":5},{"s":200,"i":0}]');
    if (f.type !== 'messages') throw new Error('expected messages');
    expect(f.messages).toEqual([
      { kind: 'response', id: 4, status: 404, ok: false, error: 'Not found' },
      { kind: 'response', id: 5, status: 429, ok: false, error: 'HTTP 429' },
      { kind: 'response', id: 0, status: 200, ok: true, data: undefined },
    ]);
  });

  it('normalises props entity objects and arrays to lists', () => {
    const one = frame('a[{"e":"props","d":{"entityType":"order","eventType":"Created","entity":{"id":210518,"accountId":25,"contractId":560901,"timestamp":"2016-11-04T00:02:36.626Z","action":"Sell","ordStatus":"PendingNew","admin":false}}}]');
    const many = frame('a[{"e":"props","d":{"entityType":"fill","eventType":"Created","entity":[{"id":1},{"id":2}]}}]');
    if (one.type !== 'messages' || many.type !== 'messages') throw new Error('expected messages');
    expect(one.messages[0]).toMatchObject({ kind: 'props', entityType: 'order', eventType: 'Created' });
    expect(one.messages[0]?.kind === 'props' && one.messages[0].entities.length).toBe(1);
    expect(many.messages[0]?.kind === 'props' && many.messages[0].entities.length).toBe(2);
  });

  it('reads shutdown and md quote events, and passes other events through', () => {
    const f = frame('a[{"e":"shutdown","d":{"reasonCode":"Maintenance"}},{"e":"md","d":{"quotes":[{"contractId":1,"entries":{}}]}},{"e":"clock","d":"{\\"t\\":\\"x\\"}"}]');
    if (f.type !== 'messages') throw new Error('expected messages');
    expect(f.messages.map((m) => m.kind)).toEqual(['shutdown', 'md', 'otherEvent']);
  });

  it('keeps the good messages of a frame that also holds bad ones', () => {
    const f = frame('a[{"s":200,"i":1},42,{"e":"props","d":{"entityType":"order","eventType":"Exploded","entity":{}}},{"i":-1,"s":200}]');
    if (f.type !== 'messages') throw new Error('expected messages');
    expect(f.messages).toHaveLength(1);
    expect(f.invalid).toHaveLength(3);
  });

  it.each(['', 'x', 'a', 'a{', 'a{"i":1}', 'c', 'c[', 'c["x"]', 'oo', 'h1', 'a[1,2', 'a' + '['.repeat(100_000)])('refuses %s without throwing', (text) => {
    const r = parseServerFrame(text.slice(0, 50_000 + 1));
    expect(r.ok).toBe(false);
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.jsonValue().map((v) => `a${JSON.stringify(v)}`), fc.anything()), (input) => {
        parseServerFrame(input);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('client frames', () => {
  it('formats requests with every separator present', () => {
    expect(formatRequest('executionReport/list', 4)).toBe('executionReport/list\n4\n\n');
    expect(formatRequest('tradingPermission/ldeps', 8, 'masterids=1')).toBe('tradingPermission/ldeps\n8\nmasterids=1\n');
    expect(formatJsonRequest('contract/rollcontract', 33, undefined, { name: 'YMZ6', forward: true })).toBe('contract/rollcontract\n33\n\n{"name":"YMZ6","forward":true}');
    expect(formatAuthorize(0, 'tok')).toBe('authorize\n0\n\ntok');
    expect(CLIENT_HEARTBEAT).toBe('[]');
  });

  it('round-trips through the server-side parser, body newlines included', () => {
    const text = formatJsonRequest('order/placeorder', 7, { a: 1 }, { text: 'two\nlines' });
    expect(parseClientFrame(text)).toEqual({ ok: true, value: { type: 'request', endpoint: 'order/placeorder', id: 7, query: 'a=1', body: '{"text":"two\\nlines"}' } });
    expect(parseClientFrame('[]')).toEqual({ ok: true, value: { type: 'heartbeat' } });
  });

  it('refuses malformed client frames', () => {
    for (const bad of ['', 'authorize', 'authorize\n0\n', 'auth orize\n0\n\n', 'x\nabc\n\n', 42]) expect(parseClientFrame(bad).ok).toBe(false);
    expect(() => formatRequest('bad\nendpoint', 1)).toThrow();
  });

  it('formats server frames the client parser reads back', () => {
    const text = formatServerFrame([responseMessage(3, 200, { ok: 1 }), propsMessage('fill', 'Created', [{ id: 1 }])]);
    const f = frame(text);
    if (f.type !== 'messages') throw new Error('expected messages');
    expect(f.messages.map((m) => m.kind)).toEqual(['response', 'props']);
    expect(frame(formatCloseFrame(1000, 'bye'))).toEqual({ type: 'close', code: 1000, reason: 'bye' });
  });
});

describe('payload schemas', () => {
  it('reads entities with extra fields and ISO timestamps, large ids included', () => {
    const o = wireOrderSchema.parse({ id: 600000000001, accountId: 25, contractId: 560901, timestamp: '2016-11-04T00:02:36.626Z', action: 'Sell', ordStatus: 'PendingNew', admin: false, archived: false });
    expect(o.id).toBe(600000000001);
    expect(o.timestamp).toBe(Date.UTC(2016, 10, 4, 0, 2, 36, 626));
    expect(wireFillSchema.safeParse({ id: 1, orderId: 2, contractId: 3, action: 'Buy', qty: 1, price: Infinity }).success).toBe(false);
    expect(wireFillSchema.safeParse({ id: 2 ** 60, orderId: 2, contractId: 3, action: 'Buy', qty: 1, price: 1 }).success).toBe(false);
    expect(placeOsoResultSchema.parse({ orderId: 10, oso1Id: 11, oso2Id: 12 })).toMatchObject({ orderId: 10, oso1Id: 11, oso2Id: 12 });
  });
});

import { describe, expect, it } from 'vitest';
import { decodeMarketEvent, decodeUserEvent } from './hubCodec';
import { decodeAccounts, decodeContract, decodeEnvelope, decodeOrderId, decodeOrders, describeProblem, parseJson } from './restCodec';
import { encodeRecord, parseHandshake, parseHubRecord, RecordSplitter } from './signalrFraming';
import { completeOrder, completeTrade, mergeSparse, wireOrderSchema, type WireOrder } from './wireModels';
import { formatWireTime, parseWireTime } from './wireTime';
import { backoffDelay } from './backoff';
import { lifetimeOf } from './tokenManager';
import { retryAfterMs } from './restClient';
import { errorCodeName, isAmbiguousCode } from './wireEnums';
import { bracketFields, ticksBetween } from './bracketTicks';
import { scrubSecrets } from './secretText';
import { Rational } from '../../domain/rational';

const ORDER = {
  id: 36598,
  accountId: 704,
  contractId: 'CON.F.US.EP.U25',
  symbolId: 'F.US.EP',
  creationTimestamp: '2025-07-18T21:00:01.268009+00:00',
  updateTimestamp: '2025-07-18T21:00:01.268009+00:00',
  status: 2,
  type: 2,
  side: 0,
  size: 1,
  limitPrice: null,
  stopPrice: null,
  fillVolume: 1,
  filledPrice: 6335.25,
  customTag: null,
  trailDistance: null,
  trailPrice: null,
  parentOrderId: null,
  linkedOrderId: null,
};

describe('timestamps', () => {
  it('reads every shape the gateway sends, zone-less as UTC', () => {
    expect(parseWireTime('2025-07-18T21:00:01.268009+00:00')).toBe(Date.UTC(2025, 6, 18, 21, 0, 1, 268));
    expect(parseWireTime('2025-01-20T15:47:39.882Z')).toBe(Date.UTC(2025, 0, 20, 15, 47, 39, 882));
    expect(parseWireTime('2025-01-20T15:47:39')).toBe(Date.UTC(2025, 0, 20, 15, 47, 39));
    expect(parseWireTime('2025-01-20T09:47:39-06:00')).toBe(Date.UTC(2025, 0, 20, 15, 47, 39));
    expect(parseWireTime('yesterday')).toBeUndefined();
  });
  it('round-trips what the simulator writes', () => {
    const t = Date.UTC(2026, 2, 2, 15, 30, 0, 123);
    expect(formatWireTime(t)).toBe('2026-03-02T15:30:00.123000+00:00');
    expect(parseWireTime(formatWireTime(t))).toBe(t);
  });
});

describe('REST envelope', () => {
  it('accepts success and business failures, with their payload field', () => {
    const ok = decodeEnvelope({ orderId: 9056, success: true, errorCode: 0, errorMessage: null });
    expect(ok.ok && ok.value.success).toBe(true);
    if (ok.ok) expect(decodeOrderId(ok.value)).toEqual({ ok: true, value: 9056 });
    const rejected = decodeEnvelope({ orderId: 9057, success: false, errorCode: 2, errorMessage: 'Invalid symbol' });
    expect(rejected.ok && rejected.value.errorMessage).toBe('Invalid symbol');
  });
  it('refuses an envelope whose success and errorCode disagree', () => {
    const r = decodeEnvelope({ success: true, errorCode: 3, errorMessage: null });
    expect(r.ok).toBe(false);
    expect(decodeEnvelope({ success: false, errorCode: 0 }).ok).toBe(false);
  });
  it('treats an absent list as unknown, skips null padding, and reports a bad row', () => {
    const env = (body: object) => {
      const e = decodeEnvelope({ success: true, errorCode: 0, errorMessage: null, ...body });
      if (!e.ok) throw new Error(e.error);
      return e.value;
    };
    expect(decodeAccounts(env({}))).toEqual({ ok: true, value: undefined });
    expect(decodeAccounts(env({ accounts: null }))).toEqual({ ok: true, value: undefined });
    const accounts = decodeAccounts(env({ accounts: [{ id: 1, name: 'TEST_ACCOUNT_1', canTrade: true, isVisible: true }, null] }));
    expect(accounts.ok && accounts.value?.length).toBe(1);
    expect(decodeOrders(env({ orders: [{ id: 'x' }] })).ok).toBe(false);
  });
  it('reads searchById as contract or as an older contracts list', () => {
    const c = { id: 'CON.F.US.ENQ.H25', name: 'NQH5', tickSize: 0.25, tickValue: 5, activeContract: false, symbolId: 'F.US.ENQ' };
    for (const body of [{ contract: c }, { contracts: [c] }]) {
      const e = decodeEnvelope({ success: true, errorCode: 0, ...body });
      expect(e.ok && decodeContract(e.value)).toMatchObject({ ok: true, value: { id: 'CON.F.US.ENQ.H25' } });
    }
  });
  it('never throws on junk', () => {
    for (const junk of [null, 1, 'x', [], { success: 'yes' }, { success: true }]) expect(decodeEnvelope(junk).ok).toBe(false);
    expect(parseJson('{"success":tru').ok).toBe(false);
    expect(describeProblem({ type: 'x', title: 'One or more validation errors occurred.', status: 400, detail: 'pageSize' })).toBe('One or more validation errors occurred.: pageSize');
  });
});

describe('hub payloads', () => {
  const variants: [string, unknown[]][] = [
    ['bare', [ORDER]],
    ['action/data envelope', [{ action: 1, data: ORDER }]],
    ['array with null padding', [[ORDER, null]]],
    ['envelope holding an array', [{ action: 1, data: [null, ORDER] }]],
  ];
  it.each(variants)('decodes a %s order event to the same entity', (_name, args) => {
    const d = decodeUserEvent('GatewayUserOrder', args);
    expect(d.ok).toBe(true);
    if (!d.ok || d.value.kind !== 'order') return;
    expect(d.value.items).toHaveLength(1);
    expect(d.value.items[0]?.entity).toMatchObject({ id: 36598, status: 2, filledPrice: 6335.25, creationTimestamp: Date.UTC(2025, 6, 18, 21, 0, 1, 268) });
  });
  it('keeps the envelope action (0 = removed/flat)', () => {
    const d = decodeUserEvent('GatewayUserPosition', [{ action: 0, data: { id: 6124, accountId: 536, contractId: 'CON.F.US.GMET.J25', type: 1, size: 2, averagePrice: 1575.75 } }]);
    expect(d.ok && d.value.kind === 'position' && d.value.items[0]?.action).toBe(0);
  });
  it('ignores unknown targets such as GatewayLogout', () => {
    expect(decodeUserEvent('GatewayLogout', [])).toEqual({ ok: true, value: { kind: 'ignored', target: 'GatewayLogout' } });
  });
  it('accepts sparse entities and merges them onto what was known', () => {
    const d = decodeUserEvent('GatewayUserTrade', [{ id: 101112, price: 2100.75, side: 0, size: 1, orderId: 789 }]);
    expect(d.ok).toBe(true);
    const first = wireOrderSchema.parse(ORDER);
    const update = wireOrderSchema.parse({ id: 36598, status: 3, updateTimestamp: '2025-07-18T21:00:05Z' });
    const merged: WireOrder = mergeSparse(first, update);
    expect(merged).toMatchObject({ id: 36598, status: 3, accountId: 704, contractId: 'CON.F.US.EP.U25', updateTimestamp: Date.UTC(2025, 6, 18, 21, 0, 5) });
    expect(completeOrder(update)).toEqual(['accountId', 'contractId', 'type', 'side', 'size']);
    expect(Array.isArray(completeOrder(merged))).toBe(false);
    expect(completeTrade(wireOrderSchema.parse({ id: 1 }) as never)).toContain('price');
  });
  it('reports wrong types with a readable reason and never throws', () => {
    for (const args of [[], [null], [42], ['x'], [{ id: 'abc' }], [{ id: 1, status: 'filled' }], [[[[[{ id: 1 }]]]]]]) {
      const d = decodeUserEvent('GatewayUserOrder', args);
      expect(d.ok).toBe(false);
      if (!d.ok) expect(d.error).toMatch(/GatewayUserOrder/);
    }
  });
  it('reads quotes as [contractId, payload], sparse or batched', () => {
    expect(decodeMarketEvent('GatewayQuote', ['CON.F.US.EP.U25', { lastPrice: 6335.25 }])).toEqual({ ok: true, value: { kind: 'quote', contractId: 'CON.F.US.EP.U25', quotes: [{ lastPrice: 6335.25 }] } });
    const batch = decodeMarketEvent('GatewayQuote', ['CON.F.US.EP.U25', [{ bestBid: 1 }, null, { bestAsk: 2 }]]);
    expect(batch.ok && batch.value.kind === 'quote' && batch.value.quotes).toHaveLength(2);
    expect(decodeMarketEvent('GatewayQuote', [{ lastPrice: 1 }]).ok).toBe(false);
    expect(decodeMarketEvent('GatewayDepth', ['x', {}]).ok).toBe(true);
  });
});

describe('SignalR framing', () => {
  it('splits several records in one frame and keeps a partial tail', () => {
    const s = new RecordSplitter();
    expect(s.push(`${encodeRecord({ type: 6 })}${encodeRecord({ type: 1, target: 'X', arguments: [] })}{"type"`)).toEqual(['{"type":6}', '{"type":1,"target":"X","arguments":[]}']);
    expect(s.push(':6}\x1e')).toEqual(['{"type":6}']);
  });
  it('parses handshakes and every message kind ProjectX uses', () => {
    expect(parseHandshake('{"protocol":"json","version":1}')).toEqual({ ok: true, value: { protocol: 'json', version: 1 } });
    expect(parseHubRecord('{"type":3,"invocationId":"7","result":0}').ok).toBe(true);
    expect(parseHubRecord('{"type":7,"error":"bye","allowReconnect":true}').ok).toBe(true);
    expect(parseHubRecord('{"type":9,"sequenceId":1}')).toEqual({ ok: true, value: { type: 'other', code: 9 } });
    expect(parseHubRecord('{"type":1,"target":"X","arguments":5}').ok).toBe(false);
    expect(parseHubRecord('{"type":1,"target":"X",').ok).toBe(false);
  });
});

describe('policies', () => {
  it('retries at once, then quickly for a few seconds, then exponentially with a cap and bounded jitter', () => {
    expect(backoffDelay(1, () => 0.5)).toBe(0);
    expect(backoffDelay(2, () => 0.5)).toBe(500);
    expect(backoffDelay(7, () => 0.5)).toBe(500);
    expect(backoffDelay(8, () => 0.5)).toBe(1000);
    expect(backoffDelay(9, () => 0.5)).toBe(2000);
    expect(backoffDelay(50, () => 0.5)).toBe(30_000);
    expect(backoffDelay(9, () => 0)).toBe(1500);
    expect(backoffDelay(9, () => 1)).toBe(2500);
  });
  it('reads a JWT lifetime from iat/exp, else 24 h', () => {
    const jwt = (claims: object) => `h.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.s`;
    expect(lifetimeOf(jwt({ iat: 1000, exp: 1060 }))).toBe(60_000);
    expect(lifetimeOf('opaque')).toBe(86_400_000);
    expect(lifetimeOf('a.!!!.c')).toBe(86_400_000);
  });
  it('reads Retry-After as seconds or a date', () => {
    expect(retryAfterMs('2', 0)).toBe(2000);
    expect(retryAfterMs(null, 0)).toBe(1000);
    expect(retryAfterMs(new Date(5000).toUTCString(), 1000)).toBe(4000);
  });
  it('names error codes per endpoint and knows the ambiguous ones', () => {
    expect(errorCodeName('Order/place', 2)).toBe('OrderRejected');
    expect(errorCodeName('Order/modify', 2)).toBe('OrderNotFound');
    expect(errorCodeName('Order/place', 99)).toBe('Code99');
    expect(isAmbiguousCode('Order/place', 6)).toBe(true);
    expect(isAmbiguousCode('Order/place', 2)).toBe(false);
    expect(isAmbiguousCode('Position/partialCloseContract', 7)).toBe(true);
  });
});

describe('bracket ticks', () => {
  it('are exact and signed by direction from the reference', () => {
    const quarter = Rational.of(1, 4);
    expect(ticksBetween(20_970.25, 20_990, quarter)).toBe(-79);
    expect(ticksBetween(21_020.5, 20_990, quarter)).toBe(122);
    // ZN ticks are 1/64: floats cannot hold them, rationals can.
    expect(ticksBetween(110.015625, 110, Rational.of(1, 64))).toBe(1);
    expect(ticksBetween(0.3, 0.1, Rational.parse('0.1'))).toBe(2);
    expect(bracketFields({ stopLoss: 21_010, takeProfit: 20_975 }, 21_000, quarter)).toEqual({ stopLossBracket: { ticks: 40, type: 4 }, takeProfitBracket: { ticks: -100, type: 1 } });
    expect(bracketFields({ takeProfit: 21_001 }, 21_000, quarter)).toEqual({ takeProfitBracket: { ticks: 4, type: 1 } });
  });
});

describe('secret scrubbing', () => {
  it('takes tokens out of quoted broker text', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    expect(scrubSecrets(`not JSON: {"token":"${jwt}","succ`)).not.toContain('eyJ');
    expect(scrubSecrets('{"apiKey":"k-123"}')).toBe('{"apiKey":"[redacted]"}');
    expect(scrubSecrets('{"token":"abc')).toBe('{"token":"[redacted]');
    expect(scrubSecrets('ws://h/hubs/user?access_token=abc&x=1')).toBe('ws://h/hubs/user?access_token=[redacted]&x=1');
    expect(scrubSecrets('Authorization: Bearer abc.def')).toBe('Authorization: Bearer [redacted]');
    expect(scrubSecrets('order 12 rejected')).toBe('order 12 rejected');
  });
});

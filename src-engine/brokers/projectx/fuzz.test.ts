/**
 * Malformed input, thousands of times: random text, truncated JSON and wrongly typed payloads go
 * to the codecs (which must answer, never throw) and, through the simulator's test hooks, to a
 * live adapter (which must report protocolError, resync and keep working).
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { Catalog } from '../../domain/instruments';
import { silentLogger } from '../../domain/log';
import type { BrokerEvent } from '../../orders/broker';
import { ContractIds } from './contractIds';
import { decodeMarketEvent, decodeUserEvent, USER_EVENTS } from './hubCodec';
import { decodeAccounts, decodeContract, decodeEnvelope, decodeNewToken, decodeOrder, decodeOrderId, decodeOrders, decodePositions, decodeToken, decodeTrades, parseJson } from './restCodec';
import { parseHandshake, parseHubRecord, RECORD_SEPARATOR } from './signalrFraming';
import { TolerantJsonHubProtocol } from './tolerantHubProtocol';
import { UserEventState } from './userEvents';
import { Harness, LOGIN } from './sim/testHarness';

const TARGETS = [...Object.values(USER_EVENTS), 'GatewayLogout'];

const validOrderRecord = JSON.stringify({
  type: 1,
  target: 'GatewayUserOrder',
  arguments: [{ id: 1, accountId: 1001, contractId: 'CON.F.US.MNQ.Z26', status: 1, type: 1, side: 0, size: 1, limitPrice: 21000, fillVolume: 0 }],
});

/** Random text, truncated records, and well-framed invocations with wrongly typed payloads. */
const malformedRecord: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.nat({ max: validOrderRecord.length - 1 }).map((n) => validOrderRecord.slice(0, n)),
  fc.record({ target: fc.constantFrom(...TARGETS), args: fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 3 }) }).map((r) => JSON.stringify({ type: 1, target: r.target, arguments: r.args })),
  fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify({ type: 1, target: 'GatewayUserTrade', arguments: [{ id: 7, price: v, size: v, side: v }] })),
);

const restBody: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.nat({ max: 50 }).map((n) => '{"success":true,"errorCode":0,"errorMessage":null,"orders":[{"id":1}]}'.slice(0, n)),
  fc.record({ success: fc.boolean(), errorCode: fc.integer({ min: -2, max: 12 }), orders: fc.jsonValue({ maxDepth: 2 }) }).map((v) => JSON.stringify(v)),
);

/** A record to send that must not be a well-formed close, ping or completion (they would be obeyed, not rejected). */
function harmful(text: string): boolean {
  return text.split(RECORD_SEPARATOR).every((r) => {
    const p = parseHubRecord(r);
    return !p.ok || p.value.type === 1;
  });
}

describe('codecs under malformed input', () => {
  it('never throw on random text, truncated JSON or wrong types', () => {
    const protocol = new TolerantJsonHubProtocol(() => undefined);
    fc.assert(
      fc.property(malformedRecord, (text) => {
        parseHubRecord(text);
        parseHandshake(text);
        protocol.parseMessages(`${text}${RECORD_SEPARATOR}`, silentLogger as never);
        const json = parseJson(text);
        if (json.ok) {
          for (const t of TARGETS) decodeUserEvent(t, Array.isArray(json.value) ? json.value : [json.value]);
          decodeMarketEvent('GatewayQuote', ['CON.F.US.MNQ.Z26', json.value]);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('decode any JSON value as a REST body to a value or a clear error', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.anything()), (value) => {
        const env = decodeEnvelope(value);
        if (!env.ok) {
          expect(env.error.length).toBeGreaterThan(0);
          return;
        }
        for (const decode of [decodeAccounts, decodeOrders, decodePositions, decodeTrades, decodeContract, decodeOrder, decodeOrderId, decodeToken, decodeNewToken]) {
          const r = decode(env.value);
          if (!r.ok) expect(typeof r.error).toBe('string');
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('feed decoded garbage to the event state without throwing', () => {
    const events: BrokerEvent[] = [];
    const state = new UserEventState(
      new ContractIds(Catalog.load()),
      () => new Set([1001]),
      { emit: (e) => events.push(e), protocolError: () => undefined, needOrder: () => undefined, needResync: () => undefined, now: () => 0 },
      silentLogger,
    );
    fc.assert(
      fc.property(fc.constantFrom(...TARGETS), fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 3 }), (target, args) => {
        const d = decodeUserEvent(target, args);
        if (!d.ok) return;
        const e = d.value;
        if (e.kind === 'order') state.onOrders(e.items);
        else if (e.kind === 'trade') state.onTrades(e.items);
        else if (e.kind === 'position') state.onPositions(e.items);
        else if (e.kind === 'account') state.onAccounts(e.items);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('a live adapter under malformed input', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('reports protocol errors, resyncs and keeps trading', async () => {
    h = new Harness();
    const t = h;
    await t.start();
    const conn = t.conn;
    if (!conn) throw new Error('no connection');

    const records = fc.sample(malformedRecord, { numRuns: 600, seed: 42 }).filter(harmful);
    expect(records.length).toBeGreaterThan(300);
    // Several per frame, as a server may coalesce them.
    for (let i = 0; i < records.length; i += 4) {
      t.sim.injectHubRecord(LOGIN, 'user', records.slice(i, i + 4).map((r) => `${r}${RECORD_SEPARATOR}`).join(''));
    }
    await t.waitFor((e) => e.kind === 'protocolError');
    // The resync re-reads REST and starts a new generation.
    await t.waitFor((e) => e.kind === 'connection' && e.status.state === 'connected' && e.generation >= 2);
    await conn.barrier();

    for (const body of fc.sample(restBody, { numRuns: 40, seed: 7 })) {
      t.sim.corruptNextResponse(LOGIN, body);
      await conn.snapshot(t.accountId).then(
        () => undefined,
        (e: unknown) => expect(e).toBeInstanceOf(Error),
      );
    }
    expect(t.ofKind('protocolError').length).toBeGreaterThan(40);

    // Recovered: a clean snapshot, an order and its fill.
    await expect(conn.snapshot(t.accountId)).resolves.toMatchObject({ accountId: t.accountId });
    const out = await conn.place({ accountId: t.accountId, tag: 'mffuzz1', contract: t.mnq, side: 'buy', qty: 1, type: 'market' });
    if (!out.ok) throw new Error(out.reason);
    await t.waitFor((e) => e.kind === 'fill' && e.fill.orderId === out.orderId);
    await t.settle();
    expect(t.exchange.positionOf(t.account.id, t.mnq)).toBe(1);
  });
});

/**
 * The engine API's runtime validators under thousands of malformed requests (fast-check), against a
 * real engine on a real SQLite file: every command's arguments with an unknown key, a field of the
 * wrong type or missing, or not an object at all; unknown commands; broken envelopes; text that is
 * not JSON. Each gets a clear refusal naming the field (or no answer for non-JSON), never a crash
 * or a stack trace, and nothing changes: the database and the snapshot are the same afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Commands, type CommandName } from '../api/contract';
import { openAppHost, type AppHost } from './appHost';
import { MemorySecretStore } from '../secrets/memorySecretStore';


/** One valid request per command: the fuzzer breaks each of them. */
const VALID = {
  'state.get': {},
  'connections.add': { broker: 'paper', name: 'Paper', settings: { login: 'x' } },
  'connections.update': { id: 'c1', name: 'Renamed' },
  'connections.remove': { id: 'c1' },
  'connections.setSecret': { id: 'c1', secret: { password: 'pw' } },
  'connections.clearSecret': { id: 'c1' },
  'connections.reconnect': { id: 'c1' },
  'connections.signIn': { name: 'TV', settings: { restUrl: 'https://demo.tradovateapi.com/v1' } },
  'connections.signInCancel': { signInId: 's1' },
  'groups.save': { group: { name: 'New', leader: null, followers: [], settings: { ratio: 1 } } },
  'groups.delete': { id: 'g' },
  'groups.impact': { id: 'g' },
  'groups.setSync': { group: 'G', account: 'f1', root: 'ES', on: false },
  'groups.setMasterSync': { group: 'G', root: 'ES', on: false },
  'controls.pause': { group: 'G' },
  'controls.resume': { group: 'G' },
  'controls.pauseAll': {},
  'controls.resumeAll': {},
  'controls.flattenAll': { group: 'G' },
  'controls.cancelOrders': { group: 'G' },
  'controls.flattenPosition': { account: 'f1', root: 'ES' },
  'controls.sync': { account: 'f1', root: 'ES' },
  'controls.emergencyStop': {},
  'controls.releaseQuarantine': { account: 'f1', root: 'ES' },
  'risk.setRules': { account: 'f1', rules: { dailyLoss: 500, maxContracts: 3 } },
  'risk.presets': {},
  'risk.applyPreset': { account: 'f1', preset: 'p' },
  'risk.lock': { lockId: 'l' },
  'risk.unlock': { account: 'f1', acknowledgement: 'F1' },
  'activity.list': { limit: 10 },
  'activity.csv': {},
  'settings.get': {},
  'settings.set': { soundOnLock: false },
} as const satisfies Record<CommandName, unknown>;

const NAMES = Object.keys(VALID) as CommandName[];

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const json = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>;

/** Every path to a value inside an object/array. */
function paths(v: unknown, base: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [];
  if (Array.isArray(v)) v.forEach((x, i) => out.push([...base, i], ...paths(x, [...base, i])));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push([...base, k], ...paths(x, [...base, k]));
  return out;
}

function replaced(value: unknown, path: readonly (string | number)[], by: Json | undefined): unknown {
  if (path.length === 0) return by;
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy: unknown[] = [...(value as unknown[])];
    if (rest.length === 0 && by === undefined) copy.splice(head as number, 1);
    else copy[head as number] = replaced(copy[head as number], rest, by);
    return copy;
  }
  const obj = { ...(value as Record<string, unknown>) };
  if (rest.length === 0 && by === undefined) Reflect.deleteProperty(obj, String(head));
  else obj[String(head)] = replaced(obj[String(head)], rest, by);
  return obj;
}

/** A broken version of a command's valid arguments. */
const malformed = fc.record({ cmd: fc.constantFrom(...NAMES), pick: fc.nat(), by: json, how: fc.constantFrom('extraKey', 'replace', 'remove', 'notObject', 'random') }).map(({ cmd, pick, by, how }) => {
  const valid: unknown = VALID[cmd];
  const all = paths(valid);
  const path = all.length > 0 ? all[pick % all.length] : undefined;
  switch (how) {
    case 'extraKey': {
      const objects = [[], ...all].filter((p) => {
        const v = p.reduce<unknown>((c, k) => (c as Record<string, unknown>)[String(k)], valid);
        return v !== null && typeof v === 'object' && !Array.isArray(v);
      });
      const at = objects[pick % objects.length] ?? [];
      return { cmd, args: replaced(valid, [...at, 'zz_unknown'], by) };
    }
    case 'replace':
      return { cmd, args: path ? replaced(valid, path, by) : by };
    case 'remove':
      return { cmd, args: path ? replaced(valid, path, undefined) : by };
    case 'notObject':
      return { cmd, args: Array.isArray(by) || by === null || typeof by !== 'object' ? by : [by] };
    case 'random':
      return { cmd, args: by };
  }
});

function dump(host: AppHost): string {
  const db = host.engine.core.db;
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
  return JSON.stringify(tables.map((t) => [t, db.prepare(`SELECT * FROM "${t}" ORDER BY 1`).all()]));
}

describe('engine API validators fuzz', () => {
  let dir: string;
  let host: AppHost;
  let before: string;
  let snapshotBefore: unknown;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mirrorfill-apifuzz-'));
    host = openAppHost({ dataDir: dir, host: 'test', secrets: new MemorySecretStore() });
    // Something to break: a connection (not started), two accounts, a group with a leader.
    await host.engine.addConnection({ id: 'c1', broker: 'paper', name: 'paper:a', settings: { login: 'a' } }, [
      { id: 'lead', brokerAccountId: '1', name: 'LEAD', risk: {} },
      { id: 'f1', brokerAccountId: '2', name: 'F1', risk: { dailyLoss: 1000 } },
    ]);
    host.engine.saveGroup({ name: 'G', leader: 'lead', followers: [{ account: 'f1', ratio: 2 }] });
    before = dump(host);
    snapshotBefore = (await host.api.invoke('state.get', {})).groups;
  });

  afterAll(async () => {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the valid examples are valid (so the fuzzer breaks real requests)', () => {
    for (const name of NAMES) expect(Commands[name].safeParse(VALID[name]).success, name).toBe(true);
  });

  it('malformed arguments of every command: a refusal naming the field, nothing changed', async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(malformed, fc.nat(), async ({ cmd, args }, id) => {
        const wire = JSON.stringify({ id, cmd, args });
        const sent = (JSON.parse(wire) as { args?: unknown }).args;
        // Only requests the schema refuses (a mutation may happen to stay valid).
        fc.pre(!Commands[cmd].safeParse(sent ?? {}).success);
        seen.add(cmd);
        const r = await host.api.handle(wire);
        expect(r).toBeDefined();
        if (!r || r.ok) throw new Error(`${cmd} accepted ${wire}`);
        expect(r.id).toBe(id);
        expect(r.error.kind).toBe('refused');
        expect(r.error.message.length).toBeGreaterThan(0);
        expect(r.error.message).not.toMatch(/\n\s+at /);
        expect(r.error.issues.length).toBeGreaterThan(0);
      }),
      { numRuns: 4_000 },
    );
    // Every command was broken at least once.
    expect([...seen].sort()).toEqual([...NAMES].sort());
    expect(dump(host)).toBe(before);
    expect((await host.api.invoke('state.get', {})).groups).toEqual(snapshotBefore);
  });

  it('broken envelopes, unknown commands and text that is not JSON: refused or ignored, never a crash', async () => {
    const raw = fc.oneof(
      fc.string({ maxLength: 200 }),
      json.map((v) => JSON.stringify(v)),
      fc.record({ id: json, cmd: json, args: json }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
      fc.record({ id: fc.nat(), cmd: fc.string({ maxLength: 40 }).filter((s) => !(s in Commands)), args: json }).map((v) => JSON.stringify(v)),
    );
    await fc.assert(
      fc.asyncProperty(raw, async (text) => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        const r = await host.api.handle(text);
        if (parsed === undefined) {
          expect(r).toBeUndefined();
          return;
        }
        // A well-formed request for a real command may legitimately succeed (e.g. state.get).
        if (r?.ok) {
          const cmd = (parsed as { cmd?: unknown }).cmd;
          expect(typeof cmd === 'string' && cmd in Commands).toBe(true);
          return;
        }
        expect(r).toBeDefined();
        expect(r?.error.kind).toBe('refused');
        expect(r?.error.message).not.toMatch(/\n\s+at /);
      }),
      { numRuns: 3_000 },
    );
    expect(dump(host)).toBe(before);
  });
});

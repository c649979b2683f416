/**
 * Per-root ratios through the engine API (issue 22) against a real engine on a real SQLite file:
 * a bad root name or value is refused with an error naming the root and nothing changes; a good
 * one is saved and is still there when the app is opened again on the same data.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiError } from '../api/contract';
import { MemorySecretStore } from '../secrets/memorySecretStore';
import { openAppHost, type AppHost } from './appHost';

const hosts: AppHost[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function open(dir: string): AppHost {
  const host = openAppHost({ dataDir: dir, host: 'test', secrets: new MemorySecretStore() });
  hosts.push(host);
  return host;
}

async function setUp(): Promise<{ dir: string; host: AppHost; id: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorfill-ratios-api-'));
  dirs.push(dir);
  const host = open(dir);
  await host.engine.addConnection({ id: 'c1', broker: 'paper', name: 'paper:a', settings: { login: 'a' } }, [
    { id: 'lead', brokerAccountId: '1', name: 'LEAD', risk: {} },
    { id: 'f1', brokerAccountId: '2', name: 'F1', risk: {} },
  ]);
  const g = host.engine.saveGroup({ name: 'G', leader: 'lead', followers: [{ account: 'f1', ratio: 1 }] });
  return { dir, host, id: g.id };
}

async function save(host: AppHost, id: string, ratios: Record<string, unknown>): Promise<{ ok: true } | { ok: false; error: ApiError }> {
  const r = await host.api.handle(JSON.stringify({ id: 7, cmd: 'groups.save', args: { id, group: { name: 'G', leader: 'lead', followers: [{ account: 'f1', ratio: 1, ratios }] } } }));
  if (!r) throw new Error('no answer');
  return r.ok ? { ok: true } : { ok: false, error: r.error };
}

describe('groups.save with per-root ratios', () => {
  it('refuses an ill-formed root, an unknown root and a value out of range, naming the root; nothing changes', async () => {
    const { host, id } = await setUp();
    const before = await host.api.invoke('state.get', {});

    const badKey = await save(host, id, { 'mnq ': 2 });
    expect(badKey).toMatchObject({ ok: false, error: { kind: 'refused', issues: [{ field: 'group.followers.0.ratios.mnq ', message: '"mnq " is not a product root such as ES or MNQ' }] } });
    const unknown = await save(host, id, { XYZ: 2 });
    expect(unknown).toMatchObject({ ok: false, error: { kind: 'refused', issues: [{ field: 'followers[0].ratios.XYZ', message: 'a ratio is set for "XYZ", which is not a known product root' }] } });
    const range = await save(host, id, { MNQ: 1001 });
    expect(range).toMatchObject({ ok: false, error: { kind: 'refused', message: 'followers[0].ratios.MNQ: MNQ ratio must be between 0.1 and 1000 (got 1001)' } });
    const notDecimal = await save(host, id, { MNQ: true });
    expect(notDecimal).toMatchObject({ ok: false, error: { kind: 'refused' } });

    expect((await host.api.invoke('state.get', {})).groups).toEqual(before.groups);
  });

  it('saves a good one, which the engine reads back from its database after a restart', async () => {
    const { dir, host, id } = await setUp();
    expect(await save(host, id, { MNQ: 2, MES: '0.5' })).toEqual({ ok: true });
    await host.close();
    hosts.splice(hosts.indexOf(host), 1);

    const again = open(dir);
    const g = (await again.api.invoke('state.get', {})).groups.find((x) => x.id === id);
    expect(g?.input.followers).toEqual([{ account: 'f1', ratio: '1', ratios: { MNQ: '2', MES: '0.5' } }]);
    // Rows for the roots with a ratio of their own, before the leader trades them.
    expect(g?.roots).toEqual(['MES', 'MNQ']);
  });
});

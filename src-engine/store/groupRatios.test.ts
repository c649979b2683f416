/**
 * Per-root ratios (issue 22) in SQLite: a group is stored as the GroupInput saved (JSON in
 * `groups.config`), so `ratios` needs no migration; this reads it back from a real database file,
 * and loads a row an older version wrote without it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ratioFor } from '../domain/group';
import { buildGroup } from '../domain/groupEdit';
import { Catalog } from '../domain/instruments';
import { ConfigRepository } from './configRepository';
import { openDatabase, type Db } from './db';

const catalog = Catalog.load();
const open: Db[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function dbFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorfill-ratios-'));
  dirs.push(dir);
  return join(dir, 'engine.db');
}

function reopen(path: string): Db {
  const db = openDatabase(path);
  open.push(db);
  return db;
}

const ctx = { existing: undefined, others: [], accountExists: () => true, catalog } as const;

describe('per-root ratios in SQLite', () => {
  it('round-trip through the database file: saved, closed, reopened, rebuilt', () => {
    const path = dbFile();
    const first = openDatabase(path);
    const g = buildGroup({ name: 'Funded', leader: 'lead', followers: [{ account: 'f1', ratio: '0.5', ratios: { MNQ: 2, MES: '0.29' } }, { account: 'f2' }] }, { id: 'g1', ...ctx });
    new ConfigRepository(first).saveGroup(g);
    first.close();

    const db = reopen(path);
    const raw = JSON.parse(db.prepare('SELECT config FROM groups WHERE id = ?').pluck().get('g1') as string) as { followers: { account: string; ratios?: unknown }[] };
    expect(raw.followers[0]?.ratios).toEqual({ MNQ: '2', MES: '0.29' });
    expect(raw.followers[1]).toEqual({ account: 'f2' });

    const [stored] = new ConfigRepository(db).groups();
    if (!stored) throw new Error('group not read back');
    const back = buildGroup(stored.input, { id: stored.id, ...ctx });
    const f1 = back.followers[0];
    if (!f1) throw new Error('follower not read back');
    expect(ratioFor(back, f1, 'MNQ').ratio.toDecimalString()).toBe('2');
    expect(ratioFor(back, f1, 'MES').ratio.toDecimalString()).toBe('0.29');
    expect(ratioFor(back, f1, 'ES')).toMatchObject({ source: 'follower' });
  });

  it('loads a group row written before per-root ratios existed', () => {
    const path = dbFile();
    const db = reopen(path);
    const legacy = { name: 'Old', leader: 'lead', followers: [{ account: 'f1', ratio: '3', cross: { MNQ: 'NQ' } }], settings: { ratio: '1', mode: 'multiplier' } };
    db.prepare('INSERT INTO groups (id, name, config, switched_off, created_at, updated_at) VALUES (?, ?, ?, NULL, 1, 1)').run('old', 'Old', JSON.stringify(legacy));
    const [stored] = new ConfigRepository(db).groups();
    if (!stored) throw new Error('legacy group not read');
    const g = buildGroup(stored.input, { id: stored.id, ...ctx });
    const f1 = g.followers[0];
    if (!f1) throw new Error('follower not read');
    expect(f1.ratios).toEqual({});
    expect(ratioFor(g, f1, 'MNQ')).toMatchObject({ source: 'follower' });
    expect(ratioFor(g, f1, 'MNQ').ratio.toDecimalString()).toBe('3');
  });
});

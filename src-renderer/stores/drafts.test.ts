import { afterEach, describe, expect, it, vi } from 'vitest';
import type { GroupInput } from '../../src-engine/api/config';
import { SocketClient } from '../api/client';
import { FakeEngine, flush, refusal, snapshotFixture } from '../test/fakeEngine';
import { createDraftStore, NEW_GROUP, pendingChanges } from './drafts';
import { EMPTY_GROUP, diffGroup, rebaseSync, tidyGroup, validateGroup } from './groupEdit';
import { createSnapshotStore } from './snapshot';

const MAIN: GroupInput = { name: 'Main', leader: 'lead', followers: [{ account: 'f1' }, { account: 'f2', ratio: '2', sync: { MNQ: false } }], settings: { mode: 'multiplier', ratio: '1' } };

async function setup(): Promise<{ engine: FakeEngine; client: SocketClient; drafts: ReturnType<typeof createDraftStore> }> {
  const engine = new FakeEngine();
  engine.on('groups.save', () => ({ id: 'g-new' }));
  engine.on('groups.impact', () => ({ removed: [], resized: [] }));
  const client = new SocketClient({ connect: engine.connect, random: () => 0 });
  client.start();
  await flush();
  return { engine, client, drafts: createDraftStore(client) };
}

describe('staged group edits', () => {
  afterEach(() => vi.useRealTimers());

  it('counts pending changes and forgets them on Discard', async () => {
    const { drafts, client, engine } = await setup();
    const pending = (): number => pendingChanges(drafts.store.getState().drafts.g1, MAIN).length;
    expect(pending()).toBe(0);
    drafts.edit('g1', MAIN, (g) => ({ ...g, name: 'Main 2' }));
    expect(pending()).toBe(1);
    drafts.edit('g1', MAIN, (g) => ({ ...g, followers: (g.followers ?? []).map((f) => (f.account === 'f1' ? { ...f, ratio: '0.5' } : f)) }));
    drafts.edit('g1', MAIN, (g) => ({ ...g, followers: [...(g.followers ?? []), { account: 'f3' }] }));
    expect(pending()).toBe(3);
    // Back to the saved value: no longer a change ("2.0" is "2").
    drafts.edit('g1', MAIN, (g) => ({ ...g, name: 'Main', followers: (g.followers ?? []).map((f) => (f.account === 'f2' ? { ...f, ratio: '2.0' } : f)) }));
    expect(pending()).toBe(2);
    drafts.discard('g1');
    expect(pending()).toBe(0);
    expect(engine.calls).toHaveLength(0);
    client.stop();
  });

  it('Save asks first when it would leave a removed follower’s position open, and sends the answer', async () => {
    const { drafts, client, engine } = await setup();
    engine.on('groups.impact', () => ({ removed: [{ account: 'f2', name: 'Follower 2', positions: [{ contract: 'ESZ6', root: 'ES', qty: 3 }], workingOrders: 1 }], resized: [] }));
    drafts.edit('g1', MAIN, (g) => ({ ...g, followers: (g.followers ?? []).filter((f) => f.account !== 'f2') }));
    expect(await drafts.save('g1', MAIN, [])).toBeUndefined();
    expect(engine.callsOf('groups.save')).toHaveLength(0);
    expect(drafts.store.getState().drafts.g1?.question?.impact.removed[0]?.name).toBe('Follower 2');
    expect(await drafts.answer('g1', { removed: 'flatten' })).toBe('g-new');
    const sent = engine.callsOf('groups.save') as { removed?: string }[];
    expect(sent.map((x) => x.removed)).toEqual(['flatten']);
    expect(drafts.store.getState().drafts.g1).toBeUndefined();
    client.stop();
  });

  it('Save asks first when it would leave a login it copies to carrying fewer than 2 leader fills a minute, and not when it carries 2', async () => {
    const { drafts, client, engine } = await setup();
    const capacity = (fillsPerMinute: number): unknown => ({ removed: [], resized: [], capacity: [{ connectionId: 'c1', connection: 'Tradovate main', followers: 60, perMinute: 80, perHour: 5_000, fillsPerMinute, limitedBy: 'minute' }] });
    engine.on('groups.impact', () => capacity(1));
    drafts.edit('g1', MAIN, (g) => ({ ...g, settings: { ...g.settings, ratio: '3' } }));
    expect(await drafts.save('g1', MAIN, [])).toBeUndefined();
    expect(engine.callsOf('groups.save')).toHaveLength(0);
    expect(drafts.store.getState().drafts.g1?.question?.impact.capacity?.[0]?.fillsPerMinute).toBe(1);
    // Nothing to choose: Save goes as it is.
    expect(await drafts.answer('g1', {})).toBe('g-new');
    engine.on('groups.impact', () => capacity(2));
    drafts.edit('g1', MAIN, (g) => ({ ...g, settings: { ...g.settings, ratio: '4' } }));
    expect(await drafts.save('g1', MAIN, [])).toBe('g-new');
    expect(engine.callsOf('groups.save')).toHaveLength(2);
    client.stop();
  });

  it('Cancel on the question keeps the draft and sends nothing', async () => {
    const { drafts, client, engine } = await setup();
    engine.on('groups.impact', () => ({ removed: [], resized: [{ account: 'f1', contract: 'ESZ6', root: 'ES', from: 2, to: 10 }] }));
    drafts.edit('g1', MAIN, (g) => ({ ...g, settings: { ...g.settings, ratio: '5' } }));
    await drafts.save('g1', MAIN, []);
    drafts.dismiss('g1');
    expect(drafts.store.getState().drafts.g1?.question).toBeUndefined();
    expect(drafts.store.getState().drafts.g1?.group.settings?.ratio).toBe('5');
    expect(engine.callsOf('groups.save')).toHaveLength(0);
    client.stop();
  });

  it('Save sends the whole group once and drops the draft', async () => {
    const { drafts, client, engine } = await setup();
    drafts.edit('g1', MAIN, (g) => ({ ...g, settings: { ...g.settings, ratio: '3' } }));
    const id = await drafts.save('g1', MAIN, []);
    expect(id).toBe('g-new');
    const sent = engine.callsOf('groups.save') as { id: string; group: GroupInput }[];
    expect(sent).toHaveLength(1);
    expect(sent[0]?.id).toBe('g1');
    expect(sent[0]?.group.settings?.ratio).toBe('3');
    expect(sent[0]?.group.followers).toHaveLength(2);
    expect(drafts.store.getState().drafts.g1).toBeUndefined();
    client.stop();
  });

  it('a new group is one pending change once it has a name, and saves without an id', async () => {
    const { drafts, client, engine } = await setup();
    drafts.edit(NEW_GROUP, EMPTY_GROUP, (g) => g);
    expect(pendingChanges(drafts.store.getState().drafts[NEW_GROUP], EMPTY_GROUP)).toHaveLength(0);
    drafts.edit(NEW_GROUP, EMPTY_GROUP, (g) => ({ ...g, name: 'Evening' }));
    expect(pendingChanges(drafts.store.getState().drafts[NEW_GROUP], EMPTY_GROUP)).toHaveLength(1);
    await drafts.save(NEW_GROUP, undefined, ['Main']);
    expect(engine.callsOf('groups.impact')).toEqual([{ group: { name: 'Evening', leader: null, followers: [], settings: {} } }]);
    expect(engine.callsOf('groups.save')).toEqual([{ group: { name: 'Evening', leader: null, followers: [], settings: {} } }]);
    client.stop();
  });

  it('a new group that would leave a login carrying too little asks first, then saves without an id', async () => {
    const { drafts, client, engine } = await setup();
    engine.on('groups.impact', () => ({ removed: [], resized: [], capacity: [{ connectionId: 'c1', connection: 'Tradovate main', followers: 80, perMinute: 80, fillsPerMinute: 1, limitedBy: 'minute' }] }));
    drafts.edit(NEW_GROUP, EMPTY_GROUP, (g) => ({ ...g, name: 'Crowd' }));
    expect(await drafts.save(NEW_GROUP, undefined, [])).toBeUndefined();
    expect(drafts.store.getState().drafts[NEW_GROUP]?.question?.impact.capacity?.[0]?.connection).toBe('Tradovate main');
    expect(engine.callsOf('groups.save')).toHaveLength(0);
    expect(await drafts.answer(NEW_GROUP, {})).toBe('g-new');
    expect(engine.callsOf('groups.save')).toEqual([{ group: { name: 'Crowd', leader: null, followers: [], settings: {} } }]);
    client.stop();
  });

  it('puts the engine\'s refusal next to the field it names (engine and zod spellings)', async () => {
    const { drafts, client, engine } = await setup();
    engine.on('groups.save', () =>
      refusal([
        { field: 'followers[2].account', message: 'account "x" is already a follower in group "Main"' },
        { field: 'group.followers.0.maxCatchUpMs', message: 'Too big' },
      ]),
    );
    drafts.edit('g1', MAIN, (g) => ({ ...g, followers: [...(g.followers ?? []), { account: 'x' }] }));
    const id = await drafts.save('g1', MAIN, []);
    expect(id).toBeUndefined();
    const d = drafts.store.getState().drafts.g1;
    expect(d?.errors['followers[2].account']).toEqual(['account "x" is already a follower in group "Main"']);
    expect(d?.errors['followers[0].maxCatchUpMs']).toEqual(['Too big']);
    expect(d?.saving).toBe(false);
    // The draft is kept: nothing was lost.
    expect(pendingChanges(d, MAIN)).toHaveLength(1);
    // Editing clears the stale errors.
    drafts.edit('g1', MAIN, (g) => ({ ...g, followers: (g.followers ?? []).slice(0, 2) }));
    expect(drafts.store.getState().drafts.g1?.errors).toEqual({});
    client.stop();
  });

  it('checks the engine\'s rules before sending (ratio, name, cross family)', async () => {
    const { drafts, client, engine } = await setup();
    drafts.edit('g1', MAIN, (g) => ({
      ...g,
      name: '',
      followers: [
        { account: 'f1', ratio: '0.05' },
        { account: 'f2', cross: { MNQ: 'MES' } },
      ],
    }));
    await drafts.save('g1', MAIN, []);
    expect(engine.calls).toHaveLength(0);
    const e = drafts.store.getState().drafts.g1?.errors ?? {};
    expect(e.name).toEqual(['must not be empty']);
    expect(e['followers[0].ratio']).toEqual(['must be between 0.1 and 1000']);
    expect(e['followers[1].cross.MNQ']?.[0]).toMatch(/not in the same family/);
    client.stop();
  });

  it('a failure that names no field is shown for the whole form', async () => {
    const { drafts, client, engine } = await setup();
    engine.on('groups.save', () => {
      throw new Error('disk full');
    });
    drafts.edit('g1', MAIN, (g) => ({ ...g, name: 'Other' }));
    await drafts.save('g1', MAIN, []);
    expect(drafts.store.getState().drafts.g1?.formError).toMatch(/disk full/);
    client.stop();
  });

  it('keeps drafts across an engine disconnect and re-reads the snapshot when it is back', async () => {
    vi.useFakeTimers();
    const engine = new FakeEngine();
    engine.on('state.get', () => snapshotFixture());
    const client = new SocketClient({ connect: engine.connect, random: () => 0, backoffBaseMs: 100 });
    const snap = createSnapshotStore(client);
    const drafts = createDraftStore(client, { afterSave: () => snap.reload() });
    client.start();
    await flush(10);
    expect(snap.store.getState().reads).toBe(1);
    const base = snap.store.getState().snapshot?.groups[0]?.input ?? EMPTY_GROUP;
    drafts.edit('g1', base, (g) => ({ ...g, name: 'Renamed while the engine restarts' }));

    engine.up = false;
    engine.current?.drop('engine restarted');
    expect(client.status().state).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(60);
    await flush(10);
    engine.up = true;
    await vi.advanceTimersByTimeAsync(200);
    await flush(10);
    expect(client.status().state).toBe('open');
    expect(snap.store.getState().reads).toBe(2);
    const d = drafts.store.getState().drafts.g1;
    expect(d?.group.name).toBe('Renamed while the engine restarts');
    expect(pendingChanges(d, snap.store.getState().snapshot?.groups[0]?.input ?? EMPTY_GROUP)).toHaveLength(1);
    snap.dispose();
    client.stop();
  });
});

describe('group edit helpers', () => {
  it('ignores sync toggles (they are immediate) and follower order', () => {
    const reordered: GroupInput = { ...MAIN, followers: [{ account: 'f2', ratio: 2, sync: { MNQ: true } }, { account: 'f1' }] };
    expect(diffGroup(MAIN, reordered)).toEqual([]);
  });

  it('Save keeps the sync toggles as they are now, not as they were when the draft began', () => {
    const draft: GroupInput = { ...MAIN, followers: [{ account: 'f1', ratio: '3' }, { account: 'f2', ratio: '2', sync: { MNQ: false } }, { account: 'f9' }] };
    const now: GroupInput = { ...MAIN, followers: [{ account: 'f1', sync: { ES: false } }, { account: 'f2', ratio: '2' }] };
    expect(rebaseSync(draft, now).followers).toEqual([{ account: 'f1', ratio: '3', sync: { ES: false } }, { account: 'f2', ratio: '2' }, { account: 'f9' }]);
  });

  it('refuses a duplicate name, a leader that is also a follower and a bad whitelist', () => {
    const issues = validateGroup({ name: 'main', leader: 'a', followers: [{ account: 'a' }, { account: 'b' }, { account: 'b' }], settings: { whitelist: ['mnq'], mirrorGraceMs: 70_000 } }, { otherNames: ['Main'] });
    expect(issues.map((i) => i.field)).toEqual(['name', 'settings.mirrorGraceMs', 'settings.whitelist[0]', 'followers[0].account', 'followers[2].account']);
    expect(issues[0]?.message).toBe('a group named "Main" already exists');
  });
});

describe('per-root ratios in a staged edit (issue 22)', () => {
  const base: GroupInput = { name: 'Main', leader: 'lead', followers: [{ account: 'f1', ratio: '1', ratios: { MNQ: '2' } }], settings: {} };
  const withRatios = (ratios: Record<string, string> | undefined): GroupInput => ({ ...base, followers: [{ account: 'f1', ratio: '1', ...(ratios ? { ratios } : {}) }] });

  it('counts one change per root touched, "2.0" the same as "2"', () => {
    expect(diffGroup(base, withRatios({ MNQ: '2.0' }))).toEqual([]);
    expect(diffGroup(base, withRatios({ MNQ: '3', MES: '0.5' })).map((c) => c.field)).toEqual(['followers[0].ratios.MNQ', 'followers[0].ratios.MES']);
    expect(diffGroup(base, withRatios(undefined)).map((c) => c.text)).toEqual(['f1 MNQ ratio']);
  });

  it('checks each root’s ratio as typed, naming the root', () => {
    expect(validateGroup(withRatios({ MNQ: '0' }), { otherNames: [] })).toEqual([{ field: 'followers[0].ratios.MNQ', message: 'MNQ ratio must be between 0.1 and 1000' }]);
    expect(validateGroup(withRatios({ MNQ: '' }), { otherNames: [] })[0]?.message).toBe('MNQ ratio must be a number from 0.1 to 1000, such as 0.5 or 2');
    expect(validateGroup(withRatios({ XYZ: '2' }), { otherNames: [] })[0]?.message).toBe('a ratio is set for "XYZ", which is not a known product root');
    expect(validateGroup(withRatios({ MNQ: '1000' }), { otherNames: [] })).toEqual([]);
  });

  it('Save drops an empty ratios record', () => {
    expect(tidyGroup({ ...base, followers: [{ account: 'f1', ratios: {} }] }).followers).toEqual([{ account: 'f1' }]);
  });
});

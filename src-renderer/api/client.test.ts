import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiEvent, EngineProcessState, MirrorfillApi } from '../../src-engine/api/contract';
import { FakeEngine, flush, refusal, snapshotFixture } from '../test/fakeEngine';
import { ApiError, PreloadClient, SocketClient, type ClientStatus } from './client';

function setup(opts: Partial<ConstructorParameters<typeof SocketClient>[0]> = {}): { engine: FakeEngine; client: SocketClient; statuses: ClientStatus[] } {
  const engine = new FakeEngine();
  const client = new SocketClient({ connect: engine.connect, random: () => 0.5, ...opts });
  const statuses: ClientStatus[] = [];
  client.onStatus((s) => statuses.push(s));
  client.start();
  return { engine, client, statuses };
}

describe('SocketClient', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('numbers requests and resolves each with its own answer', async () => {
    const { engine, client } = setup();
    await flush();
    engine.on('state.get', () => snapshotFixture());
    engine.on('groups.save', (a) => ({ id: `saved-${(a as { group: { name: string } }).group.name}` }));
    const [snap, saved] = await Promise.all([client.invoke('state.get', {}), client.invoke('groups.save', { group: { name: 'X' } })]);
    expect(snap.groups[0]?.name).toBe('Main');
    expect(saved.id).toBe('saved-X');
    const ids = engine.calls.map((c) => c.id);
    expect(new Set(ids).size).toBe(2);
  });

  it('turns a refusal into an ApiError that keeps the fields', async () => {
    const { engine, client } = setup();
    await flush();
    engine.on('groups.save', () => refusal([{ field: 'followers[2].account', message: 'account "x" is already a follower in group "Main"' }]));
    const err = await client.invoke('groups.save', { group: { name: 'G' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).kind).toBe('refused');
    expect((err as ApiError).issues).toEqual([{ field: 'followers[2].account', message: 'account "x" is already a follower in group "Main"' }]);
  });

  it('checks a request against the contract before it leaves', async () => {
    const { engine, client } = setup();
    await flush();
    const err = await client.invoke('risk.unlock', { account: 'a', acknowledgement: '' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).kind).toBe('refused');
    expect((err as ApiError).issues[0]?.field).toBe('acknowledgement');
    expect(engine.calls).toHaveLength(0);
  });

  it('refuses to send while disconnected, with a plain message', async () => {
    const engine = new FakeEngine();
    engine.up = false;
    const client = new SocketClient({ connect: engine.connect });
    client.start();
    const err = await client.invoke('state.get', {}).catch((e: unknown) => e);
    expect((err as ApiError).kind).toBe('failed');
    expect((err as ApiError).message).toMatch(/disconnected/);
    client.stop();
  });

  it('rejects every pending request when the socket closes', async () => {
    const { engine, client } = setup();
    await flush();
    engine.hold = true;
    const p1 = client.invoke('state.get', {}).catch((e: unknown) => e);
    const p2 = client.invoke('settings.get', {}).catch((e: unknown) => e);
    engine.current?.drop();
    const [e1, e2] = await Promise.all([p1, p2]);
    expect((e1 as ApiError).kind).toBe('failed');
    expect((e2 as ApiError).message).toMatch(/closed/);
    client.stop();
  });

  it('times out a request the engine never answers', async () => {
    vi.useFakeTimers();
    const { engine, client } = setup({ requestTimeoutMs: 1000 });
    await flush();
    engine.hold = true;
    const p = client.invoke('state.get', {}).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1001);
    expect(((await p) as ApiError).message).toMatch(/did not answer/);
    client.stop();
  });

  it('reconnects with growing, capped backoff and says when it will try next', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const { engine, client, statuses } = setup({ backoffBaseMs: 100, backoffCapMs: 400 });
    await flush();
    expect(client.status().state).toBe('open');
    engine.up = false;
    engine.current?.drop('engine crashed');
    const first = client.status();
    expect(first).toMatchObject({ state: 'reconnecting', attempt: 1, reason: 'engine crashed' });
    // random 0.5 → delay = exp/2 + exp/4 = 75 ms for the first attempt
    expect((first as { nextTryAt: number }).nextTryAt - Date.now()).toBe(75);
    await vi.advanceTimersByTimeAsync(75);
    await flush();
    expect(client.status()).toMatchObject({ state: 'reconnecting', attempt: 2 });
    await vi.advanceTimersByTimeAsync(150);
    await flush();
    expect(client.status()).toMatchObject({ state: 'reconnecting', attempt: 3 });
    await vi.advanceTimersByTimeAsync(300);
    await flush();
    const capped = client.status() as { state: string; attempt: number; nextTryAt: number };
    expect(capped.attempt).toBe(4);
    expect(capped.nextTryAt - Date.now()).toBe(300); // cap 400 → 200 + 100
    engine.up = true;
    await vi.advanceTimersByTimeAsync(300);
    await flush();
    expect(client.status().state).toBe('open');
    expect(statuses.filter((s) => s.state === 'open')).toHaveLength(2);
    client.stop();
    expect(client.status().state).toBe('closed');
  });

  it('delivers pushed events to every listener and survives a throwing one', async () => {
    const { engine, client } = setup();
    await flush();
    const seen: ApiEvent[] = [];
    client.onEvent(() => {
      throw new Error('listener bug');
    });
    const off = client.onEvent((e) => seen.push(e));
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    engine.emit({ type: 'changed', scopes: ['groups'] });
    off();
    engine.emit({ type: 'changed', scopes: ['risk'] });
    spy.mockRestore();
    expect(seen).toEqual([{ type: 'changed', scopes: ['groups'] }]);
    client.stop();
  });

  it('does not reconnect a MessagePort that closed', async () => {
    const { engine, client } = setup({ reconnect: false, channel: 'messageport' });
    await flush();
    engine.current?.drop();
    expect(client.status().state).toBe('closed');
    expect(engine.sockets).toHaveLength(1);
  });
});

describe('PreloadClient', () => {
  let listeners: ((e: ApiEvent) => void)[];
  let api: MirrorfillApi;
  beforeEach(() => {
    listeners = [];
    api = {
      invoke: (cmd) => {
        if (cmd === 'groups.delete') return Promise.reject(Object.assign(new Error('refused'), { apiError: { kind: 'refused', message: 'id: unknown group', issues: [{ field: 'id', message: 'unknown group' }] } }));
        if (cmd === 'settings.get') return Promise.reject(new Error('An object could not be cloned.'));
        return Promise.resolve({} as never);
      },
      onEvent: (l) => {
        listeners.push(l);
        return () => undefined;
      },
    };
  });

  it('maps the preload errors to ApiError, keeping a refusal\'s fields', async () => {
    const c = new PreloadClient(api);
    c.start();
    const refused = (await c.invoke('groups.delete', { id: 'g' }).catch((e: unknown) => e)) as ApiError;
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused.kind).toBe('refused');
    expect(refused.issues[0]?.field).toBe('id');
    const failed = (await c.invoke('settings.get', {}).catch((e: unknown) => e)) as ApiError;
    expect(failed.kind).toBe('failed');
    expect(failed.message).toMatch(/cloned/);
  });

  it('shows the desktop engine process as the connection: restarting, back, given up', () => {
    const c = new PreloadClient(api, () => 7);
    const seen: ClientStatus[] = [];
    c.onStatus((s) => seen.push(s));
    c.start();
    const engine = (e: EngineProcessState) => listeners.forEach((l) => l({ type: 'engine', engine: e }));
    engine({ state: 'running', since: 1, mode: 'demo' });
    engine({ state: 'restarting', attempt: 1, retryAt: 1007, reason: 'exited with code 1' });
    expect(c.status()).toEqual({ state: 'reconnecting', attempt: 1, nextTryAt: 1007, reason: 'the engine stopped: exited with code 1' });
    engine({ state: 'starting', attempt: 2 });
    expect(c.status()).toMatchObject({ state: 'reconnecting', attempt: 2 });
    engine({ state: 'running', since: 9, mode: 'demo' });
    expect(c.status()).toEqual({ state: 'open', since: 7 });
    engine({ state: 'crashed', reason: 'exited with code 3' });
    expect(c.status()).toMatchObject({ state: 'closed', reason: expect.stringMatching(/exited with code 3.*Restart engine in the tray/) as unknown });
    expect(seen.map((s) => s.state)).toEqual(['open', 'reconnecting', 'reconnecting', 'open', 'closed']);
  });

  it('treats an engine alert from the host as "re-read everything"', () => {
    const c = new PreloadClient(api, () => 5);
    const opens: ClientStatus[] = [];
    c.onStatus((s) => opens.push(s));
    c.start();
    listeners.forEach((l) => l({ type: 'alert', level: 'warning', title: 'Engine restarted', body: '', topic: 'engine' }));
    expect(opens.filter((s) => s.state === 'open')).toHaveLength(2);
  });
});

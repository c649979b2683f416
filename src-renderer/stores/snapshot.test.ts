import { afterEach, describe, expect, it, vi } from 'vitest';
import { SocketClient } from '../api/client';
import { FakeEngine, flush, snapshotFixture } from '../test/fakeEngine';
import { createSnapshotStore } from './snapshot';

function setup(): { engine: FakeEngine; client: SocketClient } {
  const engine = new FakeEngine();
  let n = 0;
  engine.on('state.get', () => snapshotFixture({ info: { ...snapshotFixture().info, startedAt: ++n } }));
  const client = new SocketClient({ connect: engine.connect, random: () => 0 });
  return { engine, client };
}

describe('snapshot store', () => {
  afterEach(() => vi.useRealTimers());

  it('reads the state when the connection opens', async () => {
    const { engine, client } = setup();
    const s = createSnapshotStore(client);
    client.start();
    await flush(10);
    expect(engine.callsOf('state.get')).toHaveLength(1);
    expect(s.store.getState().snapshot?.groups[0]?.name).toBe('Main');
    s.dispose();
    client.stop();
  });

  it('re-reads once per burst of `changed` events (debounced), never by polling', async () => {
    vi.useFakeTimers();
    const { engine, client } = setup();
    const s = createSnapshotStore(client, { debounceMs: 100 });
    client.start();
    await flush(10);
    expect(engine.callsOf('state.get')).toHaveLength(1);
    for (let i = 0; i < 5; i++) engine.emit({ type: 'changed', scopes: ['accounts', 'groups'] });
    await vi.advanceTimersByTimeAsync(99);
    expect(engine.callsOf('state.get')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await flush(10);
    expect(engine.callsOf('state.get')).toHaveLength(2);
    expect(s.store.getState().reads).toBe(2);
    // Nothing happens without events.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(engine.callsOf('state.get')).toHaveLength(2);
    s.dispose();
    client.stop();
  });

  it('asks again once, after the read in flight, when changes arrive during it', async () => {
    const { engine, client } = setup();
    const s = createSnapshotStore(client);
    client.start();
    await flush(10);
    engine.hold = true;
    const first = s.reload();
    const second = s.reload();
    const third = s.reload();
    expect(engine.callsOf('state.get')).toHaveLength(2);
    engine.release();
    await flush(10);
    engine.release();
    await Promise.all([first, second, third]);
    expect(engine.callsOf('state.get')).toHaveLength(3);
    s.dispose();
    client.stop();
  });

  it('keeps the last good snapshot when a read fails, and says why', async () => {
    const { engine, client } = setup();
    const s = createSnapshotStore(client);
    client.start();
    await flush(10);
    engine.on('state.get', () => {
      throw new Error('database is locked');
    });
    await s.reload();
    expect(s.store.getState().snapshot).toBeDefined();
    expect(s.store.getState().error).toMatch(/database is locked/);
    s.dispose();
    client.stop();
  });
});

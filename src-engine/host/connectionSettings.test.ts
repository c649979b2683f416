/**
 * Connection settings through the API: a strict schema per broker, the parsed value stored, and
 * nothing secret ever kept in plain settings or shown to the renderer.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { refusal } from './apiRefusalFixture';
import { MemorySecretStore } from '../secrets/memorySecretStore';
import { openAppHost, type AppHost } from './appHost';

const TRADOVATE = { restUrl: 'https://demo.tradovateapi.com/v1', wsUrl: 'wss://demo.tradovateapi.com/v1/websocket', mdUrl: 'wss://md.tradovateapi.com/v1/websocket', username: 'bob', appId: 'Mirrorfill', appVersion: '0.1.0', cid: '8', deviceId: 'dev-1' };

let app: AppHost;
beforeEach(() => {
  app = openAppHost({ dataDir: mkdtempSync(join(tmpdir(), 'mirrorfill-settings-')), host: 'test', secrets: new MemorySecretStore() });
});
afterEach(async () => {
  await app.close();
});

describe('connection settings', () => {
  it('refuses a password in plain settings, naming the key, and stores nothing', async () => {
    const issues = await refusal(app.api.invoke('connections.add', { broker: 'tradovate', name: 'TV', settings: { ...TRADOVATE, password: 'hunter2' } }));
    expect(issues).toEqual([{ field: 'settings.password', message: expect.stringMatching(/^unknown setting "password" for a tradovate connection \(a secret is entered separately and kept in the OS keychain/) as unknown }]);
    expect(app.engine.core.config.connections()).toEqual([]);
  });

  it('refuses any unknown key, for every broker', async () => {
    expect(await refusal(app.api.invoke('connections.add', { broker: 'projectx', name: 'PX', settings: { apiUrl: 'https://api.x', userHubUrl: 'https://rtc.x/hubs/user', marketHubUrl: 'https://rtc.x/hubs/market', username: 'u', colour: 'red' } }))).toEqual([
      { field: 'settings.colour', message: 'unknown setting "colour" for a projectx connection' },
    ]);
    expect(await refusal(app.api.invoke('connections.add', { broker: 'paper', name: 'P', settings: { login: 'p', apiKey: 'k' } }))).toEqual([
      { field: 'settings.apiKey', message: expect.stringMatching(/^unknown setting "apiKey" for a paper connection \(a secret/) as unknown },
    ]);
    expect(app.engine.core.config.connections()).toEqual([]);
  });

  it('refuses an unknown key on update and keeps the stored settings', async () => {
    const { id } = await app.api.invoke('connections.add', { broker: 'tradovate', name: 'TV', settings: TRADOVATE });
    expect(await refusal(app.api.invoke('connections.update', { id, settings: { ...TRADOVATE, username: 'eve', sec: 's' } }))).toEqual([
      { field: 'settings.sec', message: expect.stringMatching(/^unknown setting "sec"/) as unknown },
    ]);
    expect(app.engine.core.config.connections()[0]?.settings).toEqual(TRADOVATE);
  });

  it('stores the parsed value', async () => {
    const { id } = await app.api.invoke('connections.add', { broker: 'tradovate', name: 'TV', settings: TRADOVATE });
    expect(app.engine.core.config.connections().find((c) => c.id === id)?.settings).toEqual(TRADOVATE);
  });

  it('never shows a secret-named key a row saved before the check still has', async () => {
    await app.engine.addConnection({ id: 'old-1', broker: 'paper', name: 'Old', settings: { login: 'p', password: 'hunter2' } });
    const view = (await app.api.invoke('state.get', {})).connections.find((c) => c.id === 'old-1');
    expect(view?.settings).toEqual({ login: 'p' });
  });
});

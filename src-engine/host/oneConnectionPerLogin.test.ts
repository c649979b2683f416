/**
 * One connection per broker login through the API (copy-semantics §8a): the login's accounts all
 * live under it and share its one request budget, so a second connection of the same login, added
 * or made by an edit, is refused and nothing is stored.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { refusal } from './apiRefusalFixture';
import { MemorySecretStore } from '../secrets/memorySecretStore';
import { openAppHost, type AppHost } from './appHost';

const TRADOVATE = { restUrl: 'https://demo.tradovateapi.com/v1', wsUrl: 'wss://demo.tradovateapi.com/v1/websocket', mdUrl: 'wss://md.tradovateapi.com/v1/websocket', username: 'apex-trader', appId: 'Mirrorfill', appVersion: '0.1.0', cid: '8', deviceId: 'dev-1' };
const PROJECTX = { apiUrl: 'https://api.topstepx.com', userHubUrl: 'https://rtc.topstepx.com/hubs/user', marketHubUrl: 'https://rtc.topstepx.com/hubs/market', username: 'trader' };

let dir: string;
let app: AppHost;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mirrorfill-one-login-'));
  app = openAppHost({ dataDir: dir, host: 'test', secrets: new MemorySecretStore() });
});
afterEach(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('one connection per login', () => {
  it('refuses a second Tradovate connection of the same user on the same server, whatever the case', async () => {
    await app.api.invoke('connections.add', { broker: 'tradovate', name: 'Apex', settings: TRADOVATE });
    const issues = await refusal(app.api.invoke('connections.add', { broker: 'tradovate', name: 'Apex again', settings: { ...TRADOVATE, username: 'APEX-TRADER' } }));
    expect(issues).toEqual([{ field: 'settings.username', message: 'this login is already connected as "Apex"; its accounts share that connection and its request budget' }]);
    expect(app.engine.core.config.connections().map((c) => c.name)).toEqual(['Apex']);
  });

  it('accepts the same user on another server, and another user', async () => {
    await app.api.invoke('connections.add', { broker: 'tradovate', name: 'Demo', settings: TRADOVATE });
    await app.api.invoke('connections.add', { broker: 'tradovate', name: 'Live', settings: { ...TRADOVATE, restUrl: 'https://live.tradovateapi.com/v1', wsUrl: 'wss://live.tradovateapi.com/v1/websocket' } });
    await app.api.invoke('connections.add', { broker: 'tradovate', name: 'Other', settings: { ...TRADOVATE, username: 'someone-else' } });
    expect(app.engine.core.config.connections()).toHaveLength(3);
  });

  it('refuses an edit that would make a connection a second one of a ProjectX key, keeping the stored settings', async () => {
    await app.api.invoke('connections.add', { broker: 'projectx', name: 'Topstep', settings: PROJECTX });
    const { id } = await app.api.invoke('connections.add', { broker: 'projectx', name: 'Other', settings: { ...PROJECTX, username: 'other' } });
    expect(await refusal(app.api.invoke('connections.update', { id, settings: PROJECTX }))).toEqual([{ field: 'settings.username', message: expect.stringContaining('already connected as "Topstep"') as unknown }]);
    expect(app.engine.core.config.connections().find((c) => c.id === id)?.settings).toEqual({ ...PROJECTX, username: 'other' });
  });
});

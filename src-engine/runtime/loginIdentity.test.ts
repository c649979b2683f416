import { describe, expect, it } from 'vitest';
import type { ConnectionRow } from '../store/configRepository';
import { connectionOfSameLogin, loginIdentity } from './loginIdentity';

const tv = (id: string, username: string | undefined, restUrl = 'https://demo.tradovateapi.com/v1'): ConnectionRow => ({ id, broker: 'tradovate', name: id, settings: { restUrl, ...(username !== undefined ? { username } : {}) } });
const px = (id: string, username: string): ConnectionRow => ({ id, broker: 'projectx', name: id, settings: { apiUrl: 'https://api.topstepx.com', username } });

describe('login identity', () => {
  it('finds another connection of the same user on the same server, ignoring case', () => {
    const rows = [tv('a', 'Trader'), px('b', 'trader')];
    expect(connectionOfSameLogin(rows, tv('c', 'trader'))?.id).toBe('a');
    expect(connectionOfSameLogin(rows, px('d', 'TRADER'))?.id).toBe('b');
  });

  it('tells apart other users, other servers, and the connection itself', () => {
    const rows = [tv('a', 'trader')];
    expect(connectionOfSameLogin(rows, tv('c', 'other'))).toBeUndefined();
    expect(connectionOfSameLogin(rows, tv('c', 'trader', 'https://live.tradovateapi.com/v1'))).toBeUndefined();
    expect(connectionOfSameLogin(rows, tv('a', 'trader'))).toBeUndefined();
  });

  it('knows no login for a sign-in not yet made or a paper account', () => {
    expect(loginIdentity(tv('a', undefined))).toBeUndefined();
    expect(loginIdentity({ broker: 'paper', settings: { login: 'me', username: 'me' } })).toBeUndefined();
  });
});

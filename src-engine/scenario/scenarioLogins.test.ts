import { describe, expect, it } from 'vitest';
import type { BrokerKind } from '../orders/broker';
import { loginOf, scenarioConnections } from './scenarioLogins';

const brokers: Record<string, BrokerKind> = { lead: 'tradovate', f1: 'tradovate', f2: 'tradovate', p1: 'projectx', p2: 'projectx', solo: 'paper' };
const brokerOf = (id: string): BrokerKind => brokers[id] ?? 'paper';

describe('scenario connections', () => {
  it('gives each account a connection of its own when no login is shared', () => {
    const c = scenarioConnections([{ id: 'lead' }, { id: 'f1' }, { id: 'solo' }], brokerOf);
    expect(c).toEqual([
      { id: 'conn-lead', broker: 'tradovate', login: 'lead', accounts: ['lead'] },
      { id: 'conn-f1', broker: 'tradovate', login: 'f1', accounts: ['f1'] },
      { id: 'conn-solo', broker: 'paper', login: 'solo', accounts: ['solo'] },
    ]);
  });

  it('puts accounts of one broker under one login on one connection, the login case-insensitive', () => {
    const c = scenarioConnections([{ id: 'lead', login: 'apex' }, { id: 'f1', login: 'APEX' }, { id: 'f2' }, { id: 'p1', login: 'key' }, { id: 'p2', login: 'key' }], brokerOf);
    expect(c.map((x) => [x.id, x.accounts])).toEqual([
      ['conn-apex', ['lead', 'f1']],
      ['conn-f2', ['f2']],
      ['conn-key', ['p1', 'p2']],
    ]);
  });

  it('keeps one login name on two brokers as two connections with distinct ids', () => {
    const c = scenarioConnections([{ id: 'f1', login: 'same' }, { id: 'p1', login: 'same' }], brokerOf);
    expect(c.map((x) => x.id)).toEqual(['conn-tradovate-same', 'conn-projectx-same']);
  });

  it('reads the login as the account id by default', () => {
    expect(loginOf({ id: 'f1' })).toBe('f1');
    expect(loginOf({ id: 'f1', login: 'shared' })).toBe('shared');
  });
});

import { describe, expect, it } from 'vitest';
import type { RowConnectionView } from '../../src-engine/api/views';
import { connectionReasonText } from './connectionReason';
import { stateWords } from './followerState';

// Local wall-clock times, so "14:03:12" holds in any time zone.
const at = (h: number, m: number, s: number): number => new Date(2026, 11, 7, h, m, s).getTime();
const conn = (over: Partial<RowConnectionView>): RowConnectionView => ({ name: 'Tradovate main', status: { state: 'connected' }, signIn: false, reading: false, ...over });

describe('a "not connected" follower row gives its connection\'s own reason', () => {
  it('a lost Tradovate sign-in: sign in again', () => {
    expect(connectionReasonText(conn({ status: { state: 'failed', reason: 'the sign-in expired' }, signIn: true }))).toBe(
      'Tradovate main: sign in again on the Connections screen (the sign-in expired); positions shown are the last known',
    );
  });

  it('a failed login: the broker\'s words', () => {
    expect(connectionReasonText(conn({ status: { state: 'failed', reason: 'Incorrect username or password' } }))).toBe('Tradovate main failed: Incorrect username or password; positions shown are the last known');
  });

  it('a reconnect: when it tries next and the last error', () => {
    expect(connectionReasonText(conn({ status: { state: 'reconnecting', attempt: 3, nextTryAt: at(14, 3, 12), reason: 'socket closed' } }))).toBe(
      'Tradovate main is reconnecting, next try at 14:03:12 (attempt 3; last error: socket closed); positions shown are the last known',
    );
  });

  it('a penalty wait the broker imposed, while the account is read', () => {
    expect(connectionReasonText(conn({ reading: true, penaltyUntil: at(14, 3, 12) }))).toBe('Tradovate main is reading this account from the broker; broker asked to wait until 14:03:12; positions shown are the last known');
  });

  it('a connection that is not running', () => {
    expect(connectionReasonText(conn({ name: 'ProjectX key', status: { state: 'stopped' } }))).toBe('ProjectX key is not running; check it on the Connections screen; positions shown are the last known');
  });

  it('is what the row says, under "Not copying: not connected"', () => {
    const w = stateWords({ kind: 'notCopying', why: 'disconnected', detail: undefined, connection: conn({ status: { state: 'failed', reason: 'the sign-in expired' }, signIn: true }) });
    expect(w).toEqual({ tone: 'bad', label: 'Not copying: not connected', detail: 'Tradovate main: sign in again on the Connections screen (the sign-in expired); positions shown are the last known' });
    // Without the connection (an older engine), the general words stay.
    expect(stateWords({ kind: 'notCopying', why: 'disconnected', detail: undefined }).detail).toBe('its connection is not up; positions shown are the last known');
  });
});

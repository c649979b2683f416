/**
 * Why a follower's connection does not copy now, in the row's words: the connection's name and its
 * own reason (the broker's words when it failed, "sign in again" for a lost Tradovate sign-in, the
 * next try of a reconnect, a penalty wait), so "Not copying: not connected" says what to do.
 * Times are wall-clock ("until 14:03:12"), so the words need no ticking clock.
 */
import type { RowConnectionView } from '../../src-engine/api/views';
import { clock } from './format';

const LAST_KNOWN = 'positions shown are the last known';

function stateReason(c: RowConnectionView): string {
  const s = c.status;
  switch (s.state) {
    case 'failed':
      return c.signIn ? `${c.name}: sign in again on the Connections screen (${s.reason})` : `${c.name} failed: ${s.reason}`;
    case 'reconnecting':
      return `${c.name} is reconnecting, next try at ${clock(s.nextTryAt)} (attempt ${s.attempt}; last error: ${s.reason})`;
    case 'connecting':
      return `${c.name} is connecting`;
    case 'connected':
      return c.reading ? `${c.name} is reading this account from the broker` : `${c.name} is connected`;
    case 'closed':
    case 'stopped':
      return `${c.name} is not running; check it on the Connections screen`;
  }
}

export function connectionReasonText(c: RowConnectionView): string {
  const penalty = c.penaltyUntil !== undefined ? `; broker asked to wait until ${clock(c.penaltyUntil)}` : '';
  return `${stateReason(c)}${penalty}; ${LAST_KNOWN}`;
}

import { describe, expect, it } from 'vitest';
import { explainUnmirrored, type Unmirrored } from './checks';

const u: Unmirrored = { account: 'f', leaderOrderId: '7', detail: 'no mirror of the leader buy 1 limit' };

describe('explainUnmirrored', () => {
  it('a mirror abandoned at a restart, then decided afresh with a reason: the later decision explains it', () => {
    const rec = { decisions: [{ kind: 'skip', reason: 'entriesBlocked', time: 200 }], intents: [{ status: 'abandoned', reason: 'not found at the broker after reconnect', updatedAt: 100 }] };
    expect(explainUnmirrored(u, rec)).toEqual({ kind: 'skipped: entriesBlocked', allowed: true });
  });

  it('a mirror abandoned after the last decision is not explained by it', () => {
    const rec = { decisions: [{ kind: 'skip', reason: 'entriesBlocked', time: 100 }], intents: [{ status: 'abandoned', reason: 'lost', updatedAt: 200 }] };
    expect(explainUnmirrored(u, rec)).toEqual({ kind: 'mirror abandoned (lost)', allowed: false });
  });

  it('a skip because the position was unknown explains nothing', () => {
    expect(explainUnmirrored(u, { decisions: [{ kind: 'skip', reason: 'positionUnknown', time: 1 }], intents: [] }).allowed).toBe(false);
  });
});

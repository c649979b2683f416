import { describe, expect, it } from 'vitest';
import type { TradeFillView } from '../../src-engine/api/views';
import { tradeLines } from './tradeGroups';

const fill = (accountId: string, contract: string, time: number, realized: number): TradeFillView => ({ accountId, contract, side: 'sell', qty: 1, price: 21000, time, realized });

describe('latest trades, one line per leader exit', () => {
  it("puts each follower's exit (its cross contract too) on the leader exit it copied; a lone exit has its own line", () => {
    const trades = [
      fill('f1', 'MNQ:202612', 60_100, 4),
      fill('px2', 'NQ:202612', 60_200, 40),
      fill('lead', 'MNQ:202612', 60_000, 2),
      fill('f1', 'MNQ:202612', 30_000, -1),
      fill('lead', 'MNQ:202612', 10_000, -3),
    ].sort((a, b) => b.time - a.time);
    const lines = tradeLines(trades, 'lead', (_account, contract) => (contract.startsWith('NQ') ? 'MNQ' : contract.split(':')[0] ?? ''));
    expect(lines.map((l) => [l.leader?.time, l.followers.map((f) => f.accountId)])).toEqual([
      [60_000, ['px2', 'f1']],
      [undefined, ['f1']],
      [10_000, []],
    ]);
  });
});

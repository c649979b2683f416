import { describe, expect, it } from 'vitest';
import { Catalog } from '../../domain/instruments';
import { contractCode } from '../../domain/contractCode';
import { ContractIds } from './contractIds';

const ids = new ContractIds(Catalog.load());
const now = Date.UTC(2026, 2, 2, 15, 30);

describe('ProjectX contract ids', () => {
  it('maps internal codes to ids with ProjectX roots, and back', () => {
    const cases: [string, string][] = [
      ['NQ:202612', 'CON.F.US.ENQ.Z26'],
      ['ES:202603', 'CON.F.US.EP.H26'],
      ['MNQ:202606', 'CON.F.US.MNQ.M26'],
      ['MGC:202604', 'CON.F.US.GMET.J26'],
      ['6E:202609', 'CON.F.US.EU6.U26'],
    ];
    for (const [code, id] of cases) {
      expect(ids.toId(code as never)).toEqual({ ok: true, value: id });
      expect(ids.fromId(id)).toEqual({ ok: true, value: code });
    }
    expect(ids.symbolId(contractCode('NQ', 2026, 12))).toBe('F.US.ENQ');
  });

  it('reads contract names in every spelling seen', () => {
    expect(ids.fromName('NQZ6', now)).toEqual({ ok: true, value: 'NQ:202612' });
    expect(ids.fromName('ENQZ25', now)).toEqual({ ok: true, value: 'NQ:202512' });
    expect(ids.fromName('MNQM26', now)).toEqual({ ok: true, value: 'MNQ:202606' });
    expect(ids.fromName('M2KH7', now)).toEqual({ ok: true, value: 'M2K:202703' });
    // A one-digit year is the nearest one from last year on: in 2026, "5" is 2025 and "4" is 2034.
    expect(ids.fromName('ESZ5', now)).toEqual({ ok: true, value: 'ES:202512' });
    expect(ids.fromName('ESZ4', now)).toEqual({ ok: true, value: 'ES:203412' });
  });

  it('refuses unknown roots and malformed ids with a clear error', () => {
    expect(ids.fromId('CON.F.US.XYZ.Z26')).toEqual({ ok: false, error: expect.stringContaining('unknown ProjectX root "XYZ"') as unknown });
    expect(ids.fromId('F.US.ENQ')).toMatchObject({ ok: false });
    expect(ids.fromId('CON.F.US.ENQ.A26')).toMatchObject({ ok: false });
    expect(ids.fromName('XYZZ6', now)).toMatchObject({ ok: false });
    expect(ids.toId('ZZZ:202612' as never)).toEqual({ ok: false, error: expect.stringContaining('ZZZ') as unknown });
  });
});

/**
 * ProjectX timestamps come in several shapes (§2): six fractional digits with an offset, `Z`, and
 * at least once with no zone at all. A zone-less stamp is read as UTC: the gateway's clocks are
 * UTC, and reading it as local time would shift fills by hours on a trader's machine.
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/** Epoch ms, or undefined when the text is not an ISO-8601 date-time. */
export function parseWireTime(text: string): number | undefined {
  const m = ISO.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone = 'Z'] = m;
  const ms = frac.length === 0 ? 0 : Number(frac.slice(0, 3).padEnd(3, '0'));
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  if (zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  }
  return Number.isFinite(t) ? t : undefined;
}

/** What the simulator writes: the gateway's own format, six fractional digits and an offset. */
export function formatWireTime(epochMs: number): string {
  const iso = new Date(epochMs).toISOString(); // 2025-07-18T21:00:01.268Z
  return `${iso.slice(0, 23)}000+00:00`;
}

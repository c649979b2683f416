/** Contract codes as a trader reads them: "MNQ:202612" → "MNQ Z26". */
const MONTHS = ['F', 'G', 'H', 'J', 'K', 'M', 'N', 'Q', 'U', 'V', 'X', 'Z'];

export function contractLabel(c: string | undefined): string {
  if (!c) return '—';
  const m = /^([A-Z0-9]+):(\d{4})(\d{2})$/.exec(c);
  if (!m) return c;
  const [, root = '', year = '', month = ''] = m;
  return `${root} ${MONTHS[Number(month) - 1] ?? '?'}${year.slice(2)}`;
}

/** Every contract code inside an engine sentence, as the trader reads it. */
export function contractsInText(text: string): string {
  return text.replace(/\b[A-Z0-9]+:\d{6}\b/g, (c) => contractLabel(c));
}

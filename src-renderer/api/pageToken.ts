/**
 * The headless server's token, as this page holds it: taken once from the address it was opened
 * with (`#token=…`, or `?token=…` from older printed addresses), then kept in sessionStorage so a
 * reload in this tab still has it. sessionStorage belongs to this origin, port included, unlike a
 * cookie, which every server on the same host would receive.
 */
const KEY = 'mirrorfill.token';

export function takePageToken(win: Window & typeof globalThis = window): string | undefined {
  const fromHash = new URLSearchParams(win.location.hash.replace(/^#/, '')).get('token');
  const query = new URLSearchParams(win.location.search);
  const fromQuery = query.get('token');
  const given = fromHash ?? fromQuery;
  if (given !== null) {
    try {
      win.sessionStorage.setItem(KEY, given);
    } catch {
      // Storage refused (privacy mode): the token lives for this page load only.
    }
    // Out of the address bar: not bookmarked, not in a screenshot, not in history.
    query.delete('token');
    const search = query.toString();
    const hash = fromHash !== null ? '' : win.location.hash; // the hash is also the screen's route
    win.history.replaceState(null, '', `${win.location.pathname}${search ? `?${search}` : ''}${hash}`);
    return given;
  }
  try {
    return win.sessionStorage.getItem(KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

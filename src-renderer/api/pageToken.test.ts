/** The page's token: from the address once, then this tab's sessionStorage; never left in the address. */
import { describe, expect, it } from 'vitest';
import { clientForPage } from './client';
import { takePageToken } from './pageToken';

interface FakeWindow {
  location: { pathname: string; search: string; hash: string; protocol: string; host: string };
  history: { replaceState(data: unknown, unused: string, url: string): void };
  sessionStorage: Map<string, string> & { getItem(k: string): string | null; setItem(k: string, v: string): void };
}

function fakeWindow(address: string, stored = new Map<string, string>()): FakeWindow {
  const u = new URL(address);
  const storage = Object.assign(stored, {
    getItem: (k: string) => stored.get(k) ?? null,
    setItem: (k: string, v: string) => void stored.set(k, v),
  });
  const win: FakeWindow = {
    location: { pathname: u.pathname, search: u.search, hash: u.hash, protocol: u.protocol, host: u.host },
    history: {
      replaceState: (_d, _u, url) => {
        const next = new URL(url, address);
        Object.assign(win.location, { pathname: next.pathname, search: next.search, hash: next.hash });
      },
    },
    sessionStorage: storage,
  };
  return win;
}

// The fake has what these functions read; a whole DOM window is not needed for that.
const asWindow = (w: FakeWindow): Window & typeof globalThis => w as unknown as Window & typeof globalThis;

describe('takePageToken', () => {
  it('takes the token from the fragment, keeps it for reloads in this tab, and clears the address', () => {
    const stored = new Map<string, string>();
    const win = fakeWindow('http://127.0.0.1:5000/#token=abc%3Ddef%3D%3D', stored);
    expect(takePageToken(asWindow(win))).toBe('abc=def==');
    expect(`${win.location.search}${win.location.hash}`).toBe('');
    const reloaded = fakeWindow('http://127.0.0.1:5000/', stored);
    expect(takePageToken(asWindow(reloaded))).toBe('abc=def==');
  });

  it('takes a token from the query (addresses printed by older versions) and keeps the route', () => {
    const win = fakeWindow('http://127.0.0.1:5000/?token=t1&x=1#/groups');
    expect(takePageToken(asWindow(win))).toBe('t1');
    expect(`${win.location.search}${win.location.hash}`).toBe('?x=1#/groups');
  });

  it('has none when the page was opened without one', () => {
    expect(takePageToken(asWindow(fakeWindow('http://127.0.0.1:5000/#/groups')))).toBeUndefined();
  });
});

describe('clientForPage without a token', () => {
  it('says the address needs the token instead of retrying forever', () => {
    const client = clientForPage(undefined, asWindow(fakeWindow('http://127.0.0.1:5000/')));
    client.start();
    const st = client.status();
    expect(st.state).toBe('closed');
    expect(st.state === 'closed' ? st.reason : '').toMatch(/needs the token printed when the server started/);
    client.stop();
  });
});

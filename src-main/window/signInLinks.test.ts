/**
 * The desktop side of Sign in with Tradovate: the page's request to open the sign-in page reaches
 * the system browser (never an app window), and nothing else the page asks to open does.
 */
import { describe, expect, it } from 'vitest';
import { createMainLog, type MainLogLine } from '../log/mainLog';
import { FakeWebContents } from '../testing/fakeElectron';
import { hardenWebContents } from './hardening';
import { isSignInUrl } from './signInLinks';

const SIGN_IN = 'https://trader.tradovate.com/oauth?response_type=code&client_id=42&redirect_uri=http%3A%2F%2F127.0.0.1%3A53123%2Foauth%2Ftradovate%2Fcallback&state=abc&code_challenge=x&code_challenge_method=S256';

describe('sign-in links', () => {
  it('knows an OAuth sign-in request that answers to this machine', () => {
    expect(isSignInUrl(SIGN_IN)).toBe(true);
    // The demo's simulated Tradovate on this machine.
    expect(isSignInUrl('http://127.0.0.1:4000/oauth?response_type=code&client_id=d&state=s&redirect_uri=http%3A%2F%2F127.0.0.1%3A5000%2Foauth%2Ftradovate%2Fcallback')).toBe(true);
    // A registered https bounce page.
    expect(isSignInUrl('https://trader.tradovate.com/oauth?response_type=code&client_id=42&state=s&redirect_uri=https%3A%2F%2Fmirrorfill.example%2Fback')).toBe(true);
  });

  it('refuses anything else', () => {
    expect(isSignInUrl('https://example.com/')).toBe(false);
    expect(isSignInUrl('http://evil.example/oauth?response_type=code&client_id=1&state=s&redirect_uri=http%3A%2F%2F127.0.0.1%3A1%2Foauth%2Ftradovate%2Fcallback')).toBe(false);
    expect(isSignInUrl(SIGN_IN.replace('response_type=code', 'response_type=token'))).toBe(false);
    expect(isSignInUrl(SIGN_IN.replace('&state=abc', ''))).toBe(false);
    expect(isSignInUrl(SIGN_IN.replace('127.0.0.1%3A53123%2Foauth%2Ftradovate%2Fcallback', 'evil.example%2Fsteal'))).toBe(false);
    expect(isSignInUrl('file:///etc/passwd')).toBe(false);
    expect(isSignInUrl('not a url')).toBe(false);
  });

  it('window.open of the sign-in page goes to the system browser; other addresses stay blocked', () => {
    const lines: MainLogLine[] = [];
    const contents = new FakeWebContents();
    const opened: string[] = [];
    hardenWebContents(contents, createMainLog((l) => lines.push(l)), (url) => opened.push(url));
    const open = (url: string): unknown => contents.openHandler?.({ url } as Parameters<NonNullable<FakeWebContents['openHandler']>>[0]);
    expect(open(SIGN_IN)).toEqual({ action: 'deny' });
    expect(opened).toEqual([SIGN_IN]);
    expect(open('https://example.com/')).toEqual({ action: 'deny' });
    expect(opened).toEqual([SIGN_IN]);
    expect(lines.map((l) => l.msg)).toEqual(['sign-in page opened in the system browser', 'window.open blocked']);
    // The sign-in address (its state) is not written to main's log.
    expect(JSON.stringify(lines[0])).not.toContain('state=abc');
  });
});

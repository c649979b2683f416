/**
 * The headless host refuses the API socket to anyone without the token, which never travels as a
 * cookie (cookies go to every server on 127.0.0.1, whatever the port).
 */
import WebSocket from 'ws';
import { socketProtocols } from '../src-engine/api/socketAuth';
import { startDemo, type Demo } from './demoHost';
import { expect, openApp, screenshot, test } from './fixtures';

let demo: Demo;
test.beforeAll(async () => {
  demo = await startDemo();
});
test.afterAll(async () => {
  await demo.stop();
});

function wsStatus(url: string, protocols: string[] | undefined, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, { headers });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', (e) => {
      if (!/Unexpected server response/.test(e.message)) reject(e);
    });
  });
}

test('a page without the token says it needs it, and reaches nothing', async ({ page }) => {
  const r = await page.goto(`${demo.url}/`);
  expect(r?.status()).toBe(200);
  await expect(page.getByRole('alert').filter({ hasText: 'needs the token printed when the server started' })).toBeVisible();
});

test('the API socket is refused without the token, with a wrong one, from a cookie, or from another origin', async () => {
  const api = `${demo.url.replace('http:', 'ws:')}/api`;
  expect(await wsStatus(api, undefined)).toBe(401);
  expect(await wsStatus(api, socketProtocols('not-the-token-not-the-token-not'))).toBe(401);
  expect(await wsStatus(api, undefined, { cookie: `mirrorfill_token=${demo.token}` })).toBe(401);
  expect(await wsStatus(api, socketProtocols(demo.token), { origin: 'http://evil.example' })).toBe(401);
  expect(await wsStatus(api, socketProtocols(demo.token))).toBe(101);
});

test('a malformed path is a 400', async ({ page }) => {
  const r = await page.request.get(`${demo.url}/%E0%A4%A`);
  expect(r.status()).toBe(400);
});

test('with the token the app opens; the token is kept out of cookies and the address bar', async ({ page, context }) => {
  await openApp(page, demo);
  const response = await page.request.get(`${demo.url}/`);
  expect(response.headers()['content-security-policy']).toContain("script-src 'self'");
  expect(response.headers()['set-cookie']).toBeUndefined();
  expect(await context.cookies()).toEqual([]);
  await expect(page.getByRole('heading', { name: 'Demo', level: 1 })).toBeVisible();
  // Reloading works from the page's own storage (this origin and port only).
  await page.reload();
  await expect(page.getByRole('status').filter({ hasText: 'Engine connected' })).toBeVisible();
  await screenshot(page, 'dashboard-first-open');
});

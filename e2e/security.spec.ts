/** The headless host refuses anyone without the token: pages, assets and the API socket. */
import WebSocket from 'ws';
import { startDemo, type Demo } from './demoHost';
import { expect, openApp, screenshot, test } from './fixtures';

let demo: Demo;
test.beforeAll(async () => {
  demo = await startDemo();
});
test.afterAll(async () => {
  await demo.stop();
});

function wsStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
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

test('a page without the token gets the 401 page', async ({ page }) => {
  const r = await page.goto(`${demo.url}/`);
  expect(r?.status()).toBe(401);
  await expect(page.getByText('needs the token printed when the server started')).toBeVisible();
});

test('a wrong token is refused', async ({ page }) => {
  const r = await page.goto(`${demo.url}/?token=not-the-token`);
  expect(r?.status()).toBe(401);
  const asset = await page.request.get(`${demo.url}/index.html`, { headers: { cookie: 'mirrorfill_token=not-the-token' } });
  expect(asset.status()).toBe(401);
});

test('the API socket is refused without the cookie, and accepted with it', async () => {
  const api = `${demo.url.replace('http:', 'ws:')}/api`;
  expect(await wsStatus(api)).toBe(401);
  expect(await wsStatus(api, { cookie: 'mirrorfill_token=wrong' })).toBe(401);
  expect(await wsStatus(api, { cookie: `mirrorfill_token=${demo.token}`, origin: 'http://evil.example' })).toBe(401);
  expect(await wsStatus(api, { cookie: `mirrorfill_token=${demo.token}` })).toBe(101);
});

test('with the token the app opens; the token is kept out of scripts and the address bar', async ({ page }) => {
  await openApp(page, demo);
  const response = await page.request.get(`${demo.url}/`);
  expect(response.headers()['content-security-policy']).toContain("script-src 'self'");
  expect(await page.evaluate(() => document.cookie)).not.toContain(demo.token);
  await expect(page.getByRole('heading', { name: 'Demo', level: 1 })).toBeVisible();
  // Reloading works from the cookie alone.
  await page.reload();
  await expect(page.getByRole('status').filter({ hasText: 'Engine connected' })).toBeVisible();
  await screenshot(page, 'dashboard-first-open');
});

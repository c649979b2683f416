/**
 * Sign in with Tradovate under serve, in Chromium: the app opens the simulated Tradovate's real
 * sign-in page in a new tab, the trader signs in there, Tradovate redirects back to the app's own
 * server, and the connection appears connected with its accounts. Cancel and a wrong password on
 * Tradovate's page, and signing in again on an existing connection.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from '@playwright/test';
import { startDemo, type Demo } from './demoHost';
import { expect, openApp, screenshot, test } from './fixtures';

let demo: Demo;
test.beforeAll(async () => {
  demo = await startDemo();
});
test.afterAll(async () => {
  await demo.stop();
});

/** Fills the Add connection form for Sign in with Tradovate and presses it; the tab it opens. */
async function startSignIn(page: Page, context: BrowserContext, name: string): Promise<Page> {
  const form = page.getByRole('region', { name: 'Add connection' });
  await form.getByRole('radio', { name: 'Tradovate' }).check({ force: true });
  await expect(form.getByRole('radio', { name: 'Sign in with Tradovate' })).toBeChecked();
  // Sign in with Tradovate asks for no API key and no secret.
  await expect(form.getByLabel('CID (API key client id)')).toHaveCount(0);
  await expect(form.getByLabel(/^Password/)).toHaveCount(0);
  await form.getByLabel('Connection name').fill(name);
  const opened = context.waitForEvent('page');
  await form.getByRole('button', { name: 'Sign in with Tradovate' }).click();
  const tab = await opened;
  await tab.waitForLoadState();
  await expect(tab.getByRole('heading', { name: 'Sign In with Tradovate' })).toBeVisible();
  await expect(form.getByRole('status', { name: 'Tradovate sign-in' })).toContainText("Waiting for you to sign in on Tradovate's page");
  return tab;
}

test('signs in on Tradovate\'s page and the connection comes up with its accounts', async ({ page, context }) => {
  await openApp(page, demo, 'Connections');
  const tab = await startSignIn(page, context, 'E2E Signed in');
  expect(new URL(tab.url()).searchParams.get('code_challenge_method')).toBe('S256');
  await tab.getByLabel('Username').fill('demo-eval');
  await tab.getByLabel('Password').fill('demo-password');
  await tab.getByRole('button', { name: 'Sign in and allow' }).click();
  // Back on the app's own server: the redirect page says it is done.
  await expect(tab.getByRole('heading', { name: 'Signed in to Tradovate' })).toBeVisible();
  expect(new URL(tab.url()).origin).toBe(demo.url);
  await expect(tab.getByRole('status')).toHaveText('Signed in to Tradovate as demo-eval.');

  const form = page.getByRole('region', { name: 'Add connection' });
  await expect(form.getByRole('status', { name: 'Tradovate sign-in' })).toHaveText('Signed in to Tradovate as demo-eval');
  const card = page.getByRole('article', { name: 'Connection E2E Signed in' });
  await expect(card.getByText('Connected', { exact: true })).toBeVisible();
  await expect(card.getByText('Signed in with Tradovate', { exact: true })).toBeVisible();
  await expect(card.getByRole('cell', { name: 'DEMO-EVAL-1' })).toBeVisible();
  // No token, no client secret in the page.
  expect(await page.locator('main').innerText()).not.toMatch(/accessToken|client_secret/i);
  await screenshot(page, 'connections-signed-in');

  // Signing in again on the same connection keeps it and its accounts.
  const again = context.waitForEvent('page');
  await card.getByRole('button', { name: 'Sign in again' }).click();
  const tab2 = await again;
  await tab2.getByLabel('Username').fill('demo-eval');
  await tab2.getByLabel('Password').fill('demo-password');
  await tab2.getByRole('button', { name: 'Sign in and allow' }).click();
  await expect(tab2.getByRole('heading', { name: 'Signed in to Tradovate' })).toBeVisible();
  await expect(card.getByRole('status', { name: 'Tradovate sign-in' })).toHaveText('Signed in to Tradovate as demo-eval');
  await expect(card.getByText('Connected', { exact: true })).toBeVisible();
  await expect(page.getByRole('article', { name: 'Connection E2E Signed in' })).toHaveCount(1);
});

test('signing in as a Tradovate user already connected is refused: one connection per login, nothing added', async ({ page, context }) => {
  await openApp(page, demo, 'Connections');
  const before = await page.getByRole('article').count();
  const tab = await startSignIn(page, context, 'E2E Same user');
  await tab.getByLabel('Username').fill('demo-trader');
  await tab.getByLabel('Password').fill('demo-password');
  await tab.getByRole('button', { name: 'Sign in and allow' }).click();
  await expect(tab.getByRole('heading', { name: 'Tradovate sign-in failed' })).toBeVisible();
  await expect(tab.getByRole('status')).toContainText('This Tradovate user is already connected in Mirrorfill');
  const form = page.getByRole('region', { name: 'Add connection' });
  await expect(form.getByRole('status', { name: 'Tradovate sign-in' })).toContainText('demo-trader is "Tradovate (simulated)"');
  await expect(page.getByRole('article', { name: 'Connection E2E Same user' })).toHaveCount(0);
  await expect(page.getByRole('article')).toHaveCount(before);
});

test('Cancel on Tradovate\'s page: the app says so and adds nothing', async ({ page, context }) => {
  await openApp(page, demo, 'Connections');
  const tab = await startSignIn(page, context, 'E2E Cancelled');
  await tab.getByRole('button', { name: 'Cancel' }).click();
  await expect(tab.getByRole('heading', { name: 'Tradovate sign-in failed' })).toBeVisible();
  await expect(tab.getByRole('status')).toContainText("Sign-in cancelled on Tradovate's page");
  const form = page.getByRole('region', { name: 'Add connection' });
  await expect(form.getByRole('status', { name: 'Tradovate sign-in' })).toContainText("Sign-in cancelled on Tradovate's page: nothing was connected");
  await expect(page.getByRole('article', { name: 'Connection E2E Cancelled' })).toHaveCount(0);
});

test('a wrong password stays on Tradovate\'s page; the app keeps waiting until the sign-in is cancelled there', async ({ page, context }) => {
  await openApp(page, demo, 'Connections');
  const tab = await startSignIn(page, context, 'E2E Wrong password');
  await tab.getByLabel('Username').fill('demo-trader');
  await tab.getByLabel('Password').fill('not-the-password');
  await tab.getByRole('button', { name: 'Sign in and allow' }).click();
  await expect(tab.getByRole('alert')).toContainText('Incorrect username or password');
  const form = page.getByRole('region', { name: 'Add connection' });
  await expect(form.getByRole('status', { name: 'Tradovate sign-in' })).toContainText('Waiting for you to sign in');
  await form.getByRole('button', { name: 'Cancel sign-in' }).click();
  await expect(form.getByRole('status', { name: 'Tradovate sign-in' })).toContainText('Sign-in cancelled');
  // The sign-in is over: the page's answer now is refused as not belonging to one.
  await tab.getByLabel('Username').fill('demo-trader');
  await tab.getByLabel('Password').fill('demo-password');
  await tab.getByRole('button', { name: 'Sign in and allow' }).click();
  await expect(tab.getByRole('status')).toContainText('does not belong to a sign-in Mirrorfill started');
  await expect(page.getByRole('article', { name: 'Connection E2E Wrong password' })).toHaveCount(0);
});

test('the https bounce page forwards Tradovate\'s answer, unchanged, to the loopback port in the state', async ({ page }) => {
  const bounce = pathToFileURL(resolve(import.meta.dirname, '../src-engine/brokers/tradovate/oauth/bouncePage.html'));
  const arrived: string[] = [];
  await page.route('http://127.0.0.1:54321/**', async (route) => {
    arrived.push(route.request().url());
    await route.fulfill({ status: 200, contentType: 'text/html', body: '<h1>Signed in to Tradovate</h1>' });
  });
  await page.goto(`${bounce.href}?code=abc123&state=54321.xyz`);
  await expect(page.getByRole('heading', { name: 'Signed in to Tradovate' })).toBeVisible();
  expect(arrived).toEqual(['http://127.0.0.1:54321/oauth/tradovate/callback?code=abc123&state=54321.xyz']);

  await page.goto(`${bounce.href}?code=abc123&state=no-port`);
  await expect(page.getByRole('status')).toContainText('not one');
});

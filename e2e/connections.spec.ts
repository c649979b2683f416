/** Connections: the demo's logins with their state, accounts and budgets; adding a paper login. */
import { startDemo, type Demo } from './demoHost';
import { expect, openApp, screenshot, test } from './fixtures';

let demo: Demo;
test.beforeAll(async () => {
  demo = await startDemo();
});
test.afterAll(async () => {
  await demo.stop();
});

test('lists the demo connections with state, accounts, what each login carries and its budget now', async ({ page }) => {
  await openApp(page, demo, 'Connections');
  const tradovate = page.getByRole('article', { name: 'Connection Tradovate (simulated)' });
  await expect(tradovate.getByText('Connected', { exact: true })).toBeVisible();
  await expect(tradovate.getByRole('cell', { name: 'DEMO-LEADER' })).toBeVisible();
  // The demo group copies to two followers under the Tradovate login and two under the ProjectX key.
  const tvLoad = tradovate.getByRole('region', { name: 'Copy capacity of Tradovate (simulated)' });
  await expect(tvLoad).toContainText('2 followers on one Tradovate login: about 36 leader fills a minute copied at once; more wait, exits first');
  await expect(tvLoad).toContainText("Tradovate allows 80 requests a minute per login; Mirrorfill plans on 72 a minute and 4,500 an hour, leaving room for your own platform; the minute's limit decides");
  await expect(tvLoad.getByText(/^\d+ of 72 requests left this minute$/)).toBeVisible();
  await expect(tvLoad.getByText('Nothing waiting', { exact: true })).toBeVisible();
  const pxLoad = page.getByRole('region', { name: 'Copy capacity of TopstepX (simulated)' });
  await expect(pxLoad).toContainText('2 followers on one ProjectX API key: about 90 leader fills a minute copied at once; more wait, exits first');
  await expect(pxLoad).toContainText('ProjectX allows 200 requests a minute per API key; Mirrorfill plans on 180 a minute, leaving room for your own platform');
  await expect(pxLoad.getByText(/^\d+ of 180 requests left this minute$/)).toBeVisible();
  // Paper keeps no limits worth a sentence: nothing is said while nothing waits.
  const paper = page.getByRole('article', { name: 'Connection Paper' });
  await expect(paper.getByRole('cell', { name: 'PAPER-25K' })).toBeVisible();
  await expect(paper.getByRole('region', { name: /^Copy capacity/ })).toHaveCount(0);
});

test('the add form checks its fields before sending', async ({ page }) => {
  await openApp(page, demo, 'Connections');
  const form = page.getByRole('region', { name: 'Add connection' });
  await form.getByRole('radio', { name: 'Tradovate' }).check();
  // Sign in with Tradovate is the default; the API key's fields are the other method's.
  await form.getByRole('radio', { name: 'API key (your own)' }).check();
  // The demo fills in its simulator's settings; a real login's CID is the trader's to type.
  await form.getByLabel('Environment').selectOption('demo');
  await form.getByLabel('CID (API key client id)').fill('');
  await form.getByRole('button', { name: 'Add Tradovate connection' }).click();
  await expect(form.getByLabel('Connection name')).toHaveAccessibleDescription(/must not be empty/);
  await expect(form.getByLabel('CID (API key client id)')).toHaveAccessibleDescription(/required/);
  await expect(form.getByLabel('API secret')).toHaveAccessibleDescription(/required/);
  // Environment fills the hosts; custom shows them.
  await form.getByLabel('Environment').selectOption('custom');
  await expect(form.getByLabel('REST URL')).toHaveValue('https://demo.tradovateapi.com/v1');
  await form.getByLabel('REST URL').fill('ftp://nowhere');
  await form.getByRole('button', { name: 'Add Tradovate connection' }).click();
  await expect(form.getByLabel('REST URL')).toHaveAccessibleDescription(/must be a http: or https: URL/);
});

test('the demo\'s Add connection: a new login connects; a login the demo already uses is refused, naming its connection', async ({ page }) => {
  await openApp(page, demo, 'Connections');
  const form = page.getByRole('region', { name: 'Add connection' });
  // The demo keeps a typed secret in the keychain when there is one, in memory for this run when not.
  await expect(page.getByText(/No keychain: secrets cannot be stored/)).toHaveCount(0);

  await form.getByRole('radio', { name: 'Paper' }).check();
  await form.getByLabel('Connection name').fill('E2E Paper');
  await expect(form.getByLabel('Login', { exact: true })).toHaveValue('demo-paper');
  await expect(form.getByRole('note', { name: 'Demo logins' })).toContainText('login demo-paper, password demo-paper');
  await form.getByLabel(/^Password/).fill('demo-paper');
  await form.getByRole('button', { name: 'Add Paper connection' }).click();
  const paper = page.getByRole('article', { name: 'Connection E2E Paper' });
  await expect(paper.getByText('Connected', { exact: true })).toBeVisible();
  await expect(paper.getByRole('cell', { name: 'PAPER-25K' })).toBeVisible();
  await expect(paper.getByText('Secret stored')).toBeVisible();
  // The secret went in and is never shown again.
  await expect(form.getByLabel(/^Password/)).toHaveValue('');

  await form.getByRole('radio', { name: 'Tradovate' }).check();
  await form.getByRole('radio', { name: 'API key (your own)' }).check();
  await expect(form.getByLabel('Environment')).toHaveValue('sim');
  await form.getByLabel('Connection name').fill('E2E Tradovate');
  await form.getByLabel(/^Password/).fill('demo-password');
  await form.getByLabel(/^API secret/).fill('anything');
  await form.getByRole('button', { name: 'Add Tradovate connection' }).click();
  // One connection per login (its accounts share one request budget): the demo's own Tradovate
  // login is refused with the connection that has it, and nothing is added.
  await expect(form.getByRole('alert').filter({ hasText: 'this login is already connected as "Tradovate (simulated)"' })).toBeVisible();
  await expect(page.getByRole('article', { name: 'Connection E2E Tradovate' })).toHaveCount(0);
  // After the refusal the form still switches broker: the page has scrolled to the Add button, and
  // the broker radios were once a 1px box under the sticky top bar, so a click on them hit the bar.
  await form.getByRole('radio', { name: 'ProjectX' }).check();
  await expect(form.getByRole('radio', { name: 'ProjectX' })).toBeChecked();
  await expect(form.getByLabel('Firm')).toHaveValue('sim');
  await expect(form.getByRole('button', { name: 'Add ProjectX connection' })).toBeVisible();

  await screenshot(page, 'connections');
});

test('a connection whose login failed does not say its secret is fine', async ({ page }) => {
  await openApp(page, demo, 'Connections');
  const form = page.getByRole('region', { name: 'Add connection' });
  await form.getByRole('radio', { name: 'Paper' }).check();
  await form.getByLabel('Connection name').fill('E2E Wrong');
  await form.getByLabel(/^Password/).fill('not-the-password');
  await form.getByRole('button', { name: 'Add Paper connection' }).click();
  const card = page.getByRole('article', { name: 'Connection E2E Wrong' });
  await expect(card.getByText('Login failed: check the secret')).toBeVisible();
  await expect(card.getByText('Secret stored')).toHaveCount(0);
  expect(await page.locator('main').innerText()).not.toMatch(/paper-[0-9a-f]{8}|controls\./);
});

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

test('lists the demo connections with state, accounts and request budget', async ({ page }) => {
  await openApp(page, demo, 'Connections');
  const tradovate = page.getByRole('article', { name: 'Connection Tradovate (simulated)' });
  await expect(tradovate.getByText('Connected', { exact: true })).toBeVisible();
  await expect(tradovate.getByRole('cell', { name: 'DEMO-LEADER' })).toBeVisible();
  await expect(tradovate.getByText(/\d+\/80/)).toBeVisible();
  await expect(page.getByRole('article', { name: 'Connection TopstepX (simulated)' }).getByText(/\d+\/200/)).toBeVisible();
});

test('the add form checks its fields before sending', async ({ page }) => {
  await openApp(page, demo, 'Connections');
  const form = page.getByRole('region', { name: 'Add connection' });
  await form.getByRole('radio', { name: 'Tradovate' }).check({ force: true });
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

test('adds a Paper connection and sees it connected with its account', async ({ page }) => {
  await openApp(page, demo, 'Connections');
  const form = page.getByRole('region', { name: 'Add connection' });
  await form.getByRole('radio', { name: 'Paper' }).check({ force: true });
  await form.getByLabel('Connection name').fill('E2E Paper');
  await form.getByLabel('Login', { exact: true }).fill('demo-paper');
  await form.getByLabel(/^Password/).fill('demo-paper');
  await form.getByRole('button', { name: 'Add Paper connection' }).click();
  const card = page.getByRole('article', { name: 'Connection E2E Paper' });
  await expect(card).toBeVisible();
  // The secret went in and is never shown again: the field is empty, the card only says it is stored.
  await expect(form.getByLabel(/^Password/)).toHaveValue('');
  if (demo.keychain) {
    await expect(card.getByText('Connected', { exact: true })).toBeVisible();
    await expect(card.getByRole('cell', { name: 'PAPER-25K' })).toBeVisible();
    await expect(card.getByText('Secret stored')).toBeVisible();
  } else {
    test.info().annotations.push({ type: 'skip-reason', description: 'no Secret Service here: checking the refusal instead' });
    await expect(form.getByText(/secret was not stored/)).toBeVisible();
  }
  await screenshot(page, 'connections');
});

/**
 * Dashboard and Activity: the self-trading leader's trades show up on the followers, copy orders
 * stream into Activity, sync toggles and ratio edits reach the engine, Flatten All flattens.
 */
import { startDemo, type Demo } from './demoHost';
import { expect, goTo, openApp, screenshot, test } from './fixtures';

let demo: Demo;
test.beforeAll(async () => {
  demo = await startDemo();
});
test.afterAll(async () => {
  await demo.stop();
});

test('a leader trade appears on the followers and in Activity', async ({ page }) => {
  await openApp(page, demo, 'Dashboard');
  await expect(page.getByRole('heading', { name: 'Demo', level: 1 })).toBeVisible();
  // The first copy: the leader opens a position, every follower row gets one (generous timeout).
  await expect(page.locator('[data-col=leader-position]').first()).toHaveText(/^[+−]\d+$/, { timeout: 60_000 });
  await expect(page.getByRole('row', { name: 'DEMO-FUNDED-2 MNQ' }).locator('[data-col=position]')).toHaveText(/^[+−]\d+$/, { timeout: 60_000 });
  await expect(page.getByRole('row', { name: '150KTC-DEMO-2 MNQ' })).toContainText('In sync');
  await screenshot(page, 'dashboard');

  await goTo(page, 'Activity');
  const latest = page.getByRole('table', { name: 'Latest activity' });
  await expect(latest.getByText(/MNQ — copy — filled/).first()).toBeVisible({ timeout: 60_000 });
  // New rows keep arriving on top without a reload.
  const top = latest.getByRole('row').nth(1);
  const before = await top.textContent();
  await expect(top).not.toHaveText(before ?? '', { timeout: 60_000 });
  // Filter by account.
  await page.getByLabel('Filter by account').selectOption({ label: 'PAPER-25K' });
  await expect(latest.getByRole('row').nth(1)).toContainText('PAPER-25K');
  await expect(latest.getByRole('cell', { name: 'DEMO-FUNDED-2' })).toHaveCount(0);
  await page.getByLabel('Filter by account').selectOption({ label: 'All accounts' });
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^mirrorfill-activity-.*\.csv$/);
  await screenshot(page, 'activity');
});

test('sync toggle, ratio edit and Flatten All reach the engine', async ({ page }) => {
  await openApp(page, demo, 'Dashboard');
  // The sync switch lives on a follower's MNQ row, which exists while the leader holds MNQ.
  const sync = page.getByRole('switch', { name: 'Sync MNQ for PAPER-25K' });
  await expect(sync).toHaveAttribute('aria-checked', 'true', { timeout: 60_000 });
  await sync.click();
  await expect(sync).toHaveAttribute('aria-checked', 'false');
  await expect(page.getByRole('row', { name: 'PAPER-25K MNQ' })).toContainText('sync off');
  await sync.click();
  await expect(sync).toHaveAttribute('aria-checked', 'true');

  // Ratio −/+ is a staged edit like every membership change.
  const ratio = page.getByRole('textbox', { name: 'Ratio for PAPER-25K' });
  await expect(ratio).toHaveValue('0.5');
  await page.getByRole('button', { name: 'Increase ratio for PAPER-25K' }).click();
  await expect(ratio).toHaveValue('0.6');
  const bar = page.getByRole('region', { name: 'Pending changes' });
  await expect(bar).toContainText('1 pending change');
  await bar.getByRole('button', { name: 'Save' }).click();
  await expect(bar).toBeHidden();
  await expect(ratio).toHaveValue('0.6');
  // It stuck in the engine: the Groups editor shows it as saved.
  await page.goto(`${demo.url}/#/groups`);
  await page.getByRole('link', { name: 'Edit Demo' }).click();
  await expect(page.getByRole('textbox', { name: 'Ratio for PAPER-25K' })).toHaveValue('0.6');

  await goTo(page, 'Dashboard');
  await page.getByRole('button', { name: 'Flatten All' }).click();
  await page.getByRole('button', { name: 'Confirm: flatten every account' }).click();
  await expect(page.getByText('Flatten sent for every account in the group')).toBeVisible();
  await goTo(page, 'Activity');
  await expect(page.getByRole('table', { name: 'Latest activity' }).getByText(/— flatten —/).first()).toBeVisible();
});

/**
 * Activity (issue 16, items 6–8): the leader's own fills and the trader's own actions are rows;
 * filters are right at once, without a reload (the account filter keeps that account's fills);
 * "No older rows" only when there are none; everything in names and words.
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

const INTERNAL = /followers\[\d+\]|notTracking|controls\.|trailingDrawdown|leaderCancelled|groupPaused|joinedLate|paper-[0-9a-f]{8}|demo-(lead|tv\d|px\d|pp\d)\b/;

test('leader fills and your actions are listed; filters apply without a reload', async ({ page }) => {
  await openApp(page, demo, 'Groups');
  await page.getByRole('button', { name: 'Pause all' }).click();
  await page.getByRole('button', { name: 'Resume all' }).click();
  await goTo(page, 'Activity');
  const latest = page.getByRole('table', { name: 'Latest activity' });
  await expect(latest.getByRole('row').filter({ hasText: 'You paused every group' })).toHaveCount(1);
  await expect(latest.getByRole('row').filter({ hasText: 'You resumed every group' })).toHaveCount(1);
  await expect(latest.getByRole('row').filter({ hasText: /leader (bought|sold) \d+ MNQ @/ }).first()).toBeVisible({ timeout: 60_000 });
  await expect(latest.getByRole('row').filter({ hasText: /MNQ — copy — filled/ }).first()).toBeVisible({ timeout: 60_000 });

  const accountCells = latest.locator('td.account-name');
  // The leader's account: its fills, nobody else's rows.
  await page.getByLabel('Filter by account').selectOption({ label: 'DEMO-LEADER' });
  await expect(latest.getByRole('row').filter({ hasText: 'leader fill' }).first()).toBeVisible();
  await expect.poll(async () => [...new Set(await accountCells.allTextContents())]).toEqual(['DEMO-LEADER']);
  // A follower: its copies, filled ones included.
  await page.getByLabel('Filter by account').selectOption({ label: 'DEMO-FUNDED-1' });
  await expect.poll(async () => [...new Set(await accountCells.allTextContents())]).toEqual(['DEMO-FUNDED-1']);
  await expect(latest.getByRole('row').filter({ hasText: 'filled' }).first()).toBeVisible({ timeout: 30_000 });
  // Kind: your actions only; then everything again.
  await page.getByLabel('Filter by account').selectOption({ label: 'All accounts' });
  await page.getByLabel('Filter by kind').selectOption({ label: 'Your actions' });
  await expect.poll(async () => latest.locator('tbody tr').count()).toBe(2);
  await expect(latest).toContainText('You paused every group');
  await expect(page.getByRole('button', { name: 'No older rows' })).toBeHidden();
  // Leaving the screen and coming back keeps the filter and what it shows.
  await goTo(page, 'Groups');
  await goTo(page, 'Activity');
  await expect(page.getByLabel('Filter by kind')).toHaveValue('yours');
  await expect.poll(async () => latest.locator('tbody tr').count()).toBe(2);
  await page.getByLabel('Filter by kind').selectOption({ label: 'Everything' });
  await expect.poll(async () => latest.locator('tbody tr').count()).toBeGreaterThan(2);

  expect(await page.locator('main').innerText()).not.toMatch(INTERNAL);
  await screenshot(page, 'activity-feed');
});

test('the CSV export has names, words and local times with the zone', async ({ page }) => {
  await openApp(page, demo, 'Activity');
  await expect(page.getByRole('table', { name: 'Latest activity' }).getByRole('row').filter({ hasText: 'leader fill' }).first()).toBeVisible({ timeout: 60_000 });
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const file = await (await download).path();
  const { readFileSync } = await import('node:fs');
  const csv = readFileSync(file, 'utf8');
  expect(csv.split('\n')[0]).toMatch(/^"time \([A-Za-z_/]+\)","kind","group","account"/);
  expect(csv).toContain('"Demo"');
  expect(csv).toContain('"DEMO-LEADER"');
  expect(csv).toMatch(/"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} [+-]\d\d:\d\d"/);
  expect(csv).not.toMatch(INTERNAL);
  expect(csv).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}/);
});

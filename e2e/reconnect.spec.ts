/**
 * The engine goes away and comes back (same address, token and data): the UI says so at once,
 * reconnects by itself, re-reads the state, and the user's unsaved staged edit is still there.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemo, type Demo } from './demoHost';
import { expect, goTo, openApp, screenshot, test } from './fixtures';

const dataDir = mkdtempSync(join(tmpdir(), 'mirrorfill-e2e-reconnect-'));
const token = 'e2e-reconnect-token-0123456789';
let demo: Demo | undefined;

test.afterAll(async () => {
  await demo?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test('disconnected banner, automatic reconnect, staged edits kept', async ({ page }) => {
  const first = await startDemo({ token, dataDir });
  demo = first;
  await openApp(page, first, 'Dashboard');
  // The ratio control is on the follower's MNQ row, there once the self-trading leader has traded.
  await expect(page.getByRole('row', { name: 'DEMO-FUNDED-1 MNQ' })).toBeVisible({ timeout: 60_000 });
  const ratio = page.getByRole('textbox', { name: 'Ratio for DEMO-FUNDED-1 MNQ', exact: true });
  await expect(ratio).toHaveValue('1');
  await page.getByRole('button', { name: 'Increase ratio for DEMO-FUNDED-1 MNQ', exact: true }).click();
  const bar = page.getByRole('region', { name: 'Pending changes' });
  await expect(bar).toContainText('1 pending change');

  await first.stop();
  const banner = page.getByRole('alert').filter({ hasText: 'Engine disconnected — reconnecting' });
  await expect(banner).toBeVisible();
  await expect(banner).toContainText('your unsaved edits are kept');
  await expect(page.getByRole('status').filter({ hasText: 'Engine disconnected' })).toBeVisible();
  await screenshot(page, 'engine-disconnected');

  demo = await startDemo({ token, dataDir, port: first.port });
  await expect(banner).toBeHidden({ timeout: 30_000 });
  await expect(page.getByRole('status').filter({ hasText: 'Engine connected' })).toBeVisible();
  // The draft survived the outage and still counts as one change against the re-read group.
  await expect(bar).toContainText('1 pending change');
  await expect(ratio).toHaveValue('2');
  await bar.getByRole('button', { name: 'Save' }).click();
  // The demo's leader trades by itself: when the follower holds a position, the save first asks
  // whether the new ratio resizes it now or from the next entry.
  const question = page.getByRole('dialog', { name: 'Before saving "Demo"' });
  await Promise.race([bar.waitFor({ state: 'hidden' }), question.waitFor({ state: 'visible' })]);
  if (await question.isVisible()) {
    await question.getByLabel(/^From the next entry/).check();
    await question.getByRole('button', { name: 'Save' }).click();
  }
  await expect(bar).toBeHidden();
  await expect(ratio).toHaveValue('2');
  // The restarted demo reaches its own simulators (they listen on fresh ports each start).
  await goTo(page, 'Connections');
  await expect(page.getByRole('article', { name: 'Connection Tradovate (simulated)' }).getByText('Connected', { exact: true })).toBeVisible();
  await expect(page.getByRole('article', { name: 'Connection TopstepX (simulated)' }).getByText('Connected', { exact: true })).toBeVisible();
});

/** Emergency Stop (one click to arm, one to fire) pauses every group; Settings say where things live. */
import { startDemo, type Demo } from './demoHost';
import { expect, goTo, openApp, screenshot, test } from './fixtures';

let demo: Demo;
test.beforeAll(async () => {
  demo = await startDemo();
});
test.afterAll(async () => {
  await demo.stop();
});

test('Emergency Stop pauses every group, from any screen', async ({ page }) => {
  // A second group, so "every group" means more than one: its leader is a paper account added here.
  await openApp(page, demo, 'Connections');
  const form = page.getByRole('region', { name: 'Add connection' });
  await form.getByRole('radio', { name: 'Paper' }).check({ force: true });
  await form.getByLabel('Connection name').fill('Second paper');
  await form.getByLabel('Login', { exact: true }).fill('demo-paper');
  await form.getByLabel(/^Password/).fill('demo-paper');
  await form.getByRole('button', { name: 'Add Paper connection' }).click();
  if (demo.keychain) {
    await expect(page.getByRole('article', { name: 'Connection Second paper' }).getByRole('cell', { name: 'PAPER-25K' })).toBeVisible();
    await goTo(page, 'Groups');
    await page.getByRole('button', { name: 'New group' }).click();
    const editor = page.getByRole('region', { name: 'New group' });
    await editor.getByLabel('Group name').fill('Second');
    await editor.getByLabel('Leader', { exact: true }).selectOption({ label: 'PAPER-25K (Paper)' });
    await page.getByRole('region', { name: 'Pending changes' }).getByRole('button', { name: 'Save' }).click();
    await expect(page.getByRole('region', { name: 'Groups list' }).getByRole('row').filter({ hasText: 'Second' }).getByText('Paused — no followers')).toBeVisible();
  }
  await goTo(page, 'Settings');

  const estop = page.getByRole('button', { name: 'Emergency Stop: pause every group and flatten every account' });
  await estop.click();
  const fire = page.getByRole('button', { name: 'Confirm: stop all & flatten' });
  await expect(fire).toBeFocused();
  // The question says what it will do, and stays until answered; Escape answers it (focus back on the button).
  await expect(page.getByRole('dialog')).toContainText('Pause every group and flatten every account in every group');
  await page.keyboard.press('Escape');
  await expect(fire).toBeHidden();
  await expect(estop).toBeFocused();
  await estop.click();
  await fire.click();
  await expect(page.getByText('Emergency stop: every group paused, flatten sent')).toBeVisible();

  await goTo(page, 'Groups');
  const rows = page.getByRole('region', { name: 'Groups list' }).getByRole('row');
  await expect(rows.filter({ hasText: 'Demo' }).getByText('Paused — emergency stop')).toBeVisible();
  if (demo.keychain) await expect(rows.filter({ hasText: 'Second' }).getByText('Paused — emergency stop')).toBeVisible();
  await rows.filter({ hasText: 'Demo' }).getByRole('link', { name: 'Dashboard' }).click();
  const head = page.locator('.screen-head');
  await expect(head.getByText('Paused — emergency stop')).toBeVisible();
  // No follower row reads as copying after an Emergency Stop.
  await expect(page.locator('table.followers [data-col=state]').filter({ hasText: /Copying/ })).toHaveCount(0);
  await expect(page.locator('table.followers [data-col=state]').first()).toContainText('Not copying: paused');
  await head.getByRole('button', { name: 'Resume' }).click();
  await expect(head.getByText('Active', { exact: true })).toBeVisible();
});

test('Settings: toggles persist; keychain, data and log folders are shown', async ({ page }) => {
  await openApp(page, demo, 'Settings');
  const startPaused = page.getByRole('switch', { name: 'Start paused' });
  await expect(startPaused).toHaveAttribute('aria-checked', 'false');
  await startPaused.click();
  await expect(startPaused).toHaveAttribute('aria-checked', 'true');
  await page.reload();
  await expect(page.getByRole('switch', { name: 'Start paused' })).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByText(/mirrorfill-demo-.*\/logs/)).toBeVisible();
  await expect(page.getByText(demo.keychain ? 'Available' : 'No keychain available')).toBeVisible();
  await page.getByRole('switch', { name: 'Start paused' }).click();
  await expect(page.getByRole('switch', { name: 'Start paused' })).toHaveAttribute('aria-checked', 'false');
  await screenshot(page, 'settings');
});

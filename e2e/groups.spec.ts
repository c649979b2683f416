/** Groups: create with a staged edit, role conflicts refused inline with the group's name, delete. */
import { startDemo, type Demo } from './demoHost';
import { expect, openApp, screenshot, test } from './fixtures';

let demo: Demo;
test.beforeAll(async () => {
  demo = await startDemo();
});
test.afterAll(async () => {
  await demo.stop();
});

test('creates a group through a staged edit, refuses a role conflict inline, deletes with confirmation', async ({ page }) => {
  await openApp(page, demo, 'Groups');
  const list = page.getByRole('region', { name: 'Groups list' });
  await expect(list.getByRole('row').filter({ hasText: 'Demo' }).getByText('Active')).toBeVisible();

  await page.getByRole('button', { name: 'New group' }).click();
  const editor = page.getByRole('region', { name: 'New group' });
  await expect(editor).toBeVisible();
  await editor.getByLabel('Group name').fill('Evening');
  const bar = page.getByRole('region', { name: 'Pending changes' });
  await expect(bar).toContainText('1 pending change');
  await bar.getByRole('button', { name: 'Save' }).click();
  const row = list.getByRole('row').filter({ hasText: 'Evening' });
  await expect(row).toBeVisible();
  await expect(row.getByText('Not configured')).toBeVisible();
  await expect(bar).toBeHidden();

  // Staged membership edit: an account that already follows "Demo" is refused, inline, by name.
  const edit = page.getByRole('region', { name: 'Edit group: Evening' });
  await expect(edit).toBeVisible();
  await edit.getByLabel('Add follower').selectOption({ label: 'DEMO-FUNDED-1 (Tradovate) — follower in Demo' });
  await expect(bar).toContainText('1 pending change');
  await bar.getByRole('button', { name: 'Save' }).click();
  await expect(edit.getByRole('alert').filter({ hasText: 'followers[0].account: account "demo-tv1" is already a follower in group "Demo"' })).toBeVisible();
  await expect(bar).toContainText('1 pending change');
  await screenshot(page, 'groups');
  await bar.getByRole('button', { name: 'Discard' }).click();
  await expect(bar).toBeHidden();

  // Rename, staged too.
  await edit.getByLabel('Group name').fill('Evening session');
  await expect(bar).toContainText('1 pending change');
  await bar.getByRole('button', { name: 'Save' }).click();
  await expect(list.getByRole('row').filter({ hasText: 'Evening session' })).toBeVisible();

  // Delete asks first.
  await list.getByRole('button', { name: 'Delete Evening session' }).click();
  await list.getByRole('button', { name: 'Delete "Evening session"?' }).click();
  await expect(list.getByRole('row').filter({ hasText: 'Evening' })).toHaveCount(0);
});

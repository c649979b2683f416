/** Groups: create with a staged edit, role conflicts refused inline with the group's name, delete; a follower's ratios per symbol. */
import { startDemo, type Demo } from './demoHost';
import { expect, goTo, openApp, screenshot, test } from './fixtures';

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
  // Once, beside the row, in names: no field path, no account id.
  await expect(edit.getByRole('alert').filter({ hasText: 'account "DEMO-FUNDED-1" is already a follower in group "Demo"' })).toHaveCount(1);
  expect(await page.locator('main').innerText()).not.toMatch(/followers\[\d+\]|demo-tv1/);
  await expect(bar).toContainText('1 pending change');
  await screenshot(page, 'groups');
  await bar.getByRole('button', { name: 'Discard' }).click();
  await expect(bar).toBeHidden();

  // Checked as it is typed, once, beside the field, before any Save.
  await edit.getByLabel('Group name').fill('demo');
  await expect(edit.getByText('a group named "Demo" already exists')).toHaveCount(1);
  await expect(edit.getByLabel('Group name')).toHaveAccessibleDescription(/a group named "Demo" already exists/);

  // Rename, staged too.
  await edit.getByLabel('Group name').fill('Evening session');
  await expect(edit.getByText(/already exists/)).toHaveCount(0);
  await expect(bar).toContainText('1 pending change');
  await bar.getByRole('button', { name: 'Save' }).click();
  await expect(list.getByRole('row').filter({ hasText: 'Evening session' })).toBeVisible();

  // A ratio is checked as it is typed, once, beside its field, with the engine's range.
  await list.getByRole('link', { name: 'Edit Demo' }).click();
  const demoEdit = page.getByRole('region', { name: 'Edit group: Demo' });
  await demoEdit.getByLabel('Ratio for PAPER-25K').fill('-1');
  await expect(demoEdit.getByText('Ratio: must be between 0.1 and 1000')).toHaveCount(1);
  await bar.getByRole('button', { name: 'Save' }).click();
  await expect(demoEdit.getByText(/must be between 0.1 and 1000/)).toHaveCount(1);
  await expect(page.getByText(/decimal number/)).toHaveCount(0);
  await bar.getByRole('button', { name: 'Discard' }).click();
  await list.getByRole('link', { name: 'Edit Evening session' }).click();

  // Delete asks first.
  await list.getByRole('button', { name: 'Delete Evening session' }).click();
  await list.getByRole('button', { name: 'Delete "Evening session"?' }).click();
  await expect(list.getByRole('row').filter({ hasText: 'Evening' })).toHaveCount(0);
});

test("a follower's ratio per symbol is set in the editor and shown on that symbol's Dashboard row", async ({ page }) => {
  // An ES row for every follower, so the Dashboard shows ES before the leader trades it.
  await openApp(page, demo, 'Dashboard');
  await page.getByRole('combobox', { name: 'Add a symbol row for every follower' }).selectOption('ES');
  await expect(page.getByRole('row', { name: 'PAPER-25K ES' })).toBeVisible();
  await goTo(page, 'Groups');
  const list = page.getByRole('region', { name: 'Groups list' });
  await list.getByRole('link', { name: 'Edit Demo' }).click();
  const editor = page.getByRole('region', { name: 'Edit group: Demo' });
  // PAPER-25K trades at 0.5; ES gets a ratio of its own, starting from that.
  await editor.getByRole('combobox', { name: 'Set a ratio per symbol for PAPER-25K' }).selectOption('ES');
  const es = editor.getByRole('textbox', { name: 'ES ratio of PAPER-25K', exact: true });
  await expect(es).toHaveValue('0.5');
  await es.fill('0');
  await expect(editor.getByText('ES ratio must be between 0.1 and 1000')).toHaveCount(1);
  await es.fill('3');
  await expect(editor.getByText(/ES ratio must be/)).toHaveCount(0);
  const bar = page.getByRole('region', { name: 'Pending changes' });
  await expect(bar).toContainText('1 pending change');
  await bar.getByRole('button', { name: 'Save' }).click();
  await expect(bar).toBeHidden();

  await goTo(page, 'Dashboard');
  const row = page.getByRole('row', { name: 'PAPER-25K ES' });
  await expect(row.getByRole('textbox', { name: 'Ratio for PAPER-25K ES', exact: true })).toHaveValue('3');
  await expect(row.locator('[data-col=ratio-source]')).toContainText("ES's own ratio");

  // Removing it in the editor sends ES back to the follower's ratio.
  await goTo(page, 'Groups');
  await list.getByRole('link', { name: 'Edit Demo' }).click();
  await editor.getByRole('button', { name: 'Remove the ES ratio of PAPER-25K' }).click();
  await bar.getByRole('button', { name: 'Save' }).click();
  await expect(bar).toBeHidden();
  await goTo(page, 'Dashboard');
  await expect(row.getByRole('textbox', { name: 'Ratio for PAPER-25K ES', exact: true })).toHaveValue('0.5');
  await expect(row.locator('[data-col=ratio-source]')).toHaveText("the follower's ratio");
});

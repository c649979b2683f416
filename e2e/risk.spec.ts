/**
 * Risk: a tiny daily loss on a follower locks it on its next losing tick; the lock's review shows
 * the chart and fills; Unlock refuses a wrong name, then refuses while the rule is still breached
 * (the engine's words), and unlocks once the limit is raised.
 */
import { startDemo, type Demo } from './demoHost';
import { expect, openApp, screenshot, test } from './fixtures';

let demo: Demo;
test.beforeAll(async () => {
  demo = await startDemo();
});
test.afterAll(async () => {
  await demo.stop();
});

test('lock, review, refused unlocks, unlock after raising the limit', async ({ page }) => {
  await openApp(page, demo, 'Risk');
  // Let the follower trade first so its day PnL moves (commissions alone make it negative).
  await expect(page.getByRole('row', { name: 'Risk DEMO-FUNDED-1' }).getByText(/^−\$\d/).first()).toBeVisible({ timeout: 60_000 });
  await page.getByRole('link', { name: 'Edit rules for DEMO-FUNDED-1' }).click();
  const rules = page.getByRole('form', { name: 'Risk rules for DEMO-FUNDED-1' });
  // The form checks before sending.
  await rules.getByLabel('Daily loss limit ($)').fill('-5');
  await rules.getByRole('button', { name: 'Save rules' }).click();
  await expect(rules.getByLabel('Daily loss limit ($)')).toHaveAccessibleDescription(/positive amount/);
  await rules.getByLabel('Daily loss limit ($)').fill('1');
  await rules.getByRole('button', { name: 'Save rules' }).click();

  const locks = page.getByRole('region', { name: 'Locks' });
  await expect(locks.getByRole('row', { name: 'Lock DEMO-FUNDED-1 dailyLoss' })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('row', { name: 'Risk DEMO-FUNDED-1' }).getByText('Locked · dailyLoss')).toBeVisible();
  await locks.getByRole('link', { name: 'Review lock DEMO-FUNDED-1 dailyLoss' }).click();

  const review = page.getByRole('region', { name: /Lock review/ });
  await expect(review.getByRole('img', { name: /Day PnL path up to the lock/ })).toBeVisible();
  await expect(review.getByRole('table', { name: 'Fills that led to the lock' }).getByRole('row')).not.toHaveCount(1);
  await expect(review.getByText('Value at the moment')).toHaveCount(0);
  await expect(review.getByRole('row', { name: 'dayPnl' })).toBeVisible();

  const ack = review.getByLabel('Account name');
  await ack.fill('demo-funded-one');
  await review.getByRole('button', { name: 'Unlock' }).click();
  await expect(review.getByText('type the account name "DEMO-FUNDED-1" to unlock')).toBeVisible();

  await ack.fill('DEMO-FUNDED-1');
  await review.getByRole('button', { name: 'Unlock' }).click();
  await expect(review.getByText(/dailyLoss still breached: day PnL −?-?\$[\d,.]+ ≤ -\$1\.00\. It resets at the next trading-day roll/)).toBeVisible();
  await screenshot(page, 'risk');

  // Raise the limit, then the unlock goes through.
  await page.getByRole('link', { name: 'Edit rules for DEMO-FUNDED-1' }).click();
  const rules2 = page.getByRole('form', { name: 'Risk rules for DEMO-FUNDED-1' });
  await rules2.getByLabel('Daily loss limit ($)').fill('1000');
  await rules2.getByRole('button', { name: 'Save rules' }).click();
  await expect(page.getByRole('row', { name: 'Risk DEMO-FUNDED-1' }).getByRole('meter', { name: 'Daily loss' })).toHaveAttribute('aria-valuetext', /of −\$1,000/);
  await locks.getByRole('link', { name: 'Review lock DEMO-FUNDED-1 dailyLoss' }).first().click();
  const review2 = page.getByRole('region', { name: /Lock review/ });
  await review2.getByLabel('Account name').fill('DEMO-FUNDED-1');
  await review2.getByRole('button', { name: 'Unlock' }).click();
  await expect(review2.getByText(/typed “DEMO-FUNDED-1”/)).toBeVisible();
  await expect(page.getByRole('row', { name: 'Risk DEMO-FUNDED-1' }).getByText('OK', { exact: true })).toBeVisible();
  await screenshot(page, 'risk-lock-review');
});

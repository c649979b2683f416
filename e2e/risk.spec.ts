/**
 * Risk: a $1 trailing drawdown on a follower that has traded locks it at once (its net liquidation
 * is already a dollar or more under its high-water mark, or is on its next adverse tick, whichever
 * way the demo market went); the lock's review shows the chart and fills; Unlock refuses a wrong
 * name, then refuses while the rule is still breached (the engine's words), and unlocks once the
 * drawdown is raised. (A daily loss limit would depend on the day's PnL being negative: flaky.)
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
  // Let the follower trade first so its net liquidation moves off its high-water mark.
  await expect(page.getByRole('row', { name: 'Risk DEMO-FUNDED-1' }).getByText(/^[+−]\$\d/).first()).toBeVisible({ timeout: 60_000 });
  await page.getByRole('link', { name: 'Edit rules for DEMO-FUNDED-1' }).click();
  const rules = page.getByRole('form', { name: 'Risk rules for DEMO-FUNDED-1' });
  // The form checks as it is typed, before anything is sent.
  await rules.getByLabel('Trailing drawdown ($)').fill('-5');
  await expect(rules.getByLabel('Trailing drawdown ($)')).toHaveAccessibleDescription(/positive amount/);
  await rules.getByRole('button', { name: 'Save rules' }).click();
  await expect(rules.getByLabel('Trailing drawdown ($)')).toHaveAccessibleDescription(/positive amount/);
  await rules.getByLabel('Trailing drawdown ($)').fill('1');
  await rules.getByRole('button', { name: 'Save rules' }).click();

  const locks = page.getByRole('region', { name: 'Locks' });
  await expect(locks.getByRole('row', { name: 'Lock DEMO-FUNDED-1 Trailing drawdown' })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('row', { name: 'Risk DEMO-FUNDED-1' }).getByText('Locked · Trailing drawdown')).toBeVisible();
  await locks.getByRole('link', { name: 'Review lock DEMO-FUNDED-1 Trailing drawdown' }).click();

  const review = page.getByRole('region', { name: /Lock review/ });
  await expect(review.getByRole('img', { name: /Net liquidation path up to the lock, with the threshold/ })).toBeVisible();
  await expect(review.getByRole('table', { name: 'Fills that led to the lock' }).getByRole('row')).not.toHaveCount(1);
  await expect(review.getByText('Value at the moment')).toHaveCount(0);
  await expect(review.getByRole('row', { name: /^Day PnL/ })).toBeVisible();

  const ack = review.getByLabel('Account name');
  await ack.fill('demo-funded-one');
  await review.getByRole('button', { name: 'Unlock' }).click();
  await expect(review.getByText('type the account name "DEMO-FUNDED-1" to unlock')).toBeVisible();

  await ack.fill('DEMO-FUNDED-1');
  await review.getByRole('button', { name: 'Unlock' }).click();
  await expect(review.getByText(/trailing drawdown still breached: net liquidation \$[\d,.]+ ≤ \$[\d,.]+ \(high-water mark \$[\d,.]+\)\. A trailing drawdown never resets by itself/)).toBeVisible();
  await screenshot(page, 'risk');
  // Names and words everywhere a person reads, the toasts included.
  expect(await page.locator('body').innerText()).not.toMatch(/trailingDrawdown|dailyLoss|maxContracts|feesToday|brokerBalance|engineBalance|demo-(lead|tv\d|px\d|pp\d)\b|controls\./);

  // Raise the drawdown, then the unlock goes through.
  const gauge = page.getByRole('row', { name: 'Risk DEMO-FUNDED-1' }).getByRole('meter', { name: 'Trailing drawdown' });
  const tight = await gauge.getAttribute('aria-valuetext');
  await page.getByRole('link', { name: 'Edit rules for DEMO-FUNDED-1' }).click();
  const rules2 = page.getByRole('form', { name: 'Risk rules for DEMO-FUNDED-1' });
  await rules2.getByLabel('Trailing drawdown ($)').fill('1000');
  await rules2.getByRole('button', { name: 'Save rules' }).click();
  await expect(gauge).not.toHaveAttribute('aria-valuetext', tight ?? '');
  await locks.getByRole('link', { name: 'Review lock DEMO-FUNDED-1 Trailing drawdown' }).first().click();
  const review2 = page.getByRole('region', { name: /Lock review/ });
  await review2.getByLabel('Account name').fill('DEMO-FUNDED-1');
  await review2.getByRole('button', { name: 'Unlock' }).click();
  await expect(review2.getByText(/typed “DEMO-FUNDED-1”/)).toBeVisible();
  await expect(page.getByRole('row', { name: 'Risk DEMO-FUNDED-1' }).getByText('OK', { exact: true })).toBeVisible();
  await screenshot(page, 'risk-lock-review');
});

test('each account says which fees its figures are net of, and takes a fee schedule of its own', async ({ page }) => {
  await openApp(page, demo, 'Risk');
  // The demo's funded accounts pay fees; their broker reports them with every fill.
  const row = page.getByRole('row', { name: 'Risk DEMO-FUNDED-1' });
  await expect(row.getByText(/^fees \$\d+\.\d\d from the broker$/)).toBeVisible({ timeout: 60_000 });
  await page.getByRole('link', { name: 'Edit rules for DEMO-FUNDED-1' }).click();
  const rules = page.getByRole('form', { name: 'Risk rules for DEMO-FUNDED-1' });
  const fees = rules.getByLabel('Fees per contract per side ($)');
  await fees.fill('MNQ two');
  await expect(fees).toHaveAccessibleDescription(/is not a product and a fee/);
  await fees.fill('MNQ 0.37, MES 0.37');
  await rules.getByRole('button', { name: 'Save rules' }).click();
  // Saved and shown again from the engine's copy of the rules.
  await expect(page.getByRole('form', { name: 'Risk rules for DEMO-FUNDED-1' }).getByLabel('Fees per contract per side ($)')).toHaveValue('MNQ 0.37, MES 0.37');
  await expect(row.getByText(/^fees \$\d+\.\d\d from the broker$/)).toBeVisible();

  // A preset says where its figures come from and when, and that they are old (the demo runs on today's clock).
  await page.getByLabel('Prop-firm preset').selectOption({ label: 'Topstep — 50K Trading Combine' });
  await expect(page.getByRole('note').filter({ hasText: 'These figures date from 2026-02-13, over 90 days ago' })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Sources' }).getByText('https://help.tx3funding.com/en/articles/11173272-project-x-trading-fees-overview')).toBeVisible();
});

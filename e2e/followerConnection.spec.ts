/**
 * A follower whose connection is down says why on its row (issue 21 UI): not a bare "not
 * connected" but the connection's own reason. The demo's simulated Tradovate enforces its per-login
 * limits here; reconnecting the login over and over spends its 5 sign-in tokens an hour, and the
 * broker then locks the login behind a captcha, which is the reason the rows must give.
 */
import { startDemo, type Demo } from './demoHost';
import { expect, goTo, openApp, test } from './fixtures';

let demo: Demo;
test.beforeAll(async () => {
  // The leader stays still: the rows' state is the connection's alone.
  demo = await startDemo({ tradovatePerMinute: 80, leaderEveryMs: 3_600_000 });
});
test.afterAll(async () => {
  await demo.stop();
});

test('a follower whose login failed gives the connection\'s reason on its row', async ({ page }) => {
  await openApp(page, demo, 'Connections');
  const card = page.getByRole('article', { name: 'Connection Tradovate (simulated)' });
  await expect(card.getByText('Connected', { exact: true })).toBeVisible();
  const failed = card.getByText('Failed', { exact: true });
  // Each reconnect asks for a token; the sixth within the hour is refused.
  await expect(async () => {
    await card.getByRole('button', { name: 'Reconnect' }).click();
    await expect(failed).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: 60_000 });
  const said = (await card.getByRole('status').filter({ hasText: 'Broker said:' }).innerText()).replace(/^Broker said:\s*/, '').trim();
  expect(said).toMatch(/captcha/);
  // The broker's lockout, not the secret, is why it failed: the card does not send the trader to the secret.
  await expect(card.getByText('Broker lockout: wait, the secret is not the cause')).toBeVisible();
  await expect(card.getByText('Login failed: check the secret')).toHaveCount(0);
  await expect(card.getByRole('region', { name: 'Copy capacity of Tradovate (simulated)' }).getByText(/^Broker asked to wait until \d\d:\d\d:\d\d \(in \d+ min\)$/)).toBeVisible();

  await goTo(page, 'Dashboard');
  for (const follower of ['DEMO-FUNDED-1', 'DEMO-FUNDED-2']) {
    const state = page.getByRole('row', { name: `${follower} MNQ` }).locator('[data-col=state]');
    await expect(state).toContainText('Not copying: not connected');
    await expect(state).toContainText(`Tradovate (simulated) failed: ${said}`);
    await expect(state).toContainText(/broker asked to wait until \d\d:\d\d:\d\d; positions shown are the last known/);
  }
  // A follower on another login is not touched.
  await expect(page.getByRole('row', { name: '50KTC-DEMO-1 MNQ' }).locator('[data-col=state]')).not.toContainText('not connected');
});

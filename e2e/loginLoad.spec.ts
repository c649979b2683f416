/**
 * A login's queue and a broker's penalty wait, live on the Connections screen (issue 21): the
 * demo's simulated Tradovate enforces its per-login limits here with a tight minute, so the
 * leader's own trading and its two Tradovate followers' copies run the login out and the broker
 * answers with a penalty ticket. The screen must say the wait, while it runs, in the trader's words.
 */
import { startDemo, type Demo } from './demoHost';
import { expect, openApp, test } from './fixtures';

let demo: Demo;
test.beforeAll(async () => {
  demo = await startDemo({ tradovatePerMinute: 20, leaderEveryMs: 1000 });
});
test.afterAll(async () => {
  await demo.stop();
});

test('a login over its minute says the broker\'s penalty wait, and the requests left and waiting', async ({ page }) => {
  await openApp(page, demo, 'Connections');
  const load = page.getByRole('region', { name: 'Copy capacity of Tradovate (simulated)' });
  await expect(load.getByText(/^Broker asked to wait until \d\d:\d\d:\d\d \(in \d+ s\)$/)).toBeVisible({ timeout: 90_000 });
  await expect(load.getByText(/^\d+ of \d+ requests left this minute$/)).toBeVisible();
  // The leader keeps trading: its copies wait in the login's queue, and the oldest one's wait ticks.
  const waiting = load.getByText(/^\d+ requests? waiting, oldest waiting \d+ s$/);
  await expect(waiting).toBeVisible();
  const seconds = async (): Promise<number> => Number(/oldest waiting (\d+) s/.exec(await waiting.innerText())?.[1] ?? Number.NaN);
  const first = await seconds();
  await expect.poll(seconds, { timeout: 10_000 }).toBeGreaterThan(first);
  // While it waits, the login's capacity is still said.
  await expect(load).toContainText(/2 followers on one Tradovate login: about \d+ leader fills a minute copied at once/);
});

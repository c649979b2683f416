/**
 * Shared test helpers: a `test` whose pages fail on CSP violations and page errors, opening the
 * app with the token, moving between screens, and screenshots for e2e/screenshots/.
 */
import { test as base, expect, type Page } from '@playwright/test';
import { resolve } from 'node:path';
import type { Demo } from './demoHost';

export const test = base.extend<{ guard: undefined }>({
  guard: [
    async ({ page }, use) => {
      const problems: string[] = [];
      page.on('console', (m) => {
        const t = m.text();
        if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(t)) problems.push(`CSP: ${t}`);
      });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      await use(undefined);
      expect(problems, 'no CSP violations or uncaught errors in the page').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** Opens the app the way a user does: the printed address (token in the fragment, once). */
export async function openApp(page: Page, demo: Demo, screen?: string): Promise<void> {
  const response = await page.goto(demo.openUrl);
  expect(response?.status()).toBe(200);
  // The token leaves the address bar once the page holds it.
  await expect(page).not.toHaveURL(/token=/);
  await expect(page.getByRole('status').filter({ hasText: 'Engine connected' })).toBeVisible();
  if (screen) await goTo(page, screen);
}

export async function goTo(page: Page, screen: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: new RegExp(`^${screen}`) }).click();
  await expect(page.getByRole('heading', { level: 1 }).first()).toBeVisible();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  // Toasts come and go; keep them out of the committed pictures. A full-page capture of a scrolled
  // page draws sticky elements (the top bar, the pending-changes bar) where the viewport was, over
  // the content: they are put back in the flow (the same place at the top) for the capture.
  await page.evaluate(() => window.scrollTo({ top: 0, left: 0, behavior: 'instant' }));
  const style = await page.addStyleTag({ content: '.toasts{display:none!important} .topbar,.pending-bar,.add-conn,table.grid th{position:static!important}' });
  await page.screenshot({ path: resolve(import.meta.dirname, 'screenshots', `${name}.png`), fullPage: true, animations: 'disabled' });
  await style.evaluate((el) => {
    (el as Element).remove();
  });
}

/**
 * The real desktop app under Playwright's `_electron`: the built bundles (dist/main/main.cjs,
 * preload.cjs, engine.cjs) in the real Electron, the engine in its utility process, the demo's
 * simulated brokers. It opens the window and shows the dashboard copying, answers to the tray's
 * Pause all / Resume all, hides to the tray on close, and quits with the engine shut down cleanly.
 *
 * Where the Electron binary is absent (its download comes from outside the npm registry) or there is
 * no display to open a window on, the tests are skipped and the reason printed; nothing stands in
 * for Electron.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { findElectronBinary } from '../../src-main/electronBinary';
import type { ProbeGlobal, TrayProbe } from '../../src-main/tray/trayProbe';

const ROOT = resolve(import.meta.dirname, '../..');
const binary = findElectronBinary(ROOT);
const hasDisplay = process.platform !== 'linux' || Boolean(process.env.DISPLAY ?? process.env.WAYLAND_DISPLAY);
const skipReason = !binary.found
  ? `the Electron binary is absent (${binary.reason})`
  : !hasDisplay
    ? 'there is no display for the Electron window (run under xvfb-run)'
    : undefined;
if (skipReason !== undefined) console.log(`Electron e2e skipped: ${skipReason}.`);
test.skip(skipReason !== undefined, `Electron e2e skipped: ${skipReason ?? ''}`);
test.describe.configure({ mode: 'serial' });

let userData = '';
let app: ElectronApplication | undefined;

test.beforeAll(async () => {
  // The desktop bundles, built as `npm run build:main` does (the renderer is built by globalSetup).
  const { buildDesktopBundles } = await import('../../src-main/build/desktopBundles');
  await buildDesktopBundles(ROOT);
  // better-sqlite3 for this Electron's ABI, where main hands it to the engine (as `npm start` does).
  if (binary.found) {
    test.setTimeout(20 * 60_000); // a first compile, where no prebuilt binary can be fetched
    const { ensureSqliteBuild } = await import('../../src-main/native/nativeBuild');
    const { developmentNativeDir, electronTarget } = await import('../../src-main/native/runtimeTargets');
    const built = await ensureSqliteBuild({ root: ROOT, nativeDir: developmentNativeDir(ROOT), target: electronTarget(ROOT, binary.path) });
    if (!built.ok) throw new Error(built.reason);
  }
});

/** Starts the app on a throw-away userData folder; `appArgs` as a user would pass them. */
async function launch(appArgs: readonly string[]): Promise<ElectronApplication> {
  userData = mkdtempSync(join(tmpdir(), 'mirrorfill-electron-e2e-'));
  app = await electron.launch({
    // The repository is the app (package.json "main": dist/main/main.cjs).
    args: [ROOT, ...appArgs, `--user-data-dir=${userData}`],
    cwd: ROOT,
    // XDG_CONFIG_HOME: on Linux userData and the autostart folder land in the throw-away folder too.
    env: { ...process.env, MIRRORFILL_E2E: '1', XDG_CONFIG_HOME: userData },
    timeout: 60_000,
  });
  return app;
}

test.afterEach(async () => {
  const running = app;
  app = undefined;
  if (running && running.process().exitCode === null) {
    // Teardown, not under test: the demo holds positions, so a normal quit would stop at the
    // "positions are open" question. app.exit() ends Electron and its child processes at once.
    const proc = running.process();
    const gone = new Promise((r) => proc.once('exit', r));
    await running.evaluate(({ app: a }) => a.exit(0)).catch(() => undefined);
    await gone;
  }
  rmSync(userData, { recursive: true, force: true });
});

function launched(): ElectronApplication {
  if (!app) throw new Error('the app did not launch');
  return app;
}

/** The tray, through main's probe (Electron cannot read a tray menu back otherwise). */
async function tray(): Promise<{ items: ReturnType<TrayProbe['items']>; toolTip: string }> {
  return launched().evaluate(() => {
    const probe = (globalThis as ProbeGlobal).mirrorfillE2e;
    if (!probe) throw new Error('no tray probe: main was not started with MIRRORFILL_E2E=1, or it has no tray');
    return { items: probe.items(), toolTip: probe.toolTip() };
  });
}

async function clickTray(label: string): Promise<void> {
  await expect.poll(async () => (await tray()).items.find((i) => i.label === label)?.enabled, { message: `tray item "${label}" enabled` }).toBe(true);
  await launched().evaluate((_electron, l) => {
    const probe = (globalThis as ProbeGlobal).mirrorfillE2e;
    if (!probe) throw new Error('no tray probe');
    probe.click(l);
  }, label);
}

async function mainWindowVisible(): Promise<boolean> {
  return launched().evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().some((w) => w.isVisible()));
}

async function dashboard(): Promise<Page> {
  const page = await launched().firstWindow();
  await expect(page).toHaveURL(/^app:\/\/mirrorfill\//);
  await expect(page.getByRole('status').filter({ hasText: 'Engine connected' })).toContainText('demo');
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: /^Dashboard/ }).click();
  await expect(page.getByRole('heading', { name: 'Demo', level: 1 })).toBeVisible();
  return page;
}

test('opens the window on the dashboard, and the demo leader’s trades reach the followers', async () => {
  await launch(['--demo']);
  const page = await dashboard();
  await expect.poll(mainWindowVisible, { message: 'the window is shown' }).toBe(true);
  // The page has verbs from the preload and nothing of Node or Electron.
  expect(await page.evaluate(() => Object.keys((window as unknown as { mirrorfill: object }).mirrorfill).sort())).toEqual(['invoke', 'onEvent']);
  expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require + typeof (globalThis as { process?: unknown }).process)).toBe('undefinedundefined');
  // Copying through the real utility process: the leader opens, a follower row holds a position.
  await expect(page.locator('[data-col=leader-position]').first()).toHaveText(/^[+−]\d+$/, { timeout: 60_000 });
  await expect(page.getByRole('row', { name: 'PAPER-25K MNQ' }).locator('[data-col=position]')).toHaveText(/^[+−]\d+$/, { timeout: 60_000 });
  // The engine runs in its own utility process, under its service name.
  const metrics = await launched().evaluate(({ app: a }) => a.getAppMetrics().map((m) => ({ type: m.type, name: m.name ?? m.serviceName ?? '' })));
  expect(metrics).toContainEqual({ type: 'Utility', name: 'Mirrorfill Engine' });
});

test('the tray pauses and resumes every group, and the window shows it', async () => {
  await launch(['--demo']);
  const page = await dashboard();
  const head = page.locator('.screen-head');
  await expect.poll(async () => (await tray()).toolTip).toMatch(/^Mirrorfill — Copying/);

  await clickTray('Pause all');
  await expect(head.getByText('Paused — by you')).toBeVisible();
  await expect.poll(async () => (await tray()).toolTip).toBe('Mirrorfill — Paused');

  await clickTray('Resume all');
  await expect(head.getByText('Active', { exact: true })).toBeVisible();
  await expect.poll(async () => (await tray()).toolTip).toMatch(/^Mirrorfill — Copying/);
});

test('closing the window keeps it in the tray; Open brings it back', async () => {
  await launch(['--demo']);
  const page = await dashboard();
  await expect.poll(mainWindowVisible).toBe(true);
  await launched().evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.close());
  await expect.poll(mainWindowVisible, { message: 'the window is hidden, not closed' }).toBe(false);
  expect(launched().process().exitCode).toBeNull();
  await clickTray('Open Mirrorfill');
  await expect.poll(mainWindowVisible).toBe(true);
  await expect(page.getByRole('heading', { name: 'Demo', level: 1 })).toBeVisible();
});

test('Quit in the tray ends the app, with the engine shut down cleanly', async () => {
  // Without the demo and with nothing configured no position is open, so Quit asks nothing.
  const a = await launch(['--no-demo']);
  const page = await a.firstWindow();
  await expect(page.getByRole('status').filter({ hasText: 'Engine connected' })).toContainText('desktop');
  const proc = a.process();
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  const logFile = join(await a.evaluate(({ app: e }) => e.getPath('userData')), 'logs', 'main.log');
  const engines = await a.evaluate(({ app: e }) => e.getAppMetrics().filter((m) => m.type === 'Utility' && (m.name ?? m.serviceName) === 'Mirrorfill Engine').map((m) => m.pid));
  expect(engines).toHaveLength(1);
  await clickTray('Quit Mirrorfill');
  expect(await exited).toBe(0);
  // The engine process went with it, and it was asked to shut down, not killed.
  for (const pid of engines) expect(() => process.kill(pid, 0)).toThrow();
  const log = readFileSync(logFile, 'utf8');
  expect(log).toContain('engine process stopped');
  expect(log).not.toContain('killing it');
});

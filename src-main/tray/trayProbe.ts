/**
 * For the Electron end-to-end tests (e2e/electron, Playwright's `_electron`) only: Electron offers no
 * way to read a tray's menu back or to click it from outside, so with `MIRRORFILL_E2E=1` main keeps
 * the tray's newest menu and puts a probe on its own global, where `electronApp.evaluate` reaches
 * it. Clicking goes through Electron's real MenuItem, exactly as a user's click does. Nothing of this
 * is reachable from the sandboxed page (it lives in main's Node context), and without the variable
 * nothing is installed.
 */
import type { MenuSeam, TraySeam } from '../seams';

export const E2E_ENV = 'MIRRORFILL_E2E';

export interface TrayProbe {
  /** The menu's items as the user sees them (separators left out). */
  items(): { readonly label: string; readonly enabled: boolean }[];
  toolTip(): string;
  /** Clicks the item labelled `label`; throws when there is none or it is disabled. */
  click(label: string): void;
}

export interface ProbeGlobal {
  mirrorfillE2e?: TrayProbe;
}

/** What an Electron MenuItem (and a menu template item) offers, read defensively. */
interface ItemLike {
  readonly type?: unknown;
  readonly label?: unknown;
  readonly enabled?: unknown;
  readonly click?: unknown;
}

const asItem = (x: unknown): ItemLike => (typeof x === 'object' && x !== null ? x : {});

/** The tray seam, passed through, with the probe watching what main shows in it. */
export function probeTray(tray: TraySeam): TraySeam {
  let menu: MenuSeam | null = null;
  let toolTip = '';
  const visible = (): ItemLike[] => (menu?.items ?? []).map(asItem).filter((i) => i.type !== 'separator');
  const probe: TrayProbe = {
    items: () => visible().map((i) => ({ label: typeof i.label === 'string' ? i.label : '', enabled: i.enabled !== false })),
    toolTip: () => toolTip,
    click: (label) => {
      const item = visible().find((i) => i.label === label);
      if (!item) throw new Error(`no tray menu item "${label}"`);
      if (item.enabled === false) throw new Error(`tray menu item "${label}" is disabled`);
      if (typeof item.click !== 'function') throw new Error(`tray menu item "${label}" does nothing`);
      (item.click as () => void)();
    },
  };
  (globalThis as ProbeGlobal).mirrorfillE2e = probe;
  return {
    setImage: (image) => tray.setImage(image),
    setToolTip: (t) => {
      toolTip = t;
      tray.setToolTip(t);
    },
    setContextMenu: (m) => {
      menu = m;
      tray.setContextMenu(m);
    },
    on: (event, listener) => tray.on(event, listener),
    destroy: () => tray.destroy(),
  };
}

import type { TrayController } from '../node/desktop/tray-controller.js';
import type { TrayMenuItem } from '../node/desktop/tray-menu.js';
import type { TrayState } from '../node/desktop/tray-state.js';

/** What test/e2e reads through `electronApp.evaluate(() => globalThis.__tokentrayE2E)`. */
export interface E2eHooks {
  tray(): {
    state: TrayState;
    toolTip: string;
    title: string;
    menu: string[];
    /** The icon file shown now, and how often the tray was created. */
    icon: string;
    created: number;
  };
  /** A click on the tray icon, as the user would. */
  clickTray(): Promise<void>;
  openAccounts(): void;
  openSettings(): void;
}

/**
 * Electron has no API to read a tray icon back or click it, so the e2e suite (and only it: the
 * variable is set by the test's launch) gets these handles. They hold no secret: a click copies
 * to the clipboard, which any local program can read anyway.
 */
export function exposeE2eHooks(parts: {
  tray: {
    shown: {
      state: TrayState;
      toolTip: string;
      title: string;
      menu: TrayMenuItem[];
      icon: string;
      created: number;
    };
  };
  controller: TrayController;
  showAccounts(): void;
  showSettings(): void;
}): void {
  if (process.env.TOKENTRAY_E2E !== '1') return;
  const hooks: E2eHooks = {
    tray: () => ({
      ...parts.tray.shown,
      menu: parts.tray.shown.menu.map((item) => (item.type === 'separator' ? '---' : item.label)),
    }),
    clickTray: () => parts.controller.click(),
    openAccounts: parts.showAccounts,
    openSettings: parts.showSettings,
  };
  (globalThis as { __tokentrayE2E?: E2eHooks }).__tokentrayE2E = hooks;
}

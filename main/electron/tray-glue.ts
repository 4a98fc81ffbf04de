import {
  Menu,
  nativeImage,
  Tray,
  type MenuItemConstructorOptions,
  type NativeImage,
} from 'electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TrayPort } from '../node/desktop/tray-controller.js';
import type { TrayAction, TrayMenuItem } from '../node/desktop/tray-menu.js';
import { resolveTrayIcon, TRAY_STATES, type TrayState } from '../node/desktop/tray-state.js';

/**
 * Electron's Tray as the controller's {@link TrayPort}: per-state icons, the menu built from the
 * plain model, and clicks passed on.
 *
 * Clicks differ by platform. On macOS a tray with a context menu opens it on every click, so the
 * menu is popped up on right-click only and a left click copies. On Windows the context menu is
 * right-click already. On Linux the host decides, and usually opens the menu on any click: there
 * the menu's first item copies (see tray-menu.ts).
 */
export class ElectronTray implements TrayPort {
  readonly #tray: Tray;
  readonly #icons = new Map<TrayState, NativeImage>();
  #menu: Menu | undefined;
  #state: TrayState | undefined;
  /** What the tray shows now, for the e2e suite (Electron offers no way to read a Tray back). */
  readonly shown = {
    state: 'fresh' as TrayState,
    toolTip: '',
    title: '',
    menu: [] as TrayMenuItem[],
  };

  constructor(
    assetsDir: string,
    private readonly onAction: (action: TrayAction) => void,
    onClick: () => void,
  ) {
    for (const state of TRAY_STATES) {
      const file = resolveTrayIcon(state, (name) => existsSync(join(assetsDir, name)));
      // createFromPath picks up the @2x file beside it for Retina and high-DPI screens.
      const image = nativeImage.createFromPath(join(assetsDir, file));
      image.setTemplateImage(true);
      this.#icons.set(state, image);
    }
    this.#tray = new Tray(this.#icons.get('fresh') ?? nativeImage.createEmpty());
    this.#tray.setToolTip('TokenTray');
    this.#tray.on('click', onClick);
    if (process.platform === 'darwin') {
      this.#tray.on('right-click', () => {
        if (this.#menu !== undefined) this.#tray.popUpContextMenu(this.#menu);
      });
    }
  }

  setState(state: TrayState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.shown.state = state;
    const image = this.#icons.get(state);
    if (image !== undefined) this.#tray.setImage(image);
  }

  setToolTip(text: string): void {
    this.shown.toolTip = text;
    this.#tray.setToolTip(text);
  }

  setTitle(text: string): void {
    this.shown.title = text;
    if (process.platform === 'darwin') this.#tray.setTitle(text);
  }

  setMenu(items: TrayMenuItem[]): void {
    this.shown.menu = items;
    this.#menu = Menu.buildFromTemplate(items.map((item) => this.#toElectron(item)));
    if (process.platform !== 'darwin') this.#tray.setContextMenu(this.#menu);
  }

  destroy(): void {
    if (!this.#tray.isDestroyed()) this.#tray.destroy();
  }

  #toElectron(item: TrayMenuItem): MenuItemConstructorOptions {
    if (item.type === 'separator') return { type: 'separator' };
    const { action } = item;
    return {
      label: item.label,
      enabled: item.enabled,
      ...(action === undefined ? {} : { click: () => this.onAction(action) }),
    };
  }
}

import {
  Menu,
  nativeImage,
  nativeTheme,
  Tray,
  type MenuItemConstructorOptions,
  type NativeImage,
} from 'electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TrayPort } from '../node/desktop/tray-controller.js';
import { trayIconFiles, trayIconLook, type TrayIconLook } from '../node/desktop/tray-icons.js';
import type { TrayAction, TrayMenuItem } from '../node/desktop/tray-menu.js';
import type { TrayState } from '../node/desktop/tray-state.js';

/**
 * Electron's Tray as the controller's {@link TrayPort}: per-state icons in the look the taskbar
 * needs, the menu built from the plain model, and clicks passed on.
 *
 * Clicks differ by platform. On macOS a tray with a context menu opens it on every click, so the
 * menu is popped up on right-click only and a left click copies. On Windows the context menu is
 * right-click already. On Linux the host decides, and usually opens the menu on any click: there
 * the menu's first item copies (see tray-menu.ts).
 */
export class ElectronTray implements TrayPort {
  #tray: Tray;
  #icons = new Map<TrayState, NativeImage>();
  #files: Record<TrayState, string> | undefined;
  #menu: Menu | undefined;
  /** What the tray shows now, for the e2e suite (Electron offers no way to read a Tray back). */
  readonly shown = {
    state: 'fresh' as TrayState,
    toolTip: 'TokenTray',
    title: '',
    menu: [] as TrayMenuItem[],
    icon: '',
    /** How many times the tray was created (Linux re-creates it when a host appears). */
    created: 0,
  };

  constructor(
    private readonly assetsDir: string,
    private readonly onAction: (action: TrayAction) => void,
    private readonly onClick: () => void,
  ) {
    this.#loadIcons();
    this.#tray = this.#create();
    this.#showIcon();
    // The taskbar or panel turned dark or light: the same state in the other look.
    nativeTheme.on('updated', () => {
      this.#loadIcons();
      this.#showIcon();
    });
  }

  setState(state: TrayState): void {
    if (state === this.shown.state) return;
    this.shown.state = state;
    this.#showIcon();
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

  /**
   * Creates the icon again, as it is now. On Linux a tray created before the panel's
   * StatusNotifier host existed fell back to an icon nobody shows; a new one registers with the
   * host that is there now.
   */
  recreate(): void {
    this.destroy();
    this.#tray = this.#create();
  }

  destroy(): void {
    if (!this.#tray.isDestroyed()) this.#tray.destroy();
  }

  #create(): Tray {
    const tray = new Tray(this.#icons.get(this.shown.state) ?? nativeImage.createEmpty());
    this.shown.created++;
    tray.setToolTip(this.shown.toolTip);
    tray.on('click', this.onClick);
    if (process.platform === 'darwin') {
      tray.on('right-click', () => {
        if (this.#menu !== undefined) tray.popUpContextMenu(this.#menu);
      });
      if (this.shown.title !== '') tray.setTitle(this.shown.title);
    } else if (this.#menu !== undefined) {
      tray.setContextMenu(this.#menu);
    }
    return tray;
  }

  #look(): TrayIconLook {
    return trayIconLook(process.platform, {
      // Windows' taskbar follows the system theme, which may differ from the apps' theme.
      darkPanel:
        process.platform === 'win32'
          ? nativeTheme.shouldUseDarkColorsForSystemIntegratedUI
          : nativeTheme.shouldUseDarkColors,
      desktop: process.env.XDG_CURRENT_DESKTOP,
    });
  }

  #loadIcons(): void {
    const look = this.#look();
    const files = trayIconFiles(look, (name) => existsSync(join(this.assetsDir, name)));
    this.#icons = new Map();
    this.#files = files;
    for (const [state, file] of Object.entries(files) as [TrayState, string][]) {
      // createFromPath picks up the @1.25x/@1.5x/@2x files beside it for high-DPI screens.
      const image = nativeImage.createFromPath(join(this.assetsDir, file));
      image.setTemplateImage(look === 'template');
      this.#icons.set(state, image);
    }
  }

  #showIcon(): void {
    const image = this.#icons.get(this.shown.state);
    if (image === undefined || this.#tray.isDestroyed()) return;
    this.#tray.setImage(image);
    this.shown.icon = this.#files?.[this.shown.state] ?? '';
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

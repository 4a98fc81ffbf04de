import { app, type BrowserWindow, type WebContents } from 'electron';
import type { IpcEventChannel, IpcEvents } from '../common/ipc-contract.js';
import { dock } from './dock.js';
import { sendEvent } from './ipc-gate.js';
import { createSecureWindow, pageUrl, type PageName } from './secure-window.js';

const LOOK: Record<PageName, { title: string; width: number; height: number }> = {
  accounts: { title: 'TokenTray', width: 560, height: 520 },
  settings: { title: 'TokenTray Settings', width: 680, height: 680 },
};

/** The app's windows: at most one per page, shown again rather than opened twice. */
export class Windows {
  readonly #open = new Map<PageName, BrowserWindow>();
  /** The file:// URLs of our pages, the only ones the IPC gate answers. */
  readonly pages: ReadonlySet<string>;

  constructor(private readonly distDir: string) {
    this.pages = new Set((Object.keys(LOOK) as PageName[]).map((page) => pageUrl(distDir, page)));
  }

  show(page: PageName): BrowserWindow {
    const existing = this.#open.get(page);
    if (existing !== undefined && !existing.isDestroyed()) {
      if (existing.isMinimized()) existing.restore();
      existing.show();
      existing.focus();
      this.#bringAppForward();
      return existing;
    }
    const win = createSecureWindow({ page, distDir: this.distDir, ...LOOK[page] });
    this.#open.set(page, win);
    win.on('closed', () => {
      if (this.#open.get(page) === win) this.#open.delete(page);
      // A menu-bar app shows in the Dock only while one of its windows is open.
      if (this.#open.size === 0) dock.hide();
    });
    dock.show();
    this.#bringAppForward();
    return win;
  }

  /** True for the webContents of a window we opened (and nothing else: no devtools, no popups). */
  isOurs(contents: WebContents): boolean {
    for (const win of this.#open.values()) {
      if (!win.isDestroyed() && win.webContents.id === contents.id) return true;
    }
    return false;
  }

  /** Sends a one-way event to every open window of ours, and to nothing else. */
  broadcast<E extends IpcEventChannel>(channel: E, payload: IpcEvents[E]): void {
    for (const win of this.#open.values()) {
      if (!win.isDestroyed()) sendEvent(win.webContents, channel, payload);
    }
  }

  #bringAppForward(): void {
    // A tray app is not the active app when its menu item is chosen; macOS would leave the
    // window behind the one the user was in.
    if (process.platform === 'darwin') app.focus({ steal: true });
  }
}

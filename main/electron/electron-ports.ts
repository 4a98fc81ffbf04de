import { app, clipboard, ClipboardItem, Notification, shell } from 'electron';
import { TokenTrayError } from '../common/errors.js';
import {
  CONCEALED_MARKERS,
  concealedItem,
  missingMarkers,
  type ClipboardPort,
} from '../node/desktop/clipboard-guard.js';
import type { AttentionNotice, NotifierPort } from '../node/desktop/attention-notifier.js';
import type { ToastPort } from '../node/desktop/copy-feedback.js';
import { checkExternalUrl } from '../node/desktop/external-url-policy.js';
import { redirectPage } from '../node/redirect-page.js';
import { XdgAutostart, xdgAutostartFile, type LoginItemPort } from '../node/desktop/login-item.js';
import { X11_SWITCH } from '../node/desktop/wayland-policy.js';

// Electron's clipboard, notifications, login items and browser, as the small ports the tested
// logic in main/node/desktop drives.

/**
 * Electron 45's clipboard is the W3C-style async one. A concealed copy is one clipboard item
 * holding the text and the platform's "secret" markers, written atomically, so no clipboard
 * manager sees the text without them. Should a platform refuse a marker, a plain copy still beats
 * none.
 */
export const electronClipboard: ClipboardPort = {
  async writeText(text, { concealed }) {
    if (concealed && CONCEALED_MARKERS[process.platform] !== undefined) {
      try {
        await clipboard.write([new ClipboardItem(concealedItem(process.platform, text))]);
        // A dropped format does not reject the write: ask the clipboard what it now holds.
        const missing = await missingMarkers(process.platform, (f) => clipboard.has(f));
        if (missing.length > 0) {
          console.warn(
            `TokenTray: the clipboard dropped ${missing.join(', ')}; clipboard history may keep this copy.`,
          );
        }
        return;
      } catch {
        // Fall through to the plain copy.
      }
    }
    await clipboard.writeText(text);
  },
  readText: () => clipboard.readText(),
  clear: () => clipboard.clear(),
};

/** Desktop notifications; a click on one opens the accounts window. */
export class ElectronNotifier implements NotifierPort {
  /** Held until closed: a notification that is garbage-collected loses its click handler. */
  readonly #shown = new Set<Notification>();

  constructor(private readonly onClick: () => void) {}

  show(notice: AttentionNotice): void {
    if (!Notification.isSupported()) return;
    const notification = new Notification({ title: notice.title, body: notice.body });
    this.#shown.add(notification);
    notification.on('click', () => this.onClick());
    notification.on('close', () => this.#shown.delete(notification));
    // macOS: the user refused notifications, or TokenTray is unsigned; Windows: no shortcut with
    // our AppUserModelID. Either way the log is the only place left to say so.
    notification.on('failed', (_event, error) => {
      this.#shown.delete(notification);
      console.warn(`TokenTray: a notification could not be shown: ${error}`);
    });
    notification.show();
    // Never an ever-growing set: the oldest few are surely gone from the screen.
    for (const old of this.#shown) {
      if (this.#shown.size <= 8) break;
      this.#shown.delete(old);
    }
  }
}

/** One quiet toast at a time, each replacing the last: Linux's "Copied" (copy-feedback.ts). */
export class ElectronToast implements ToastPort {
  #current: Notification | undefined;

  show(title: string, body: string): void {
    if (!Notification.isSupported()) return;
    this.#current?.close();
    // Normal urgency: GNOME Shell shows no banner for a low-urgency notification, only a list entry.
    const toast = new Notification({ title, body, silent: true });
    toast.on('failed', (_event, error) => console.warn(`TokenTray: no "Copied" toast: ${error}`));
    toast.show();
    this.#current = toast;
  }
}

/**
 * The OS login item, or undefined in a development run (`electron .`), where it would register
 * the bare Electron binary without the app. Electron's API covers macOS and Windows; Linux uses
 * an XDG autostart entry.
 */
export function loginItemPort(): LoginItemPort | undefined {
  if (!app.isPackaged) return undefined;
  if (process.platform === 'linux') {
    // An AppImage runs from a temporary mount; APPIMAGE is the file the user keeps.
    // Under XWayland from the start, so the login launch needs no relaunch (wayland-policy.ts).
    return new XdgAutostart(xdgAutostartFile(), process.env.APPIMAGE ?? process.execPath, [
      X11_SWITCH,
    ]);
  }
  return {
    isEnabled: () => app.getLoginItemSettings().openAtLogin,
    setEnabled: (openAtLogin) => app.setLoginItemSettings({ openAtLogin }),
  };
}

/**
 * Opens a sign-in page in the user's browser: the only call to shell.openExternal in the app
 * (test/lint/security.test.ts checks), behind the https-only policy.
 *
 * On Linux, Electron's openExternal runs xdg-open with the URL in its argv, where any local user
 * can read the state and PKCE challenge; there the browser gets the path of a private page that
 * leads to the URL instead (redirectPage, as the CLI does). openPath runs xdg-open on that path.
 */
export async function openInBrowser(url: string): Promise<void> {
  if (process.platform !== 'linux') return shell.openExternal(checkExternalUrl(url));
  const failed = await shell.openPath(redirectPage(checkExternalUrl(url)));
  if (failed !== '') {
    throw new TokenTrayError('internal', `Could not open the browser: ${failed}`, {
      hint: 'Set a default web browser for HTML files (xdg-settings set default-web-browser), then try again.',
    });
  }
}

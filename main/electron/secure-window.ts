import { BrowserWindow } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The renderer pages the app ships (renderer/<page>/<page>.html, built into dist/renderer). */
export type PageName = 'accounts' | 'settings';

export interface SecureWindowOptions {
  page: PageName;
  /** The built app's dist folder. */
  distDir: string;
  title: string;
  width: number;
  height: number;
}

/**
 * The file:// URL of a built page: the only URL the IPC gate answers.
 *
 * file://, not a custom scheme through protocol.handle, chosen on purpose (issue 11, finding 8).
 * A custom scheme would give the pages an origin of their own, which matters where a page could
 * reach other file:// content. Here nothing can: the gate answers only these exact page URLs
 * (not "any file://"), every navigation, redirect, pop-up and webview is refused, the session
 * cancels every network request, and the CSP (default-src 'none', base-uri and form-action
 * 'none') allows our own scripts and styles only. A protocol handler would be one more piece of
 * Electron-only code that must map URLs to files without a path-traversal slip, and nothing on
 * this machine can run it to test it. Revisit if a page ever needs fetch() or a remote origin.
 */
export function pageUrl(distDir: string, page: PageName): string {
  return pathToFileURL(join(distDir, 'renderer', page, `${page}.html`)).href;
}

/**
 * The one place a window is created (test/lint/security.test.ts checks that, and these exact
 * settings): Electron's security checklist, so that a page that went wrong still cannot reach
 * Node, other origins, or the user's browser.
 * https://www.electronjs.org/docs/latest/tutorial/security
 */
export function createSecureWindow(options: SecureWindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: options.width,
    height: options.height,
    title: options.title,
    show: false,
    autoHideMenuBar: true,
    webPreferences: {
      preload: join(options.distDir, 'preload', 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  });
  const contents = win.webContents;
  // No pop-ups, and no link leaves for the browser from here: the only URLs the app opens are a
  // sign-in flow's own, through openUrl in the main process.
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  // The page never navigates: anything that tries (a link, a form, a drop) is stopped.
  contents.on('will-navigate', (event) => event.preventDefault());
  // Frames inside the page, which will-navigate does not see. (Our CSP allows none anyway.)
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  win.once('ready-to-show', () => win.show());
  void win.loadURL(pageUrl(options.distDir, options.page));
  return win;
}

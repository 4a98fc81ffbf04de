import { BrowserWindow, shell } from 'electron';
import { join } from 'node:path';

/** Electron's security checklist for every window: isolated, sandboxed, no navigation, no pop-ups. */
export function openAccountsWindow(distDir: string): BrowserWindow {
  const win = new BrowserWindow({
    width: 520,
    height: 420,
    title: 'TokenTray',
    show: false,
    webPreferences: {
      preload: join(distDir, 'preload/preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event) => event.preventDefault());
  win.once('ready-to-show', () => win.show());
  void win.loadFile(join(distDir, 'renderer/accounts/accounts.html'));
  return win;
}

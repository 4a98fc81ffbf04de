import { app, clipboard, Menu, nativeImage, powerMonitor, Tray } from 'electron';
import ElectronStore from 'electron-store';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserWindow } from 'electron';
import { formatError } from '../common/redact.js';
import { openAccountsWindow } from './accounts-window.js';
import { isValidAccountName } from '../common/account.js';
import { handle } from './ipc-gate.js';
import { BackgroundRefresher } from '../node/engine/background-refresher.js';
import { TokenEngine } from '../node/engine/token-engine.js';
import { loadKeytar } from '../node/keychain/keychain-backend.js';
import { SecretVault, keychainService } from '../node/keychain/secret-vault.js';
import { limitsFromEnv } from '../node/oauth/http-client.js';
import { TokenClient } from '../node/oauth/token-client.js';
import { resolveDataDir } from '../node/paths.js';
import type { SettingsData } from '../node/settings/settings-schema.js';
import { SettingsStore, type SettingsBacking } from '../node/settings/settings-store.js';

// Electron glue only: everything it calls runs, and is tested, under plain Node.

if (!app.requestSingleInstanceLock()) app.quit();

// The CLI computes the same folder without Electron; TOKENTRAY_HOME moves both.
app.setPath('userData', resolveDataDir());

const here = fileURLToPath(new URL('.', import.meta.url));
let tray: Tray | undefined;

async function main(): Promise<void> {
  await app.whenReady();
  const settings = SettingsStore.open(
    app.getPath('userData'),
    (options) =>
      new ElectronStore<SettingsData>(
        options as ConstructorParameters<typeof ElectronStore<SettingsData>>[0],
      ) as unknown as SettingsBacking,
    ({ movedTo, reason }) =>
      console.warn(`TokenTray: the settings file was unreadable (${reason}); moved to ${movedTo}.`),
  );
  const engine = new TokenEngine({
    settings,
    vault: new SecretVault(loadKeytar, keychainService()),
    client: new TokenClient({ limits: limitsFromEnv() }),
  });
  const refresher = new BackgroundRefresher(engine);
  await refresher.start();

  // Sleep and wall-clock jumps leave timers wrong; re-plan from the wall clock.
  powerMonitor.on('resume', () => refresher.replan());
  powerMonitor.on('unlock-screen', () => refresher.replan());

  const icon = nativeImage.createFromPath(
    join(here, '../../main/electron/assets/trayTemplate.png'),
  );
  icon.setTemplateImage(true);
  tray = new Tray(icon);
  tray.setToolTip('TokenTray');

  const copy = async (name: string): Promise<void> => {
    try {
      const record = await engine.getToken(name, { minTtl: 60 });
      await clipboard.writeText(record.accessToken);
      const clearAfter = settings.options().clipboardClearSeconds * 1000;
      // Clear only if the clipboard still holds our token: never erase what the user copied since.
      if (clearAfter > 0) {
        setTimeout(
          () =>
            void clipboard
              .readText()
              .then((text) => text === record.accessToken && clipboard.clear()),
          clearAfter,
        );
      }
    } catch (err) {
      tray?.displayBalloon?.({ title: 'TokenTray', content: formatError(err) });
    }
  };
  // IPC: every handler through the one gate, answering only our own windows.
  const ours = new Set<number>();
  const isOurs = (sender: Electron.WebContents) => ours.has(sender.id);
  handle('accounts:list', isOurs, [], () => engine.statuses());
  handle('accounts:copy-token', isOurs, [isValidAccountName], async (name) => {
    await copy(name);
    return null;
  });
  handle('accounts:refresh', isOurs, [isValidAccountName], async (name) => {
    await engine.refresh(name);
    return engine.status(name);
  });
  let accountsWindow: BrowserWindow | undefined;
  const showAccounts = (): void => {
    if (accountsWindow !== undefined && !accountsWindow.isDestroyed())
      return accountsWindow.focus();
    accountsWindow = openAccountsWindow(join(here, '..'));
    ours.add(accountsWindow.webContents.id);
  };
  app.on('second-instance', showAccounts);

  const rebuild = (): void => {
    const accounts = settings.accounts();
    const items: Electron.MenuItemConstructorOptions[] = accounts.map((account) => ({
      label: `Copy token: ${account.label}`,
      click: () => void copy(account.name),
    }));
    if (items.length === 0)
      items.push({ label: 'No accounts yet: add one with `tokentray add`', enabled: false });
    tray?.setContextMenu(
      Menu.buildFromTemplate([
        ...items,
        { type: 'separator' },
        { label: 'Quit', click: () => app.quit() },
      ]),
    );
  };
  rebuild();
  engine.onStatus(() => rebuild());
  tray.on('click', () => {
    const name = settings.read().defaultAccount;
    if (name !== undefined) void copy(name);
  });
  app.on('before-quit', () => refresher.stop());
}

// A tray app keeps running with no window open.
app.on('window-all-closed', () => undefined);
main().catch((err: unknown) => {
  console.error(`TokenTray failed to start: ${formatError(err)}`);
  app.exit(1);
});

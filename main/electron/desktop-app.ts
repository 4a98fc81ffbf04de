import { app, net, powerMonitor } from 'electron';
import ElectronStore from 'electron-store';
import { join } from 'node:path';
import { systemClock } from '../common/clock.js';
import { formatError } from '../common/redact.js';
import { startBroker } from '../node/broker/broker-server.js';
import { accountViews } from '../node/desktop/account-views.js';
import { AttentionNotifier } from '../node/desktop/attention-notifier.js';
import { ClipboardGuard } from '../node/desktop/clipboard-guard.js';
import { createDesktopService } from '../node/desktop/desktop-service.js';
import { effectiveLaunchAtLogin, LoginItemSync } from '../node/desktop/login-item.js';
import { NetworkWatch } from '../node/desktop/network-watch.js';
import { RefreshTriggers } from '../node/desktop/refresh-triggers.js';
import { SettingsWatch } from '../node/desktop/settings-watch.js';
import { trayIsVisible } from '../node/desktop/tray-availability.js';
import { TrayController } from '../node/desktop/tray-controller.js';
import { settleInterruptedOperations } from '../node/engine/account-registry.js';
import { BackgroundRefresher } from '../node/engine/background-refresher.js';
import { TokenEngine } from '../node/engine/token-engine.js';
import { loadKeytar } from '../node/keychain/keychain-backend.js';
import { SecretVault, keychainService } from '../node/keychain/secret-vault.js';
import { limitsFromEnv } from '../node/oauth/http-client.js';
import { TokenClient } from '../node/oauth/token-client.js';
import type { SettingsData } from '../node/settings/settings-schema.js';
import { SettingsStore, type SettingsBacking } from '../node/settings/settings-store.js';
import { setApplicationMenu } from './app-menu.js';
import { startAutoUpdates } from './auto-update.js';
import { installCliMenuItem } from './cli-install.js';
import { exposeE2eHooks } from './e2e-hooks.js';
import {
  electronClipboard,
  ElectronNotifier,
  loginItemPort,
  openInBrowser,
} from './electron-ports.js';
import { registerIpcHandlers } from './ipc-gate.js';
import { lockDownSessions } from './session-security.js';
import { ElectronTray } from './tray-glue.js';
import { Windows } from './windows.js';

export interface RunningDesktop {
  showAccounts(): void;
  /** Stops everything and takes our token off the clipboard; the app quits after. */
  shutdown(): Promise<void>;
}

/** Composes the app from the tested parts in main/node and the Electron glue beside this file. */
export async function startDesktop(): Promise<RunningDesktop> {
  lockDownSessions();
  const dataDir = app.getPath('userData');
  const settings = SettingsStore.open(
    dataDir,
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
  // An add or remove the CLI was killed in the middle of is finished (or undone) before serving.
  await settleInterruptedOperations(engine).catch((err: unknown) => {
    console.warn(
      `TokenTray: an interrupted add or remove could not be settled: ${formatError(err)}`,
    );
  });
  const refresher = new BackgroundRefresher(engine);
  await refresher.start();
  // The CLI asks the app for tokens while it runs; without the broker it refreshes on its own.
  const broker = await startBroker(engine, dataDir).catch((err: unknown) => {
    console.warn(`TokenTray: the CLI broker did not start: ${formatError(err)}`);
    return undefined;
  });

  const windows = new Windows(join(app.getAppPath(), 'dist'));
  const showAccounts = (): void => void windows.show('accounts');
  const showSettings = (): void => void windows.show('settings');
  const popups = new ElectronNotifier(showAccounts);
  const notifier = new AttentionNotifier(popups, systemClock);
  const guard = new ClipboardGuard({
    clipboard: electronClipboard,
    clock: systemClock,
    clearAfterSeconds: () => settings.options().clipboardClearSeconds,
  });
  // macOS: the CLI inside the app bundle is not on PATH until the user links it (cli-install.ts).
  // Its menu item's click ignores its arguments; it is called from the tray menu and app menu.
  const cliItem = process.platform === 'darwin' ? installCliMenuItem() : undefined;
  const installCli =
    cliItem?.click === undefined ? undefined : (cliItem.click as unknown as () => void);
  const tray = new ElectronTray(
    join(app.getAppPath(), 'main', 'electron', 'assets'),
    (action) => quietly(controller.perform(action)),
    () => quietly(controller.click()),
  );
  const controller = new TrayController({
    tray,
    engine,
    configuredDefault: () => settings.read().defaultAccount,
    clipboard: guard,
    clock: systemClock,
    platform: process.platform,
    canInstallCli: installCli !== undefined,
    openAccounts: showAccounts,
    openSettings: showSettings,
    ...(installCli === undefined ? {} : { installCli }),
    quit: () => app.quit(),
    onCopyFailed: (error, label) =>
      popups.show({ title: `Could not copy ${label}`, body: formatError(error), accounts: [] }),
  });
  setApplicationMenu(installCli);

  const loginPort = loginItemPort();
  const loginItem = loginPort === undefined ? undefined : new LoginItemSync(loginPort);
  const syncLoginItem = (): void =>
    void loginItem?.apply(effectiveLaunchAtLogin(settings.options(), settings.accounts().length));

  const service = createDesktopService({
    engine,
    copyToken: (name) => controller.copy(name),
    openUrl: openInBrowser,
    openSettings: showSettings,
    applyOptions: (options) => loginItem?.apply(options.launchAtLogin),
  });
  const unregisterIpc = registerIpcHandlers(
    service.handlers,
    (sender) => windows.isOurs(sender),
    windows.pages,
  );
  // Accounts change here (the windows: sign-in, remove) and elsewhere (the CLI, while the app
  // runs): the schedule, the tray and the windows follow both.
  const triggers = new RefreshTriggers(engine, refresher);
  const accountsChanged = async (): Promise<void> => {
    const changes = await triggers.settingsChanged();
    for (const name of changes.removed) notifier.forget(name);
    syncLoginItem();
    await controller.update();
  };
  service.onAccountsChanged((views) => {
    windows.broadcast('accounts:changed', views);
    quietly(accountsChanged());
  });
  engine.onStatus((report) => {
    notifier.observe(report);
    quietly(controller.update());
  });
  const settingsWatch = new SettingsWatch(dataDir, () =>
    quietly(
      (async () => {
        await accountsChanged();
        windows.broadcast('accounts:changed', await accountViews(engine));
      })(),
    ),
  );
  settingsWatch.start();

  // Timers stop while the machine sleeps; the network may come back at any time.
  const network = new NetworkWatch(
    () => net.isOnline(),
    systemClock,
    () => quietly(triggers.networkBack()),
  );
  network.start();
  powerMonitor.on('resume', () => {
    triggers.woke();
    network.check();
  });
  powerMonitor.on('unlock-screen', () => triggers.woke());

  await controller.update();
  for (const report of controller.reports) notifier.observe(report);
  syncLoginItem();
  // Plain GNOME shows no tray icon: the window is the app there.
  if (!(await trayIsVisible(process.platform))) showAccounts();
  exposeE2eHooks({ tray, controller, showAccounts, showSettings });
  // Read before every check, so switching the option off needs no restart.
  startAutoUpdates(
    () => settings.options().autoUpdate,
    (message) => console.log(`TokenTray: ${message}`),
  );

  return {
    showAccounts,
    async shutdown() {
      network.stop();
      settingsWatch.stop();
      refresher.stop();
      notifier.dispose();
      controller.dispose();
      service.dispose();
      unregisterIpc();
      await guard.flush().catch(() => undefined);
      guard.dispose();
      await broker?.close();
      tray.destroy();
    },
  };
}

/** Background work reports its failure in the log (redacted), never as an unhandled rejection. */
function quietly(work: Promise<unknown>): void {
  work.catch((err: unknown) => console.warn(`TokenTray: ${formatError(err)}`));
}

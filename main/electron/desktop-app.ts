import { app, net, powerMonitor } from 'electron';
import ElectronStore from 'electron-store';
import { join } from 'node:path';
import { systemClock } from '../common/clock.js';
import { formatError } from '../common/redact.js';
import { startBroker } from '../node/broker/broker-server.js';
import { accountViews } from '../node/desktop/account-views.js';
import { AttentionNotifier } from '../node/desktop/attention-notifier.js';
import { ClipboardGuard } from '../node/desktop/clipboard-guard.js';
import { CopyFeedback, needsCopyToast } from '../node/desktop/copy-feedback.js';
import { createDesktopService } from '../node/desktop/desktop-service.js';
import { LoginItemSync } from '../node/desktop/login-item.js';
import { NetworkWatch } from '../node/desktop/network-watch.js';
import { RefreshTriggers } from '../node/desktop/refresh-triggers.js';
import { SettingsWatch } from '../node/desktop/settings-watch.js';
import { blockedTrayView, StartupRecovery } from '../node/desktop/startup-recovery.js';
import { TrayController } from '../node/desktop/tray-controller.js';
import { settleInterruptedOperations } from '../node/engine/account-registry.js';
import { BackgroundRefresher } from '../node/engine/background-refresher.js';
import { startConfiguredGce } from '../node/handoff/app-gce.js';
import { TokenEngine } from '../node/engine/token-engine.js';
import { loadKeytar } from '../node/keychain/keychain-backend.js';
import { SecretVault, keychainService } from '../node/keychain/secret-vault.js';
import { limitsFromEnv } from '../node/oauth/http-client.js';
import { TokenClient } from '../node/oauth/token-client.js';
import type { SettingsData } from '../node/settings/settings-schema.js';
import { SettingsStore, type SettingsBacking } from '../node/settings/settings-store.js';
import { setApplicationMenu } from './app-menu.js';
import { startAutoUpdates } from './auto-update.js';
import { askInNativeDialog } from './confirm-dialog.js';
import { installCliMenuItem } from './cli-install.js';
import { exposeE2eHooks } from './e2e-hooks.js';
import { createDesktopTray } from './desktop-tray.js';
import {
  electronClipboard,
  ElectronNotifier,
  ElectronToast,
  loginItemPort,
  openInBrowser,
} from './electron-ports.js';
import { registerIpcHandlers } from './ipc-gate.js';
import { lockDownSessions } from './session-security.js';
import { Windows } from './windows.js';

export interface RunningDesktop {
  showAccounts(): void;
  /** Stops everything and takes our token off the clipboard; the app quits after. */
  shutdown(): Promise<void>;
}

/** Composes the app from the tested parts in main/node and the Electron glue beside this file. */
export async function startDesktop(options: {
  /** Started by the CLI (`--background`): the tray only, no window unless something is wrong. */
  background: boolean;
}): Promise<RunningDesktop> {
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
  // The CLI asks the app for tokens while it runs; without the broker it refreshes on its own.
  const broker = await startBroker(engine, dataDir).catch((err: unknown) => {
    console.warn(`TokenTray: the CLI broker did not start: ${formatError(err)}`);
    return undefined;
  });
  // The GCE metadata endpoint, when the settings name an account for it (README: serve --gce).
  const gce = await startConfiguredGce({
    engine,
    settings,
    dataDir,
    clock: systemClock,
    warn: (message) => console.warn(`TokenTray: ${message}`),
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
  const desktopTray = await createDesktopTray({
    assetsDir: join(app.getAppPath(), 'main', 'electron', 'assets'),
    onAction: (action) => quietly(controller.perform(action)),
    onClick: () => quietly(controller.click()),
    onHostLost: showAccounts,
  });
  const { tray } = desktopTray;
  const copyToasts = needsCopyToast(process.platform)
    ? new CopyFeedback(
        new ElectronToast(),
        systemClock,
        () => settings.options().clipboardClearSeconds,
      )
    : undefined;
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
    onTrayCopied: (label) => copyToasts?.copied(label),
  });
  setApplicationMenu(installCli);

  const loginPort = loginItemPort();
  const loginItem =
    loginPort === undefined
      ? undefined
      : new LoginItemSync(loginPort, {
          recorded: () => settings.options().launchAtLogin,
          record: (enabled) =>
            settings.mutate((data) => {
              data.options.launchAtLogin = enabled;
            }),
        });
  const syncLoginItem = (): void => {
    if (loginItem !== undefined) quietly(loginItem.accountsAre(settings.accounts().length));
  };

  const service = createDesktopService({
    engine,
    settings,
    copyToken: (name) => controller.copy(name),
    openUrl: openInBrowser,
    openSettings: showSettings,
    applyOptions: (_options, patch) => {
      if (patch.launchAtLogin !== undefined) loginItem?.userChose(patch.launchAtLogin);
    },
    launchAtLoginNow: () => loginItem?.isEnabled(),
    askUser: askInNativeDialog,
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
  // One status change: one tray update (below) and one push to the windows (here).
  service.onAccountsChanged((views) => windows.broadcast('accounts:changed', views));
  service.onAccountsEdited(() => quietly(accountsChanged()));
  engine.onStatus((report) => {
    notifier.observe(report);
    quietly(controller.update());
  });
  const settingsWatch = new SettingsWatch(dataDir, () =>
    quietly(
      (async () => {
        await accountsChanged();
        windows.broadcast('accounts:changed', await accountViews(engine, settings));
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
  // The tray exists: now the first look at the keychain, which may fail or wait on a prompt.
  const startup = new StartupRecovery({
    async load() {
      await engine.load();
      await controller.update();
      for (const report of controller.reports) notifier.observe(report);
    },
    clock: systemClock,
    onBlocked(error, attempts) {
      console.warn(`TokenTray: could not read the accounts: ${formatError(error)}`);
      const view = blockedTrayView(error);
      tray.setState(view.state);
      tray.setToolTip(view.toolTip);
      tray.setMenu(view.menu);
      // The window says what happened and what to do (its list call fails with the same error).
      if (attempts === 1) showAccounts();
    },
    onRecovered() {
      quietly(refresher.start());
      quietly(
        accountViews(engine, settings).then((views) =>
          windows.broadcast('accounts:changed', views),
        ),
      );
    },
  });
  powerMonitor.on('resume', () => {
    triggers.woke();
    network.check();
    quietly(startup.retryNow());
  });
  powerMonitor.on('unlock-screen', () => {
    triggers.woke();
    quietly(startup.retryNow());
  });

  await startup.begin();
  // An account whose token cannot be read yet is planned for now, and retried with backoff.
  await refresher.start().catch((err: unknown) => console.warn(`TokenTray: ${formatError(err)}`));
  syncLoginItem();
  // Plain GNOME shows no tray icon: the window is the app there (unless the CLI started us).
  if (!desktopTray.visible() && !options.background) showAccounts();
  exposeE2eHooks({ tray, controller, showAccounts, showSettings });
  // Read before every check, so switching the option off needs no restart.
  startAutoUpdates(
    () => settings.options().autoUpdate,
    (message) => console.log(`TokenTray: ${message}`),
    (notice) => popups.show({ ...notice, accounts: [] }),
  );

  return {
    showAccounts,
    async shutdown() {
      startup.dispose();
      desktopTray.stop();
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
      await gce?.close();
      tray.destroy();
    },
  };
}

/** Background work reports its failure in the log (redacted), never as an unhandled rejection. */
function quietly(work: Promise<unknown>): void {
  work.catch((err: unknown) => console.warn(`TokenTray: ${formatError(err)}`));
}

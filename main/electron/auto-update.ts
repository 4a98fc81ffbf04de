import { app } from 'electron';
import electronUpdater from 'electron-updater';
import { formatError } from '../common/redact.js';

/** The first look waits until startup has settled; then one every few hours. */
const FIRST_CHECK_MS = 60_000;
const CHECK_EVERY_MS = 4 * 60 * 60_000;

/**
 * Keeps TokenTray current from the project's GitHub releases: the `publish` feed in
 * electron-builder.yml, which the build bakes into the app as app-update.yml. An update is checked
 * as far as each platform allows:
 * - macOS: Squirrel.Mac installs it only if it is signed with the same Developer ID as this app.
 * - Windows: the installer's Authenticode publisher must match the one this build was signed with.
 * - Linux (AppImage, deb): the download must match the SHA-512 in the release's latest-linux.yml,
 *   fetched over HTTPS; there is no signature to check.
 *
 * `enabled` is read before every check and again at quit, so switching the option off needs no
 * restart. On macOS an update that Squirrel has already staged still installs at that quit.
 * Development runs (not packaged) have no feed and never update.
 */
export function startAutoUpdates(enabled: () => boolean, log: (msg: string) => void): void {
  if (!app.isPackaged) return;
  const { autoUpdater } = electronUpdater;
  // Its progress chatter stays out of the log; errors arrive once, through the 'error' event.
  autoUpdater.logger = {
    info: () => undefined,
    warn: (message: unknown) => log(`Updates: ${String(message)}`),
    error: () => undefined,
  };
  autoUpdater.autoDownload = true;
  autoUpdater.autoInstallOnAppQuit = true;
  // Also keeps an error outside a check (Squirrel.Mac's, say) from becoming an uncaught exception.
  autoUpdater.on('error', (err) => log(`Update failed: ${formatError(err)}`));
  autoUpdater.on('update-downloaded', (info) =>
    log(`TokenTray ${info.version} is downloaded and installs when TokenTray quits.`),
  );

  const check = (): void => {
    if (!enabled()) return;
    // Shows one system notification once the update is downloaded. A failure was already
    // reported by the 'error' event.
    autoUpdater.checkForUpdatesAndNotify().catch(() => undefined);
  };
  setTimeout(check, FIRST_CHECK_MS);
  setInterval(check, CHECK_EVERY_MS);
  app.on('before-quit', () => {
    autoUpdater.autoInstallOnAppQuit = enabled();
  });
}

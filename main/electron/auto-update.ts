import { app } from 'electron';
import electronUpdater from 'electron-updater';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatError } from '../common/redact.js';
import { packageKind, updatePolicy } from '../node/desktop/update-policy.js';

/** The first look waits until startup has settled; then one every few hours. */
const FIRST_CHECK_MS = 60_000;
const CHECK_EVERY_MS = 4 * 60 * 60_000;

/**
 * Keeps TokenTray current from the project's GitHub releases: the `publish` feed in
 * electron-builder.yml, which the build bakes into the app as app-update.yml. Who installs what is
 * update-policy.ts's rule; each platform checks the download as far as it allows:
 * - macOS: Squirrel.Mac installs it only if it is signed with the same Developer ID as this app.
 * - Windows: the installer's Authenticode publisher must match the one this build was signed with.
 * - AppImage: the download must match the SHA-512 in the release's latest-linux.yml, fetched over
 *   HTTPS; there is no signature to check. It replaces the user's own file.
 * - deb, rpm, pacman: announced only; the system's package manager installs them.
 *
 * `enabled` is read before every check and again at quit, so switching the option off needs no
 * restart. On macOS an update that Squirrel has already staged still installs at that quit.
 * Development runs (not packaged) have no feed and never update.
 */
export function startAutoUpdates(
  enabled: () => boolean,
  log: (msg: string) => void,
  notify: (notice: { title: string; body: string }) => void,
): void {
  if (!app.isPackaged) return;
  const policy = updatePolicy(
    packageKind(process.platform, process.env, () => {
      try {
        return readFileSync(join(process.resourcesPath, 'package-type'), 'utf8');
      } catch {
        return undefined;
      }
    }),
  );
  if (!policy.check) return;
  const { autoUpdater } = electronUpdater;
  // Its progress chatter stays out of the log; errors arrive once, through the 'error' event.
  autoUpdater.logger = {
    info: () => undefined,
    warn: (message: unknown) => log(`Updates: ${String(message)}`),
    error: () => undefined,
  };
  autoUpdater.autoDownload = policy.install;
  autoUpdater.autoInstallOnAppQuit = policy.install;
  // Also keeps an error outside a check (Squirrel.Mac's, say) from becoming an uncaught exception.
  autoUpdater.on('error', (err) => log(`Update failed: ${formatError(err)}`));
  autoUpdater.on('update-downloaded', (info) =>
    log(`TokenTray ${info.version} is downloaded and installs when TokenTray quits.`),
  );
  const announced = new Set<string>();
  const { notice } = policy;
  if (notice !== undefined) {
    autoUpdater.on('update-available', (info) => {
      if (announced.has(info.version)) return;
      announced.add(info.version);
      notify(notice(info.version));
    });
  }

  const check = (): void => {
    if (!enabled()) return;
    // Where the app installs, one system notification once the update is downloaded. A failure
    // was already reported by the 'error' event.
    const checking = policy.install
      ? autoUpdater.checkForUpdatesAndNotify()
      : autoUpdater.checkForUpdates();
    checking.catch(() => undefined);
  };
  setTimeout(check, FIRST_CHECK_MS);
  setInterval(check, CHECK_EVERY_MS);
  app.on('before-quit', () => {
    autoUpdater.autoInstallOnAppQuit = policy.install && enabled();
  });
}

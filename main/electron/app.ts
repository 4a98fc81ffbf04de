import { app, dialog } from 'electron';
import { spawn } from 'node:child_process';
import { formatError } from '../common/redact.js';
import { APP_ID, BACKGROUND_FLAG } from '../common/app-identity.js';
import { RELAUNCHED_ENV, x11Relaunch } from '../node/desktop/wayland-policy.js';
import { resolveDataDir } from '../node/paths.js';
import { ensurePrivateDataDir } from '../node/private-folder.js';
import { startDesktop, type RunningDesktop } from './desktop-app.js';
import { dock } from './dock.js';

// The Electron entry point: one instance, start, and a clean quit. What it starts is composed in
// desktop-app.ts from parts that run, and are tested, under plain Node.

/** Quitting waits this long at most for the broker and the clipboard; then it goes anyway. */
const SHUTDOWN_LIMIT_MS = 3_000;

// The CLI computes the same folder without Electron; TOKENTRAY_HOME moves both. Set before the
// single-instance lock, which lives in this folder: one app per data folder.
// Made 0700 first, before Electron creates it with the umask's mode. A folder others can write is
// reported by startDesktop (the settings refuse to open), where the error can be shown.
const dataDir = resolveDataDir();
try {
  ensurePrivateDataDir(dataDir);
} catch {
  // reported when the settings open
}
app.setPath('userData', dataDir);
// Windows shows a toast only for the AppUserModelID of a Start-menu shortcut: the installer's,
// which electron-builder gives the appId.
if (process.platform === 'win32') app.setAppUserModelId(APP_ID);

// Linux Wayland: a tray copy works only under XWayland (wayland-policy.ts says why). A launch
// without the switch starts once more with it, before this one takes the single-instance lock.
const relaunch = x11Relaunch(
  {
    platform: process.platform,
    argv: process.argv,
    chosen: app.commandLine.getSwitchValue('ozone-platform'),
    env: process.env,
  },
  process.execPath,
);

if (relaunch !== undefined) {
  spawn(relaunch.command, relaunch.args, {
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, [RELAUNCHED_ENV]: '1' },
  }).unref();
  app.exit(0);
} else if (!app.requestSingleInstanceLock()) {
  // A second launch: the first instance shows its window (below), this one leaves at once.
  app.exit(0);
} else {
  let desktop: RunningDesktop | undefined;
  let showWhenReady = false;
  let shutDown = false;

  const openedAgain = (): void => {
    if (desktop === undefined) showWhenReady = true;
    else desktop.showAccounts();
  };
  // The CLI's background start of an app that turns out to be running wants no window.
  app.on('second-instance', (_event, argv) => {
    if (!argv.includes(BACKGROUND_FLAG)) openedAgain();
  });
  // macOS: opening the app again from Finder, Spotlight or Launchpad while it runs sends
  // 'activate', not a second instance. Electron emits it only from applicationShouldHandleReopen
  // (a reopen of a running app), so a launch at login opens no window.
  app.on('activate', openedAgain);
  // A tray app keeps running with no window open.
  app.on('window-all-closed', () => undefined);
  app.on('before-quit', (event) => {
    if (shutDown || desktop === undefined) return;
    event.preventDefault();
    shutDown = true;
    const limit = new Promise((resolve) => setTimeout(resolve, SHUTDOWN_LIMIT_MS));
    void Promise.race([desktop.shutdown(), limit])
      .catch((err: unknown) => console.warn(`TokenTray: ${formatError(err)}`))
      .finally(() => app.quit());
  });

  app
    .whenReady()
    .then(async () => {
      // A menu-bar app: no Dock icon until a window opens (packaged builds say so in Info.plist).
      dock.hide();
      desktop = await startDesktop({ background: process.argv.includes(BACKGROUND_FLAG) });
      if (showWhenReady) desktop.showAccounts();
    })
    .catch((err: unknown) => {
      // Never a silent death: a tray app that vanishes leaves the user nothing to go on.
      console.error(`TokenTray failed to start: ${formatError(err)}`);
      dialog.showErrorBox('TokenTray could not start', formatError(err));
      app.exit(1);
    });
}

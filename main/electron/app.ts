import { app } from 'electron';
import { formatError } from '../common/redact.js';
import { resolveDataDir } from '../node/paths.js';
import { ensurePrivateDataDir } from '../node/private-folder.js';
import { startDesktop, type RunningDesktop } from './desktop-app.js';

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

if (!app.requestSingleInstanceLock()) {
  // A second launch: the first instance shows its window (below), this one leaves at once.
  app.exit(0);
} else {
  let desktop: RunningDesktop | undefined;
  let showWhenReady = false;
  let shutDown = false;

  app.on('second-instance', () => {
    if (desktop === undefined) showWhenReady = true;
    else desktop.showAccounts();
  });
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
      app.dock?.hide();
      desktop = await startDesktop();
      if (showWhenReady) desktop.showAccounts();
    })
    .catch((err: unknown) => {
      console.error(`TokenTray failed to start: ${formatError(err)}`);
      app.exit(1);
    });
}

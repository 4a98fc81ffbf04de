import { systemClock } from '../common/clock.js';
import {
  sessionBusNameHasOwner,
  STATUS_NOTIFIER_WATCHER,
} from '../node/desktop/tray-availability.js';
import { TrayHostWatch, waitForTrayHost } from '../node/desktop/tray-host.js';
import type { TrayAction } from '../node/desktop/tray-menu.js';
import { ElectronTray } from './tray-glue.js';

export interface DesktopTray {
  tray: ElectronTray;
  /** Whether the desktop shows the icon now: false on Linux with no StatusNotifier host. */
  visible(): boolean;
  stop(): void;
}

/**
 * Creates the tray icon. On Linux it waits (briefly) for the panel's StatusNotifier host first:
 * a tray created before the host falls back to an icon nobody shows. While the app runs it keeps
 * looking, creates the icon again when a host appears, and says when one goes.
 */
export async function createDesktopTray(options: {
  assetsDir: string;
  onAction(action: TrayAction): void;
  onClick(): void;
  /** The icon can no longer be seen: the window is the app now. */
  onHostLost(): void;
}): Promise<DesktopTray> {
  const make = (): ElectronTray =>
    new ElectronTray(options.assetsDir, options.onAction, options.onClick);
  if (process.platform !== 'linux') {
    const tray = make();
    return { tray, visible: () => true, stop: () => undefined };
  }
  const probe = () => sessionBusNameHasOwner(STATUS_NOTIFIER_WATCHER);
  const hostAtStart = await waitForTrayHost(probe, systemClock);
  const tray = make();
  const watch = new TrayHostWatch(
    {
      probe,
      clock: systemClock,
      onHostAppeared: () => tray.recreate(),
      onHostLost: options.onHostLost,
    },
    hostAtStart,
  );
  watch.start();
  return { tray, visible: () => watch.hostPresent, stop: () => watch.stop() };
}

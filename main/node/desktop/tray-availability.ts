import { execFile } from 'node:child_process';

/**
 * The D-Bus name of the StatusNotifierItem host registry: present wherever Linux tray icons show
 * (KDE, Cinnamon, XFCE, GNOME with the AppIndicator extension), absent on plain GNOME. When the
 * bus cannot be asked the app takes it as absent, and opens its window: a window shown needlessly
 * costs a click, an invisible app costs the user the app. tray-host.ts waits and watches for it.
 */
export const STATUS_NOTIFIER_WATCHER = 'org.kde.StatusNotifierWatcher';

/** A desktop that answers D-Bus at all answers this within milliseconds. */
const PROBE_TIMEOUT_MS = 2_000;

/**
 * Whether `name` has an owner on the session bus: true or false as the bus says, or undefined
 * when it could not be asked (no dbus-send, no session bus, no answer in time).
 */
export function sessionBusNameHasOwner(
  name: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<boolean | undefined> {
  return new Promise((resolve) => {
    execFile(
      'dbus-send',
      [
        '--session',
        '--print-reply',
        `--reply-timeout=${PROBE_TIMEOUT_MS}`,
        '--dest=org.freedesktop.DBus',
        '/org/freedesktop/DBus',
        'org.freedesktop.DBus.NameHasOwner',
        `string:${name}`,
      ],
      { env, timeout: PROBE_TIMEOUT_MS + 500, windowsHide: true },
      (error, stdout) => {
        if (error !== null) return resolve(undefined);
        const answer = /\bboolean (true|false)\b/.exec(stdout);
        resolve(answer === null ? undefined : answer[1] === 'true');
      },
    );
  });
}

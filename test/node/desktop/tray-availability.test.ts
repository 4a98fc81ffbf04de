import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  sessionBusNameHasOwner,
  STATUS_NOTIFIER_WATCHER,
} from '../../../main/node/desktop/tray-availability.js';
import { waitForTrayHost } from '../../../main/node/desktop/tray-host.js';
import type { Clock, TimerHandle } from '../../../main/common/clock.js';

// These run on the private D-Bus session of test/support/with-private-keyring.sh, where
// gnome-keyring owns org.freedesktop.secrets and no tray host runs: a desktop without a tray.

/** Real time, with timers that hold the test's event loop open (systemClock's do not). */
const realClock: Clock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => setTimeout(fn, ms) as unknown as TimerHandle,
  clearTimer: (handle) => clearTimeout(handle as unknown as NodeJS.Timeout),
};

describe('is there a tray to show the icon in?', { skip: process.platform !== 'linux' }, () => {
  test('asks the real session bus who owns a name', async () => {
    assert.equal(await sessionBusNameHasOwner('org.freedesktop.secrets'), true);
    assert.equal(await sessionBusNameHasOwner(STATUS_NOTIFIER_WATCHER), false);
  });

  test('no StatusNotifierWatcher on the bus: the startup wait ends at its bound with no host', async () => {
    const probe = () => sessionBusNameHasOwner(STATUS_NOTIFIER_WATCHER);
    assert.equal(await waitForTrayHost(probe, realClock, 600, 200), false);
  });

  test('no session bus to ask: undefined, and the app opens its window rather than hide', async () => {
    const noBus = {
      PATH: process.env.PATH,
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus',
    };
    assert.equal(await sessionBusNameHasOwner(STATUS_NOTIFIER_WATCHER, noBus), undefined);
    const probe = () => sessionBusNameHasOwner(STATUS_NOTIFIER_WATCHER, noBus);
    assert.equal(await waitForTrayHost(probe, realClock, 300, 100), false);
  });
});

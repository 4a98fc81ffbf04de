import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  sessionBusNameHasOwner,
  STATUS_NOTIFIER_WATCHER,
  trayIsVisible,
} from '../../../main/node/desktop/tray-availability.js';

// These run on the private D-Bus session of test/support/with-private-keyring.sh, where
// gnome-keyring owns org.freedesktop.secrets and no tray host runs: a desktop without a tray.

describe('is there a tray to show the icon in?', { skip: process.platform !== 'linux' }, () => {
  test('asks the real session bus who owns a name', async () => {
    assert.equal(await sessionBusNameHasOwner('org.freedesktop.secrets'), true);
    assert.equal(await sessionBusNameHasOwner(STATUS_NOTIFIER_WATCHER), false);
  });

  test('Linux without a StatusNotifierWatcher has no tray; macOS and Windows always do', async () => {
    assert.equal(await trayIsVisible('linux'), false);
    assert.equal(await trayIsVisible('linux', async () => true), true);
    assert.equal(await trayIsVisible('darwin', async () => false), true);
    assert.equal(await trayIsVisible('win32', async () => false), true);
  });

  test('no session bus to ask: undefined, and the app opens its window rather than hide', async () => {
    const noBus = {
      PATH: process.env.PATH,
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus',
    };
    assert.equal(await sessionBusNameHasOwner(STATUS_NOTIFIER_WATCHER, noBus), undefined);
    assert.equal(
      await trayIsVisible('linux', (name) => sessionBusNameHasOwner(name, noBus)),
      false,
    );
  });
});

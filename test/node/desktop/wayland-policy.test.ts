import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  RELAUNCHED_ENV,
  runsOnWayland,
  X11_SWITCH,
  x11Relaunch,
  type OzoneFacts,
} from '../../../main/node/desktop/wayland-policy.js';

const WAYLAND_SESSION = {
  XDG_SESSION_TYPE: 'wayland',
  WAYLAND_DISPLAY: 'wayland-0',
  DISPLAY: ':0',
};
const facts = (over: Partial<OzoneFacts> = {}): OzoneFacts => ({
  platform: 'linux',
  argv: ['/opt/TokenTray/tokentray'],
  chosen: 'wayland',
  env: WAYLAND_SESSION,
  ...over,
});

describe('Wayland: the tray copies only under XWayland', () => {
  test('a native Wayland start relaunches once with --ozone-platform=x11, keeping its arguments', () => {
    assert.deepEqual(
      x11Relaunch(facts({ argv: ['/opt/TokenTray/tokentray', '--background'] }), '/opt/x'),
      { command: '/opt/x', args: ['--background', X11_SWITCH] },
    );
  });

  test('the AppImage relaunches the file the user has, not its temporary mount', () => {
    const env = { ...WAYLAND_SESSION, APPIMAGE: '/home/u/Apps/TokenTray.AppImage' };
    assert.equal(
      x11Relaunch(facts({ env, argv: ['/tmp/.mount_Tok/tokentray'] }), '/tmp/.mount_Tok/tokentray')
        ?.command,
      '/home/u/Apps/TokenTray.AppImage',
    );
  });

  test('no relaunch: X11 already, the user chose, a relaunch already, no XWayland, not Linux', () => {
    assert.equal(x11Relaunch(facts({ chosen: 'x11' }), '/x'), undefined);
    assert.equal(
      x11Relaunch(facts({ argv: ['/x', '--ozone-platform=wayland'] }), '/x'),
      undefined,
      'an explicit choice is kept (the README says what it costs)',
    );
    assert.equal(
      x11Relaunch(facts({ env: { ...WAYLAND_SESSION, [RELAUNCHED_ENV]: '1' } }), '/x'),
      undefined,
    );
    assert.equal(x11Relaunch(facts({ env: { ...WAYLAND_SESSION, DISPLAY: '' } }), '/x'), undefined);
    assert.equal(x11Relaunch(facts({ platform: 'darwin' }), '/x'), undefined);
  });

  test('Chromium’s own choice decides; without one, the session type does', () => {
    assert.equal(runsOnWayland(facts()), true);
    assert.equal(runsOnWayland(facts({ chosen: 'x11' })), false);
    assert.equal(runsOnWayland(facts({ chosen: '' })), true);
    assert.equal(runsOnWayland(facts({ chosen: '', env: { XDG_SESSION_TYPE: 'x11' } })), false);
  });
});

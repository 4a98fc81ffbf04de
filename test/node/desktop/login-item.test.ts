import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  effectiveLaunchAtLogin,
  LoginItemSync,
  quoteExecArgument,
  XdgAutostart,
  xdgAutostartFile,
  type LoginItemPort,
} from '../../../main/node/desktop/login-item.js';

/** A fake of the OS login-item setting, counting how often the app changed it. */
class FakeLoginItem implements LoginItemPort {
  enabled = false;
  sets = 0;
  isEnabled(): boolean {
    return this.enabled;
  }
  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    this.sets++;
  }
}

describe('launch at login', () => {
  test('unset means on once an account exists; a choice wins either way', () => {
    assert.equal(effectiveLaunchAtLogin({}, 0), false);
    assert.equal(effectiveLaunchAtLogin({}, 1), true);
    assert.equal(effectiveLaunchAtLogin({ launchAtLogin: false }, 3), false);
    assert.equal(effectiveLaunchAtLogin({ launchAtLogin: true }, 0), true);
  });

  test('the OS setting changes when the wish changes, not on every account event', () => {
    const os = new FakeLoginItem();
    const sync = new LoginItemSync(os);
    assert.equal(sync.apply(false), false, 'already off');
    assert.equal(sync.apply(true), true);
    assert.equal(os.enabled, true);
    os.enabled = false; // the user switched it off in the OS's own settings
    assert.equal(sync.apply(true), false, 'the same wish again does not fight the user');
    assert.equal(os.enabled, false);
    sync.apply(false);
    sync.apply(true);
    assert.equal(os.enabled, true);
    assert.equal(os.sets, 2);
  });

  test('Linux: an XDG autostart entry that starts the app, removed when turned off', async () => {
    const config = await mkdtemp(join(tmpdir(), 'tokentray-autostart-'));
    const file = xdgAutostartFile({ XDG_CONFIG_HOME: config }, '/home/nobody');
    assert.equal(file, join(config, 'autostart', 'tokentray.desktop'));
    assert.equal(xdgAutostartFile({}, '/home/u'), '/home/u/.config/autostart/tokentray.desktop');

    const autostart = new XdgAutostart(file, '/opt/Token Tray/tokentray');
    assert.equal(autostart.isEnabled(), false);
    autostart.setEnabled(true);
    assert.equal(autostart.isEnabled(), true);
    const entry = readFileSync(file, 'utf8');
    assert.match(entry, /^\[Desktop Entry\]\nType=Application\nName=TokenTray\n/);
    assert.match(entry, /^Exec="\/opt\/Token Tray\/tokentray"$/m);
    if (existsSync('/usr/bin/desktop-file-validate')) execFileSync('desktop-file-validate', [file]);

    writeFileSync(file, `${entry}Hidden=true\n`);
    assert.equal(autostart.isEnabled(), false, 'Hidden=true is the spec’s “off”');
    autostart.setEnabled(false);
    assert.equal(existsSync(file), false);
  });

  test('Exec quoting follows the desktop entry spec', () => {
    assert.equal(quoteExecArgument('/usr/bin/tokentray'), '"/usr/bin/tokentray"');
    assert.equal(quoteExecArgument('/a b/$HOME/"x"/100%'), '"/a b/\\\\$HOME/\\\\"x\\\\"/100%%"');
    assert.equal(quoteExecArgument('C:\\odd`'), '"C:\\\\\\\\odd\\\\`"');
  });
});

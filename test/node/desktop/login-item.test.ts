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
  type LoginItemRecord,
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

/** The settings' record of the choice, kept in memory. */
class FakeRecord implements LoginItemRecord {
  writes = 0;
  constructor(public value: boolean | undefined = undefined) {}
  recorded(): boolean | undefined {
    return this.value;
  }
  async record(enabled: boolean): Promise<void> {
    await Promise.resolve();
    this.value = enabled;
    this.writes++;
  }
}

describe('launch at login', () => {
  test('unset means on once an account exists; a choice wins either way', () => {
    assert.equal(effectiveLaunchAtLogin({}, 0), false);
    assert.equal(effectiveLaunchAtLogin({}, 1), true);
    assert.equal(effectiveLaunchAtLogin({ launchAtLogin: false }, 3), false);
    assert.equal(effectiveLaunchAtLogin({ launchAtLogin: true }, 0), true);
  });

  test('the first account turns the item on once; after that the user’s choice stands', async () => {
    const os = new FakeLoginItem();
    const settings = new FakeRecord();
    const sync = new LoginItemSync(os, settings);
    assert.equal(await sync.accountsAre(0), false, 'nothing to keep fresh yet');
    assert.equal(os.enabled, false);
    assert.equal(await sync.accountsAre(1), true);
    assert.equal(os.enabled, true);
    assert.equal(settings.value, true, 'the choice is recorded');

    os.enabled = false; // the user switched it off in System Settings
    assert.equal(await sync.accountsAre(2), false);
    // The next launch reads the same settings: it stays off.
    const afterRestart = new LoginItemSync(os, settings);
    assert.equal(await afterRestart.accountsAre(2), false);
    assert.equal(os.enabled, false);
    assert.equal(afterRestart.isEnabled(), false, 'the window shows what the OS has');
    assert.equal(os.sets, 1);
  });

  test('accounts that existed before this version do not re-assert an item the user removed', async () => {
    const os = new FakeLoginItem();
    os.enabled = true;
    const settings = new FakeRecord();
    assert.equal(await new LoginItemSync(os, settings).accountsAre(3), false, 'already on');
    assert.equal(settings.value, true);
    os.enabled = false;
    assert.equal(await new LoginItemSync(os, settings).accountsAre(3), false);
    assert.equal(os.enabled, false);
  });

  test('a recorded "off" is never overridden by accounts; the settings window switches it', async () => {
    const os = new FakeLoginItem();
    const settings = new FakeRecord(false);
    const sync = new LoginItemSync(os, settings);
    assert.equal(await sync.accountsAre(1), false);
    assert.equal(os.enabled, false);
    sync.userChose(true);
    assert.equal(os.enabled, true);
    sync.userChose(true);
    assert.equal(os.sets, 1, 'the same wish again changes nothing');
  });

  test('a burst of account events turns it on once, even before the record is written', async () => {
    const os = new FakeLoginItem();
    const settings = new FakeRecord();
    const sync = new LoginItemSync(os, settings);
    const results = await Promise.all([sync.accountsAre(1), sync.accountsAre(1)]);
    assert.deepEqual(results.sort(), [false, true]);
    assert.equal(os.sets, 1);
    assert.equal(settings.writes, 1);
  });

  test('Linux: an XDG autostart entry that starts the app, removed when turned off', async () => {
    const config = await mkdtemp(join(tmpdir(), 'tokentray-autostart-'));
    const file = xdgAutostartFile({ XDG_CONFIG_HOME: config }, '/home/nobody');
    assert.equal(file, join(config, 'autostart', 'tokentray.desktop'));
    assert.equal(xdgAutostartFile({}, '/home/u'), '/home/u/.config/autostart/tokentray.desktop');

    const autostart = new XdgAutostart(file, '/opt/Token Tray/tokentray', ['--ozone-platform=x11']);
    assert.equal(autostart.isEnabled(), false);
    autostart.setEnabled(true);
    assert.equal(autostart.isEnabled(), true);
    const entry = readFileSync(file, 'utf8');
    assert.match(entry, /^\[Desktop Entry\]\nType=Application\nName=TokenTray\n/);
    assert.match(entry, /^Exec="\/opt\/Token Tray\/tokentray" --ozone-platform=x11$/m);
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

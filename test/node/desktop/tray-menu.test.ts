import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  buildTrayMenu,
  defaultAccountName,
  primaryAction,
  type TrayMenuItem,
} from '../../../main/node/desktop/tray-menu.js';
import { report } from './report.js';

const labels = (items: TrayMenuItem[]) =>
  items.map((item) => (item.type === 'separator' ? '---' : item.label));

const accounts = [
  report('work', 'fresh', { label: 'Work' }),
  report('gh', 'sign-in-required', { label: 'GitHub' }),
  report('rd', 'error', { label: 'R&D' }),
];

describe('tray menu', () => {
  test('macOS: each account, the windows, the CLI installer, Quit; a click copies instead of a first item', () => {
    const menu = buildTrayMenu({
      platform: 'darwin',
      accounts,
      defaultAccount: 'work',
      canInstallCli: true,
    });
    assert.deepEqual(labels(menu), [
      'Copy a token',
      'Work (default)',
      'GitHub: sign in again…',
      'R&&D: refresh failing',
      '---',
      'Open TokenTray',
      'Settings…',
      'Install Command Line Tool…',
      '---',
      'Quit',
    ]);
  });

  test('Linux: the first item does what a click does elsewhere, copying the default account', () => {
    const menu = buildTrayMenu({
      platform: 'linux',
      accounts,
      defaultAccount: 'work',
      canInstallCli: true,
    });
    assert.deepEqual(menu[0], {
      type: 'item',
      label: 'Copy token: Work',
      enabled: true,
      action: { kind: 'copy', name: 'work' },
    });
    assert.deepEqual(menu[0], { ...menu[0], action: primaryAction('work') });
    assert.ok(!labels(menu).includes('Install Command Line Tool…'), 'macOS only');
  });

  test('Windows has no first copy item (a left click copies) and no CLI installer', () => {
    const menu = buildTrayMenu({
      platform: 'win32',
      accounts,
      defaultAccount: 'work',
      canInstallCli: true,
    });
    assert.equal(labels(menu)[0], 'Copy a token');
    assert.ok(!labels(menu).includes('Install Command Line Tool…'));
  });

  test('choosing an account copies its token; an account that must sign in again opens the window', () => {
    const menu = buildTrayMenu({
      platform: 'darwin',
      accounts,
      defaultAccount: 'work',
      canInstallCli: false,
    });
    const byLabel = new Map(menu.flatMap((i) => (i.type === 'item' ? [[i.label, i.action]] : [])));
    assert.deepEqual(byLabel.get('Work (default)'), { kind: 'copy', name: 'work' });
    assert.deepEqual(byLabel.get('R&&D: refresh failing'), { kind: 'copy', name: 'rd' });
    assert.deepEqual(byLabel.get('GitHub: sign in again…'), { kind: 'open-accounts' });
    assert.deepEqual(byLabel.get('Settings…'), { kind: 'open-settings' });
    assert.deepEqual(byLabel.get('Quit'), { kind: 'quit' });
  });

  test('with no accounts it offers to add one, on Linux too', () => {
    for (const platform of ['linux', 'darwin'] as const) {
      const menu = buildTrayMenu({
        platform,
        accounts: [],
        defaultAccount: undefined,
        canInstallCli: false,
      });
      assert.deepEqual(labels(menu).slice(0, 2), ['No accounts yet', 'Add an Account…']);
      assert.deepEqual(menu[1], {
        type: 'item',
        label: 'Add an Account…',
        enabled: true,
        action: { kind: 'open-settings' },
      });
    }
  });

  test('Linux has no copy item when the default account must sign in again', () => {
    const menu = buildTrayMenu({
      platform: 'linux',
      accounts,
      defaultAccount: 'gh',
      canInstallCli: false,
    });
    assert.equal(labels(menu)[0], 'Copy a token');
  });

  test('the default account: the configured one if it exists, else the only one, else none', () => {
    const two = [report('a', 'fresh'), report('b', 'fresh')];
    assert.equal(defaultAccountName(two, 'b'), 'b');
    assert.equal(defaultAccountName(two, 'gone'), undefined);
    assert.equal(defaultAccountName([report('a', 'fresh')], 'gone'), 'a');
    assert.equal(defaultAccountName([], undefined), undefined);
    assert.deepEqual(primaryAction(undefined), { kind: 'open-accounts' });
  });
});

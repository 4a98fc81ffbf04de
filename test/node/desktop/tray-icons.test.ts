import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  FALLBACK_TRAY_ICON,
  trayIconFile,
  trayIconFiles,
  trayIconLook,
} from '../../../main/node/desktop/tray-icons.js';

describe('tray icon per platform and theme', () => {
  test('macOS: always the template, which macOS tints for its menu bar', () => {
    assert.equal(trayIconLook('darwin', { darkPanel: true }), 'template');
    assert.equal(trayIconLook('darwin', { darkPanel: false }), 'template');
    assert.equal(trayIconFile('fresh', 'template'), 'tray-freshTemplate.png');
  });

  test('Windows: a white glyph on the dark taskbar, a black one on the light taskbar', () => {
    assert.equal(trayIconLook('win32', { darkPanel: true }), 'on-dark');
    assert.equal(trayIconLook('win32', { darkPanel: false }), 'on-light');
    assert.equal(trayIconFile('attention', 'on-dark'), 'tray-attention-on-dark.png');
  });

  test('GNOME and Ubuntu: the top bar is dark in every theme, so the glyph is white', () => {
    for (const desktop of ['GNOME', 'ubuntu:GNOME', 'Unity', 'Pantheon']) {
      assert.equal(trayIconLook('linux', { darkPanel: false, desktop }), 'on-dark', desktop);
    }
  });

  test('KDE, XFCE and others: the panel follows the theme (Breeze Dark, Breeze)', () => {
    assert.equal(trayIconLook('linux', { darkPanel: true, desktop: 'KDE' }), 'on-dark');
    assert.equal(trayIconLook('linux', { darkPanel: false, desktop: 'KDE' }), 'on-light');
    assert.equal(trayIconLook('linux', { darkPanel: false, desktop: 'XFCE' }), 'on-light');
    assert.equal(trayIconLook('linux', { darkPanel: true, desktop: undefined }), 'on-dark');
  });

  test('a missing state icon falls back to the plain one, never to no icon', () => {
    const files = trayIconFiles('on-dark', (file) => file.startsWith('tray-fresh'));
    assert.deepEqual(files, {
      fresh: 'tray-fresh-on-dark.png',
      refreshing: FALLBACK_TRAY_ICON,
      attention: FALLBACK_TRAY_ICON,
    });
  });
});

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import {
  FALLBACK_TRAY_ICON,
  overallTrayState,
  resolveTrayIcon,
  TRAY_STATES,
  trayIconFile,
  trayTooltip,
} from '../../../main/node/desktop/tray-state.js';
import { report } from './report.js';

const ASSETS = fileURLToPath(new URL('../../../main/electron/assets/', import.meta.url));

describe('tray state', () => {
  test('attention beats refreshing beats fresh; stale is not the user’s business', () => {
    assert.equal(overallTrayState([]), 'fresh');
    assert.equal(overallTrayState([report('a', 'fresh'), report('b', 'stale')]), 'fresh');
    assert.equal(overallTrayState([report('a', 'fresh'), report('b', 'refreshing')]), 'refreshing');
    assert.equal(
      overallTrayState([report('a', 'refreshing'), report('b', 'sign-in-required')]),
      'attention',
    );
    assert.equal(overallTrayState([report('a', 'fresh'), report('b', 'error')]), 'attention');
  });

  test('the tooltip names the accounts that need the user, and what they need', () => {
    assert.equal(trayTooltip([]), 'TokenTray: no accounts yet');
    assert.equal(trayTooltip([report('a', 'fresh')]), 'TokenTray: token fresh');
    assert.equal(
      trayTooltip([report('a', 'fresh'), report('b', 'fresh')]),
      'TokenTray: 2 tokens fresh',
    );
    assert.equal(
      trayTooltip([
        report('a', 'fresh'),
        report('w', 'sign-in-required', { label: 'Work' }),
        report('g', 'error', { label: 'GitHub' }),
      ]),
      'TokenTray: needs attention: Work (sign in again), GitHub (refresh failing)',
    );
    const many = ['a', 'b', 'c', 'd', 'e'].map((n) => report(n, 'error'));
    assert.match(trayTooltip(many), /, and 2 more$/);
  });

  test('every state has its icon, at 1x and 2x, in the app’s assets', () => {
    for (const state of TRAY_STATES) {
      const file = trayIconFile(state);
      assert.match(file, /Template\.png$/, 'macOS tints only images named …Template');
      assert.ok(existsSync(`${ASSETS}${file}`), file);
      assert.ok(existsSync(`${ASSETS}${file.replace('.png', '@2x.png')}`), `${file} @2x`);
    }
    assert.ok(existsSync(`${ASSETS}${FALLBACK_TRAY_ICON}`));
  });

  test('a missing state icon falls back to the plain one', () => {
    assert.equal(
      resolveTrayIcon('attention', () => false),
      FALLBACK_TRAY_ICON,
    );
    assert.equal(
      resolveTrayIcon('attention', () => true),
      'tray-attentionTemplate.png',
    );
  });
});

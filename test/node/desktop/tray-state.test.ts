import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { overallTrayState, trayTooltip } from '../../../main/node/desktop/tray-state.js';
import { report } from './report.js';

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
});

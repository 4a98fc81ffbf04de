import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NETWORK_POLL_MS, NetworkWatch } from '../../../main/node/desktop/network-watch.js';
import { ManualClock } from '../../support/manual-clock.js';

describe('network watch', () => {
  test('reports each offline → online transition once, at the next poll', () => {
    const clock = new ManualClock();
    let online = true;
    let backs = 0;
    const watch = new NetworkWatch(
      () => online,
      clock,
      () => backs++,
    );
    watch.start();
    clock.advance(5 * NETWORK_POLL_MS);
    assert.equal(backs, 0, 'online all along is no news');
    online = false;
    clock.advance(3 * NETWORK_POLL_MS);
    assert.equal(backs, 0);
    online = true;
    clock.advance(NETWORK_POLL_MS - 1);
    assert.equal(backs, 0);
    clock.advance(1);
    assert.equal(backs, 1);
    clock.advance(10 * NETWORK_POLL_MS);
    assert.equal(backs, 1);
  });

  test('check() looks at once (after resume); stop() ends the polling', () => {
    const clock = new ManualClock();
    let online = false;
    let backs = 0;
    const watch = new NetworkWatch(
      () => online,
      clock,
      () => backs++,
    );
    watch.start();
    online = true;
    watch.check();
    assert.equal(backs, 1);
    watch.stop();
    assert.equal(clock.pendingTimers, 0);
  });
});

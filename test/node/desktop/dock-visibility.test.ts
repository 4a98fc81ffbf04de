import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  DOCK_SETTLE_MS,
  DockVisibility,
  type DockPort,
} from '../../../main/node/desktop/dock-visibility.js';
import { ManualClock } from '../../support/manual-clock.js';

/** A fake of macOS's Dock that, like the real one, ignores a hide within a second of a call. */
class FakeDock implements DockPort {
  visible = true;
  calls: string[] = [];
  #last = Number.NEGATIVE_INFINITY;
  constructor(private readonly clock: ManualClock) {}
  show(): void {
    this.calls.push('show');
    this.visible = true;
    this.#last = this.clock.now();
  }
  hide(): void {
    this.calls.push('hide');
    if (this.clock.now() - this.#last >= 1_000) this.visible = false;
    this.#last = this.clock.now();
  }
}

describe('the Dock icon', () => {
  test('a window closed right after it opened still hides the icon, once the Dock has settled', () => {
    const clock = new ManualClock();
    const real = new FakeDock(clock);
    const dock = new DockVisibility(real, clock);
    dock.show();
    clock.advance(200);
    dock.hide();
    assert.equal(real.visible, true, 'not yet: the Dock would ignore it now');
    assert.equal(dock.hidePending, true);
    clock.advance(DOCK_SETTLE_MS);
    assert.equal(real.visible, false);
    assert.deepEqual(real.calls, ['show', 'hide']);
  });

  test('a hide long after the last call happens at once', () => {
    const clock = new ManualClock();
    const real = new FakeDock(clock);
    const dock = new DockVisibility(real, clock);
    dock.show();
    clock.advance(5_000);
    dock.hide();
    assert.equal(real.visible, false);
    assert.equal(dock.hidePending, false);
  });

  test('a window opened while a hide waits keeps the icon: the last wish wins', () => {
    const clock = new ManualClock();
    const real = new FakeDock(clock);
    const dock = new DockVisibility(real, clock);
    dock.show();
    dock.hide();
    clock.advance(100);
    dock.show();
    clock.advance(10_000);
    assert.equal(real.visible, true);
    assert.deepEqual(real.calls, ['show', 'show']);
  });

  test('the app hides the icon at start and again after its first window: both take effect', () => {
    const clock = new ManualClock();
    const real = new FakeDock(clock);
    const dock = new DockVisibility(real, clock);
    dock.hide();
    assert.equal(real.visible, false);
    clock.advance(300);
    dock.show();
    clock.advance(300);
    dock.hide();
    clock.advance(DOCK_SETTLE_MS);
    assert.equal(real.visible, false);
  });

  test('no Dock (Windows, Linux): nothing to do, nothing armed', () => {
    const clock = new ManualClock();
    const dock = new DockVisibility(undefined, clock);
    dock.show();
    dock.hide();
    assert.equal(clock.pendingTimers, 0);
  });
});

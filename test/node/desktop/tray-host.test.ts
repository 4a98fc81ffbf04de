import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  TRAY_HOST_POLL_MS,
  TRAY_HOST_WAIT_MS,
  TRAY_HOST_WATCH_MS,
  TrayHostWatch,
  waitForTrayHost,
} from '../../../main/node/desktop/tray-host.js';
import { ManualClock } from '../../support/manual-clock.js';

// The probe is a fake here (owning a bus name needs a D-Bus client library this machine lacks);
// the real probe is tested against the private session bus in tray-availability.test.ts.

/** A panel that registers its StatusNotifierWatcher when the test says so. */
class FakePanel {
  up: boolean | undefined = false;
  asked = 0;
  probe = async (): Promise<boolean | undefined> => {
    this.asked++;
    return this.up;
  };
}

/** Lets the fake clock's timers and the probes' promises interleave, as real time would. */
async function run(clock: ManualClock, ms: number, step = TRAY_HOST_POLL_MS): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    await new Promise((resolve) => setImmediate(resolve));
    clock.advance(step);
  }
  await new Promise((resolve) => setImmediate(resolve));
}

describe('the Linux tray host at login', () => {
  test('a panel that comes up a second after the app still gets the icon at start', async () => {
    const clock = new ManualClock();
    const panel = new FakePanel();
    const waiting = waitForTrayHost(panel.probe, clock);
    await run(clock, 1_000);
    panel.up = true;
    await run(clock, 500);
    assert.equal(await waiting, true);
    assert.ok(panel.asked >= 4 && panel.asked < 10, `${panel.asked} probes`);
  });

  test('no panel at all: the wait ends within its bound, and says so', async () => {
    const clock = new ManualClock();
    const panel = new FakePanel();
    const waiting = waitForTrayHost(panel.probe, clock);
    await run(clock, TRAY_HOST_WAIT_MS + TRAY_HOST_POLL_MS);
    assert.equal(await waiting, false);
    assert.equal(clock.pendingTimers, 0);
  });

  test('a host that turns up later makes the app create its tray again; one that goes says so', async () => {
    const clock = new ManualClock();
    const panel = new FakePanel();
    const events: string[] = [];
    const watch = new TrayHostWatch(
      {
        probe: panel.probe,
        clock,
        onHostAppeared: () => events.push('appeared'),
        onHostLost: () => events.push('lost'),
      },
      false,
    );
    watch.start();
    await run(clock, TRAY_HOST_WATCH_MS * 2, TRAY_HOST_WATCH_MS);
    assert.deepEqual(events, []);
    panel.up = true;
    await run(clock, TRAY_HOST_WATCH_MS, TRAY_HOST_WATCH_MS);
    assert.deepEqual(events, ['appeared']);
    await run(clock, TRAY_HOST_WATCH_MS * 3, TRAY_HOST_WATCH_MS);
    assert.deepEqual(events, ['appeared'], 'once, not on every look');
    panel.up = undefined; // the bus did not answer: no news
    await run(clock, TRAY_HOST_WATCH_MS, TRAY_HOST_WATCH_MS);
    panel.up = false;
    await run(clock, TRAY_HOST_WATCH_MS, TRAY_HOST_WATCH_MS);
    assert.deepEqual(events, ['appeared', 'lost']);
    watch.stop();
    assert.equal(clock.pendingTimers, 0);
  });
});

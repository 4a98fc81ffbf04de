import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_TIMER_DELAY_MS, systemClock } from '../../main/common/clock.js';
import { RefreshScheduler } from '../../main/common/refresh-scheduler.js';
import { ManualClock } from '../support/manual-clock.js';
import { waitFor, within } from '../support/wait-for.js';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A scheduler on a simulated clock that records each firing as [key, ms since start]. */
function setup(options: { coalesceMs?: number; onDue?: (key: string) => void } = {}) {
  const clock = new ManualClock();
  const start = clock.now();
  const fired: [string, number][] = [];
  const scheduler = new RefreshScheduler({
    clock,
    coalesceMs: options.coalesceMs ?? 0,
    onDue: (key) => {
      fired.push([key, clock.now() - start]);
      options.onDue?.(key);
    },
  });
  return { clock, start, fired, scheduler };
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so a failure can be replayed. */
function seededRandom(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

describe('RefreshScheduler', () => {
  it('fires each key at its time, in time order', () => {
    const { clock, start, fired, scheduler } = setup();
    scheduler.schedule('c', start + 30 * SECOND);
    scheduler.schedule('a', start + 10 * SECOND);
    scheduler.schedule('b', start + 20 * SECOND);
    clock.advance(10 * SECOND - 1);
    assert.deepEqual(fired, []);
    clock.advance(MINUTE);
    assert.deepEqual(fired, [
      ['a', 10 * SECOND],
      ['b', 20 * SECOND],
      ['c', 30 * SECOND],
    ]);
    assert.equal(scheduler.size, 0);
    assert.equal(clock.pendingTimers, 0);
  });

  it('fires keys due at the same time in the order they were scheduled', () => {
    const { clock, start, fired, scheduler } = setup();
    for (const key of ['x', 'y', 'z', 'w']) scheduler.schedule(key, start + SECOND);
    clock.advance(SECOND);
    assert.deepEqual(
      fired.map(([key]) => key),
      ['x', 'y', 'z', 'w'],
    );
    assert.equal(clock.wakeups, 1);
  });

  it('runs entries due within the coalescing window in one wakeup', () => {
    const { clock, start, fired, scheduler } = setup({ coalesceMs: SECOND });
    scheduler.schedule('a', start + 10_000);
    scheduler.schedule('b', start + 10_400);
    scheduler.schedule('c', start + 10_900);
    scheduler.schedule('d', start + 11_500);
    clock.advance(MINUTE);
    assert.deepEqual(fired, [
      ['a', 10_000],
      ['b', 10_000],
      ['c', 10_000],
      ['d', 11_500],
    ]);
    assert.equal(clock.wakeups, 2);
  });

  it('lets onDue schedule the same key again', () => {
    const { clock, fired, scheduler } = setup({
      onDue: (key) => {
        assert.equal(scheduler.has(key), false, 'taken out before onDue');
        if (fired.length < 3) scheduler.schedule(key, clock.now() + HOUR);
      },
    });
    scheduler.schedule('acct', clock.now() + HOUR);
    clock.advance(DAY);
    assert.deepEqual(fired, [
      ['acct', HOUR],
      ['acct', 2 * HOUR],
      ['acct', 3 * HOUR],
    ]);
    assert.equal(clock.wakeups, 3);
  });

  it('runs a key that onDue schedules for now on the next wakeup, not in a loop', () => {
    const { clock, start, fired, scheduler } = setup({
      onDue: (key) => {
        if (fired.length < 3) scheduler.schedule(key, clock.now());
      },
    });
    scheduler.schedule('busy', start);
    clock.advance(0);
    assert.equal(fired.length, 3);
    assert.equal(clock.wakeups, 3, 'one wakeup each');
  });

  it('never fires an unscheduled key, and re-arms for the next one', () => {
    const { clock, start, fired, scheduler } = setup();
    scheduler.schedule('a', start + 10 * SECOND);
    scheduler.schedule('b', start + 20 * SECOND);
    scheduler.unschedule('a');
    scheduler.unschedule('nobody');
    assert.equal(scheduler.has('a'), false);
    assert.equal(scheduler.size, 1);
    assert.equal(clock.nextTimerIn(), 20 * SECOND);
    clock.advance(MINUTE);
    assert.deepEqual(fired, [['b', 20 * SECOND]]);
  });

  it('skips a key that an earlier onDue of the same wakeup unscheduled', () => {
    const { clock, start, fired, scheduler } = setup({
      onDue: (key) => {
        if (key === 'a') scheduler.unschedule('b');
      },
    });
    scheduler.schedule('a', start + SECOND);
    scheduler.schedule('b', start + SECOND);
    clock.advance(SECOND);
    assert.deepEqual(fired, [['a', SECOND]]);
  });

  it('replaces the time of a key scheduled again, earlier or later', () => {
    const { clock, start, fired, scheduler } = setup();
    scheduler.schedule('a', start + 10 * SECOND);
    scheduler.schedule('a', start + 30 * SECOND);
    scheduler.schedule('b', start + 20 * SECOND);
    scheduler.schedule('b', start + 5 * SECOND);
    assert.equal(scheduler.dueAt('a'), start + 30 * SECOND);
    assert.equal(scheduler.dueAt('b'), start + 5 * SECOND);
    assert.equal(scheduler.size, 2);
    clock.advance(MINUTE);
    assert.deepEqual(fired, [
      ['b', 5 * SECOND],
      ['a', 30 * SECOND],
    ]);
  });

  it('arms one timer for all keys, and re-arms only when the earliest time changes', () => {
    const { clock, start, scheduler } = setup();
    const random = seededRandom(1);
    scheduler.schedule('first', start + MINUTE);
    const armed = clock.timersArmed;
    for (let i = 0; i < 1_000; i++) {
      scheduler.schedule(`later-${i}`, start + MINUTE + 1 + random() * HOUR);
      assert.equal(clock.pendingTimers, 1);
    }
    assert.equal(clock.timersArmed, armed, 'later entries do not touch the timer');
    scheduler.schedule('earlier', start + SECOND);
    assert.equal(clock.timersArmed, armed + 1);
    assert.equal(clock.pendingTimers, 1);
    clock.advance(2 * HOUR);
    assert.equal(scheduler.size, 0);
    assert.equal(clock.pendingTimers, 0);
  });

  it('fires in due order through any mix of schedule and unschedule', () => {
    const { clock, start, fired, scheduler } = setup();
    const random = seededRandom(42);
    const expected = new Map<string, number>();
    for (let i = 0; i < 5_000; i++) {
      const key = `k${Math.floor(random() * 500)}`;
      if (random() < 0.2) {
        scheduler.unschedule(key);
        expected.delete(key);
      } else {
        const at = start + Math.floor(random() * DAY);
        scheduler.schedule(key, at);
        expected.set(key, at);
      }
    }
    assert.equal(scheduler.size, expected.size);
    clock.advance(DAY);
    const want = [...expected.values()].map((at) => at - start).sort((a, b) => a - b);
    assert.deepEqual(
      fired.map(([, at]) => at),
      want,
    );
    assert.deepEqual(new Set(fired.map(([key]) => key)), new Set(expected.keys()));
  });

  it('on replan after a sleep, fires at once what fell due during it', () => {
    const { clock, start, fired, scheduler } = setup();
    scheduler.schedule('overdue', start + 10 * MINUTE);
    scheduler.schedule('later', start + 3 * HOUR);
    // The machine sleeps for 2 h: the wall clock jumps, the pending timer has not counted it.
    clock.set(start + 2 * HOUR);
    clock.advance(0);
    assert.deepEqual(fired, []);
    scheduler.replan();
    assert.equal(clock.pendingTimers, 1);
    clock.advance(0);
    assert.deepEqual(fired, [['overdue', 2 * HOUR]]);
    assert.equal(clock.nextTimerIn(), HOUR);
    clock.advance(HOUR);
    assert.deepEqual(fired, [
      ['overdue', 2 * HOUR],
      ['later', 3 * HOUR],
    ]);
  });

  it('does not fire early when the wall clock is set back', () => {
    const { clock, start, fired, scheduler } = setup();
    scheduler.schedule('a', start + HOUR);
    clock.set(start - HOUR);
    clock.advance(HOUR);
    assert.deepEqual(fired, [], 'the timer woke at wall-clock start, an hour too early');
    clock.advance(HOUR);
    assert.deepEqual(fired, [['a', HOUR]]);
  });

  it('waits out delays beyond the timer limit with intermediate wakeups', () => {
    const { clock, start, fired, scheduler } = setup();
    scheduler.schedule('far', start + 60 * DAY);
    assert.equal(clock.nextTimerIn(), MAX_TIMER_DELAY_MS);
    clock.advance(59 * DAY);
    assert.deepEqual(fired, []);
    assert.equal(clock.wakeups, 2);
    assert.equal(clock.pendingTimers, 1);
    clock.advance(DAY);
    assert.deepEqual(fired, [['far', 60 * DAY]]);
  });

  it('reports what onDue throws and still runs the rest of the wakeup', () => {
    const clock = new ManualClock();
    const fired: string[] = [];
    const errors: [unknown, string][] = [];
    const scheduler = new RefreshScheduler({
      clock,
      onDue: (key) => {
        fired.push(key);
        if (key === 'bad') throw new Error('boom');
      },
      onError: (error, key) => {
        errors.push([error, key]);
        throw new Error('the error handler fails too');
      },
    });
    scheduler.schedule('bad', clock.now() + SECOND);
    scheduler.schedule('good', clock.now() + SECOND);
    scheduler.schedule('next', clock.now() + HOUR);
    clock.advance(SECOND);
    assert.deepEqual(fired, ['bad', 'good']);
    assert.equal(errors.length, 1);
    assert.equal((errors[0]?.[0] as Error).message, 'boom');
    assert.equal(errors[0]?.[1], 'bad');
    clock.advance(HOUR);
    assert.deepEqual(fired, ['bad', 'good', 'next']);
  });

  it('stops everything on dispose', () => {
    const { clock, start, fired, scheduler } = setup();
    scheduler.schedule('a', start + SECOND);
    scheduler.dispose();
    assert.equal(clock.pendingTimers, 0);
    assert.equal(scheduler.size, 0);
    scheduler.schedule('b', start + SECOND);
    clock.advance(MINUTE);
    assert.deepEqual(fired, []);
    assert.equal(clock.pendingTimers, 0);
  });

  it('rejects a time that is not a number', () => {
    const { scheduler } = setup();
    assert.throws(() => scheduler.schedule('a', Number.NaN), RangeError);
  });

  it('fires on the real system clock', async () => {
    const start = Date.now();
    // The scheduler's timer is unref'd; within()'s deadline timer keeps the process alive.
    const fired = await within(
      'the scheduler to fire on the system clock',
      new Promise<string>((resolve) => {
        const scheduler = new RefreshScheduler({
          clock: systemClock,
          coalesceMs: 0,
          onDue: resolve,
        });
        scheduler.schedule('real', start + 30);
      }),
      2_000,
    );
    assert.equal(fired, 'real');
    // Node may fire a timer up to 1 ms early by Date.now.
    assert.ok(Date.now() - start >= 29, `fired after ${Date.now() - start} ms`);
  });
});

describe('systemClock', () => {
  it('does not keep the process alive, and clamps delays past the timer limit', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    const timeoutsBefore = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const handle = systemClock.setTimer(() => assert.fail('fired'), 2 ** 40);
    const timeoutsAfter = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    // Node reports an overflowing delay as a warning on a later tick: a warning of our own, sent
    // after it, arrives after it, so once ours is heard, any TimeoutOverflowWarning would be too.
    process.emitWarning('probe', 'ProbeWarning');
    await waitFor('our own probe warning', () => warnings.includes('ProbeWarning'));
    systemClock.clearTimer(handle);
    process.off('warning', onWarning);
    assert.equal(timeoutsAfter, timeoutsBefore);
    assert.deepEqual(warnings, ['ProbeWarning'], 'no TimeoutOverflowWarning');
  });
});

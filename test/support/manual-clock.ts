import { waitFor } from './wait-for.js';
import { MAX_TIMER_DELAY_MS } from '../../main/common/clock.js';
import type { Clock, TimerHandle } from '../../main/common/clock.js';

const MAX_FIRINGS_PER_ADVANCE = 1_000_000;

interface SimulatedTimer {
  readonly id: number;
  /** Elapsed-time reading at which it fires. */
  readonly due: number;
  readonly fn: () => void;
}

/**
 * A simulated clock, a fake for tests and benchmarks: time moves only when the test says so.
 *
 * It keeps two readings, as a real machine does. The wall clock is what `now()` returns. Timers
 * count elapsed time, which `advance` moves together with the wall clock, while `set` moves only
 * the wall clock: that is what a sleep and resume, or an NTP step, looks like to a timer.
 *
 * It is stricter than the system clock: a delay outside [0, MAX_TIMER_DELAY_MS] throws, where a
 * real timer would silently fire too early.
 */
export class ManualClock implements Clock {
  #wall: number;
  #elapsed = 0;
  #nextId = 1;
  readonly #timers = new Map<number, SimulatedTimer>();
  /** How many timers were ever armed. */
  timersArmed = 0;
  /** How many timers have fired. */
  wakeups = 0;

  constructor(startEpochMs = Date.UTC(2025, 0, 1)) {
    this.#wall = startEpochMs;
  }

  now(): number {
    return this.#wall;
  }

  setTimer(fn: () => void, delayMs: number): TimerHandle {
    if (!(delayMs >= 0 && delayMs <= MAX_TIMER_DELAY_MS)) {
      throw new RangeError(`timer delay out of range: ${delayMs}`);
    }
    const timer: SimulatedTimer = { id: this.#nextId++, due: this.#elapsed + delayMs, fn };
    this.#timers.set(timer.id, timer);
    this.timersArmed++;
    return timer.id as unknown as TimerHandle;
  }

  clearTimer(handle: TimerHandle): void {
    this.#timers.delete(handle as unknown as number);
  }

  /** Timers armed and neither fired nor cleared. */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** Milliseconds until the next pending timer fires, if any. */
  nextTimerIn(): number | undefined {
    const next = this.#next();
    return next === undefined ? undefined : next.due - this.#elapsed;
  }

  /** Lets `ms` pass, firing each timer that falls due, in order, with the clock at its due time. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`cannot advance by ${ms}`);
    const end = this.#elapsed + ms;
    let fired = 0;
    for (let next = this.#next(); next && next.due <= end; next = this.#next()) {
      // A timer that keeps re-arming itself with no delay would otherwise hang the test.
      if (++fired > MAX_FIRINGS_PER_ADVANCE)
        throw new Error('timers keep firing without time passing');
      this.#wall += next.due - this.#elapsed;
      this.#elapsed = next.due;
      this.#timers.delete(next.id);
      this.wakeups++;
      next.fn();
    }
    this.#wall += end - this.#elapsed;
    this.#elapsed = end;
  }

  /** Sets the wall clock alone; pending timers keep counting elapsed time and do not fire. */
  set(epochMs: number): void {
    this.#wall = epochMs;
  }

  #next(): SimulatedTimer | undefined {
    let next: SimulatedTimer | undefined;
    for (const timer of this.#timers.values()) {
      if (!next || timer.due < next.due || (timer.due === next.due && timer.id < next.id)) {
        next = timer;
      }
    }
    return next;
  }
}

/**
 * Lets simulated time pass for `work`, which runs on `clock`: each time the code has armed a timer
 * due within `stepMs`, time jumps to it, until `work` settles (its retry delays and polling
 * intervals cost no real time). A timer further off (a sign-in's overall timeout) is never reached.
 * Fails, naming what it was doing, if `work` has not settled after `timeoutMs` of real time.
 */
export async function settleOnClock<T>(
  clock: ManualClock,
  work: Promise<T>,
  { stepMs, timeoutMs = 30_000 }: { stepMs: number; timeoutMs?: number },
): Promise<T> {
  let settled = false;
  const done = work.finally(() => (settled = true));
  done.catch(() => undefined);
  await waitFor(
    `the work on the manual clock to settle (now at +${clock.nextTimerIn() ?? 'no'} ms timer)`,
    () => {
      if (settled) return true;
      const next = clock.nextTimerIn();
      if (next !== undefined && next <= stepMs) clock.advance(next);
      return false;
    },
    { timeoutMs, intervalMs: 5 },
  );
  return done;
}

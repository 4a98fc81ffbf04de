/**
 * Time, behind an interface, so the refresh scheduler can be driven by a simulated clock in tests
 * and by the real one everywhere else (Node, Electron main, or a browser).
 */

declare const timerHandleBrand: unique symbol;

/** Opaque: only the {@link Clock} that returned it can make sense of it. */
export interface TimerHandle {
  readonly [timerHandleBrand]: true;
}

export interface TimerOptions {
  /**
   * Someone awaits this timer, so it must keep a Node process alive until it fires (a device
   * sign-in's next poll, a retry's delay). Background timers, the default, never hold a process.
   */
  keepAlive?: boolean;
}

export interface Clock {
  /** Wall-clock time in epoch milliseconds, the scale token expiries are written in. */
  now(): number;
  /**
   * Calls `fn` once, no sooner than `delayMs` from now and never synchronously. `delayMs` should be
   * within [0, {@link MAX_TIMER_DELAY_MS}]; a caller that needs longer arms an intermediate wakeup.
   */
  setTimer(fn: () => void, delayMs: number, options?: TimerOptions): TimerHandle;
  /** Cancels a timer that has not fired yet. Clearing a fired or cleared timer does nothing. */
  clearTimer(handle: TimerHandle): void;
}

/**
 * The longest delay a JavaScript timer holds: it is stored as a signed 32-bit integer. Node fires a
 * longer timeout after 1 ms (with a warning) and browsers fire it at once, so longer waits must be
 * split into several timers (about 24.8 days each).
 */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** Brings a delay into the range every timer implementation honours. NaN and negatives mean now. */
export function clampTimerDelay(delayMs: number): number {
  if (!(delayMs > 0)) return 0;
  return Math.min(delayMs, MAX_TIMER_DELAY_MS);
}

/** The real clock: `Date.now` and the global timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(fn, delayMs, options) {
    const handle: unknown = setTimeout(fn, clampTimerDelay(delayMs));
    // A pending refresh must not keep a CLI process alive after its work is done. Node's handle
    // has unref(); a browser's is a number, which has no such property.
    if (options?.keepAlive !== true) (handle as { unref?: () => void }).unref?.();
    return handle as TimerHandle;
  },
  clearTimer(handle) {
    clearTimeout(handle as unknown as Parameters<typeof clearTimeout>[0]);
  },
};

/**
 * Waits `delayMs` on `clock`, keeping the process alive meanwhile; rejects with the signal's reason
 * as soon as `signal` aborts. Code that waits does it through here, so tests drive it with a
 * manual clock instead of sleeping.
 */
export function sleep(clock: Clock, delayMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) return reject(signal.reason as Error);
    const onAbort = () => {
      clock.clearTimer(timer);
      reject(signal?.reason as Error);
    };
    const timer = clock.setTimer(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      clampTimerDelay(delayMs),
      { keepAlive: true },
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

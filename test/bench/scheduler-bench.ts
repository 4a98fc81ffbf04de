import { systemClock } from '../../main/common/clock.js';
import type { Clock, TimerHandle } from '../../main/common/clock.js';
import { planRefreshAt } from '../../main/common/refresh-plan.js';
import { RefreshScheduler } from '../../main/common/refresh-scheduler.js';
import { ManualClock } from '../support/manual-clock.js';
import type { BenchResult } from './bench-result.js';

const HOUR = 60 * 60_000;
const ACCOUNTS = 10_000;
// The JIT needs a few rounds before the code it runs is the optimised code an app runs for hours.
const WARMUP_RUNS = 5;
const TIMED_RUNS = 11;

/** Wraps a clock to count the timers it has pending, which the scheduler promises is one. */
class CountingClock implements Clock {
  readonly #inner: Clock;
  readonly #pending = new Set<TimerHandle>();
  armed = 0;

  constructor(inner: Clock) {
    this.#inner = inner;
  }

  get active(): number {
    return this.#pending.size;
  }

  now(): number {
    return this.#inner.now();
  }

  setTimer(fn: () => void, delayMs: number): TimerHandle {
    this.armed++;
    const handle = this.#inner.setTimer(() => {
      this.#pending.delete(handle);
      fn();
    }, delayMs);
    this.#pending.add(handle);
    return handle;
  }

  clearTimer(handle: TimerHandle): void {
    this.#pending.delete(handle);
    this.#inner.clearTimer(handle);
  }
}

interface Token {
  key: string;
  receivedAt: number;
  expiresAt: number;
}

/** Tokens just received, each living a random time of up to an hour. */
function makeTokens(count: number): Token[] {
  const receivedAt = Date.now();
  return Array.from({ length: count }, (_, i) => ({
    key: `account-${i}`,
    receivedAt,
    expiresAt: receivedAt + 1 + Math.random() * HOUR,
  }));
}

function planAll(tokens: Token[], scheduler: RefreshScheduler): void {
  for (const { key, receivedAt, expiresAt } of tokens) {
    scheduler.schedule(key, planRefreshAt(receivedAt, expiresAt));
  }
}

function planAllIntoMap(tokens: Token[], map: Map<string, number>): void {
  for (const { key, receivedAt, expiresAt } of tokens) {
    map.set(key, planRefreshAt(receivedAt, expiresAt));
  }
}

function timeMs(run: () => void): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/**
 * Heap growth per account while `build` makes a structure of ACCOUNTS entries, key strings
 * included. Null unless node runs with --expose-gc.
 */
function heapBytesPerAccount(build: () => unknown): number | null {
  const gc = globalThis.gc;
  if (!gc) return null;
  gc();
  const before = process.memoryUsage().heapUsed;
  const built = build();
  gc();
  const after = process.memoryUsage().heapUsed;
  // Touch `built` after the second gc, so the structure is still alive when measured.
  if (built === undefined) throw new Error('build returned nothing to measure');
  return Math.round((after - before) / ACCOUNTS);
}

function benchScheduler10k(): BenchResult {
  const tokens = makeTokens(ACCOUNTS);
  const onDue = () => {};
  const schedulerTimes: number[] = [];
  const mapTimes: number[] = [];
  let coldMs = Number.NaN;
  let activeTimers = -1;
  let timersArmed = -1;
  for (let round = 0; round < WARMUP_RUNS + TIMED_RUNS; round++) {
    const clock = new CountingClock(systemClock);
    const scheduler = new RefreshScheduler({ clock, onDue });
    const schedulerMs = timeMs(() => planAll(tokens, scheduler));
    activeTimers = clock.active;
    timersArmed = clock.armed;
    scheduler.dispose();
    if (clock.active !== 0) throw new Error('dispose left a timer armed');
    const mapMs = timeMs(() => planAllIntoMap(tokens, new Map()));
    if (round === 0) coldMs = schedulerMs;
    if (round >= WARMUP_RUNS) {
      schedulerTimes.push(schedulerMs);
      mapTimes.push(mapMs);
    }
  }

  // The key strings are made inside the measurement, as an account's name would be.
  const heapBytes = heapBytesPerAccount(() => {
    const scheduler = new RefreshScheduler({ clock: systemClock, onDue });
    const now = Date.now();
    for (let i = 0; i < ACCOUNTS; i++) {
      scheduler.schedule(`account-${i}`, planRefreshAt(now, now + 1 + Math.random() * HOUR));
    }
    return scheduler;
  });
  const mapHeapBytes = heapBytesPerAccount(() => {
    const map = new Map<string, number>();
    const now = Date.now();
    for (let i = 0; i < ACCOUNTS; i++) {
      map.set(`account-${i}`, planRefreshAt(now, now + 1 + Math.random() * HOUR));
    }
    return map;
  });

  const value = median(schedulerTimes);
  const baseline = median(mapTimes);
  return {
    name: 'scheduler_10k',
    value: round2(value),
    unit: 'ms',
    accounts: ACCOUNTS,
    runs: TIMED_RUNS,
    cold_ms: round2(coldMs),
    baseline: round2(baseline),
    ratio: round2(value / baseline),
    active_timers: activeTimers,
    timers_armed: timersArmed,
    heap_bytes_per_account: heapBytes,
    baseline_heap_bytes_per_account: mapHeapBytes,
    ...(heapBytes === null ? { note: 'heap figures need node --expose-gc' } : {}),
  };
}

function benchIdleWakeups24h(): BenchResult {
  const clock = new ManualClock();
  let refreshes = 0;
  const scheduler: RefreshScheduler = new RefreshScheduler({
    clock,
    onDue: (key) => {
      // A successful refresh: the new token lives an hour from now.
      refreshes++;
      const now = clock.now();
      scheduler.schedule(key, planRefreshAt(now, now + HOUR));
    },
  });
  const start = clock.now();
  for (let i = 0; i < 100; i++) {
    // Staggered: each current token arrived at a random moment before its first refresh is due.
    const receivedAt = start - Math.random() * 0.8 * HOUR;
    scheduler.schedule(`account-${i}`, planRefreshAt(receivedAt, receivedAt + HOUR));
  }
  clock.advance(24 * HOUR);
  scheduler.dispose();
  return {
    name: 'idle_wakeups_24h',
    value: round2(clock.wakeups / refreshes),
    unit: 'wakeups/refresh',
    accounts: 100,
    wakeups: clock.wakeups,
    refreshes,
    timers_armed: clock.timersArmed,
  };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** The scheduler's benchmarks; run with `node --expose-gc` for the heap figures. */
export async function runSchedulerBenches(): Promise<BenchResult[]> {
  return [benchScheduler10k(), benchIdleWakeups24h()];
}

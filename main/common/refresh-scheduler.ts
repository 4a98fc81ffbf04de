import { clampTimerDelay } from './clock.js';
import type { Clock, TimerHandle } from './clock.js';
import { formatError } from './redact.js';

export interface RefreshSchedulerOptions {
  clock: Clock;
  /** Called when `key` is due. The key is no longer scheduled by then; schedule it again here. */
  onDue: (key: string) => void;
  /** Also run entries due within this many ms of a wakeup, so near neighbours share it. Default 1 s. */
  coalesceMs?: number;
  /** Receives what `onDue` threw. Default: console.error through the redacting formatter. */
  onError?: (error: unknown, key: string) => void;
}

interface Entry {
  readonly key: string;
  /** Epoch ms, wall clock. */
  at: number;
  /** Insertion order, so entries due at the same time run first come, first served. */
  seq: number;
  /** Index in the heap, or -1 once taken out of it. */
  pos: number;
}

const DEFAULT_COALESCE_MS = 1_000;

/**
 * Runs `onDue(key)` when each key's time comes, for any number of keys, with one timer and no
 * polling: a binary min-heap by due time, plus a map from key to heap entry so that rescheduling
 * or removing one account is O(log n). The timer is armed for the earliest entry only, and only
 * re-armed when that earliest time changes.
 *
 * Times are wall-clock epoch ms, because token expiries are. Timers, though, count elapsed time,
 * and stop counting while the machine sleeps: after resume, or after the wall clock jumps, call
 * {@link replan} so that whatever fell due meanwhile runs now.
 */
export class RefreshScheduler {
  readonly #clock: Clock;
  readonly #onDue: (key: string) => void;
  readonly #onError: (error: unknown, key: string) => void;
  readonly #coalesceMs: number;
  readonly #heap: Entry[] = [];
  readonly #byKey = new Map<string, Entry>();
  #seq = 0;
  #timer: TimerHandle | undefined;
  /** The due time the armed timer serves, to tell whether a change moved the earliest entry. */
  #armedFor: number | undefined;
  /** Bumped on every arm, so a timer that was cleared but still fires is recognised as stale. */
  #timerGeneration = 0;
  #running = false;
  #disposed = false;

  constructor({ clock, onDue, coalesceMs, onError }: RefreshSchedulerOptions) {
    this.#clock = clock;
    this.#onDue = onDue;
    this.#coalesceMs = Math.max(0, coalesceMs ?? DEFAULT_COALESCE_MS);
    // Never the raw error: its cause can hold a response body, tokens included.
    this.#onError =
      onError ?? ((error, key) => console.error(`refresh of ${key} failed: ${formatError(error)}`));
  }

  get size(): number {
    return this.#byKey.size;
  }

  has(key: string): boolean {
    return this.#byKey.has(key);
  }

  dueAt(key: string): number | undefined {
    return this.#byKey.get(key)?.at;
  }

  /** Runs `onDue(key)` at `atMs` (epoch ms), replacing any earlier schedule for `key`. */
  schedule(key: string, atMs: number): void {
    if (!Number.isFinite(atMs)) throw new RangeError(`schedule(${key}): not a time: ${atMs}`);
    // Late completions of in-flight refreshes may arrive after shutdown; they have nothing to do.
    if (this.#disposed) return;
    const existing = this.#byKey.get(key);
    if (existing && existing.pos >= 0) {
      existing.at = atMs;
      existing.seq = this.#seq++;
      this.#place(existing, existing.pos);
    } else {
      // Also when `existing` is taken out for the running batch: that batch must see it replaced.
      const entry: Entry = { key, at: atMs, seq: this.#seq++, pos: -1 };
      this.#byKey.set(key, entry);
      this.#place(entry, this.#heap.length);
    }
    this.#arm();
  }

  unschedule(key: string): void {
    const entry = this.#byKey.get(key);
    if (!entry) return;
    this.#byKey.delete(key);
    if (entry.pos >= 0) this.#removeAt(entry.pos);
    this.#arm();
  }

  /**
   * Re-arms the timer from the clock's current time. Call it after resume from sleep or a wall-clock
   * change: the pending timer was counting elapsed time, not the wall clock. Entries already due
   * run on the next turn of the event loop.
   */
  replan(): void {
    this.#clearTimer();
    this.#arm();
  }

  /** Forgets every entry and stops the timer. Later calls to schedule do nothing. */
  dispose(): void {
    this.#disposed = true;
    this.#clearTimer();
    this.#heap.length = 0;
    this.#byKey.clear();
  }

  #arm(): void {
    if (this.#running || this.#disposed) return;
    const first = this.#heap[0];
    if (!first) {
      this.#clearTimer();
      return;
    }
    if (this.#timer !== undefined && this.#armedFor === first.at) return;
    this.#clearTimer();
    // Past the timer limit this is an intermediate wakeup, which finds nothing due and re-arms.
    const delay = clampTimerDelay(first.at - this.#clock.now());
    const generation = ++this.#timerGeneration;
    this.#armedFor = first.at;
    this.#timer = this.#clock.setTimer(() => this.#wake(generation), delay);
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) this.#clock.clearTimer(this.#timer);
    this.#timer = undefined;
    this.#armedFor = undefined;
  }

  #wake(generation: number): void {
    if (generation !== this.#timerGeneration || this.#disposed) return;
    this.#timer = undefined;
    this.#armedFor = undefined;
    const horizon = this.#clock.now() + this.#coalesceMs;
    // Take the whole due batch out first: an entry that onDue schedules again waits for the next
    // wakeup, so a handler that keeps rescheduling at "now" cannot spin this loop forever.
    const batch: Entry[] = [];
    for (let first = this.#heap[0]; first && first.at <= horizon; first = this.#heap[0]) {
      this.#removeAt(0);
      batch.push(first);
    }
    // onDue may schedule; arming waits until the batch is done, then happens once.
    this.#running = true;
    for (const entry of batch) {
      // Skip entries that an earlier onDue in this batch unscheduled or rescheduled.
      if (this.#byKey.get(entry.key) !== entry) continue;
      this.#byKey.delete(entry.key);
      try {
        this.#onDue(entry.key);
      } catch (error) {
        this.#report(error, entry.key);
      }
    }
    this.#running = false;
    this.#arm();
  }

  #report(error: unknown, key: string): void {
    try {
      this.#onError(error, key);
    } catch {
      // A failing error handler must not cost the rest of the batch its refresh.
    }
  }

  #removeAt(pos: number): void {
    const removed = this.#heap[pos];
    const last = this.#heap.pop();
    if (removed) removed.pos = -1;
    if (last && last !== removed) this.#place(last, pos);
  }

  /** Puts `entry` at `pos`, or above or below it, wherever the heap is ordered again. */
  #place(entry: Entry, pos: number): void {
    let to = this.#holeAbove(entry, pos);
    if (to === pos) to = this.#holeBelow(entry, pos);
    this.#heap[to] = entry;
    entry.pos = to;
  }

  /** Moves parents down into the hole at `pos` while `entry` precedes them; returns the hole. */
  #holeAbove(entry: Entry, pos: number): number {
    while (pos > 0) {
      const parentPos = (pos - 1) >> 1;
      const parent = this.#heap[parentPos];
      if (!parent || !precedes(entry, parent)) break;
      this.#heap[pos] = parent;
      parent.pos = pos;
      pos = parentPos;
    }
    return pos;
  }

  /** Moves children up into the hole at `pos` while they precede `entry`; returns the hole. */
  #holeBelow(entry: Entry, pos: number): number {
    for (;;) {
      let childPos = 2 * pos + 1;
      let child = this.#heap[childPos];
      const right = this.#heap[childPos + 1];
      if (child && right && precedes(right, child)) {
        child = right;
        childPos++;
      }
      if (!child || !precedes(child, entry)) return pos;
      this.#heap[pos] = child;
      child.pos = pos;
      pos = childPos;
    }
  }
}

function precedes(a: Entry, b: Entry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

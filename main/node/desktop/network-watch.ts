import type { Clock, TimerHandle } from '../../common/clock.js';

/** Every 10 s: a check of the OS's connectivity flag costs microseconds, and 10 s is soon enough. */
export const NETWORK_POLL_MS = 10_000;

/**
 * Tells when the network comes back. Electron's main process has `net.isOnline()` but no event for
 * it (the 'online' event lives in renderers, and a tray app usually has no window open), so this
 * polls and reports each offline → online transition.
 */
export class NetworkWatch {
  #online: boolean;
  #timer: TimerHandle | undefined;
  #stopped = false;

  constructor(
    private readonly isOnline: () => boolean,
    private readonly clock: Clock,
    private readonly onBackOnline: () => void,
    private readonly pollMs = NETWORK_POLL_MS,
  ) {
    this.#online = isOnline();
  }

  start(): void {
    if (this.#timer === undefined && !this.#stopped) this.#arm();
  }

  /** Checks now (after resume, say) instead of waiting for the next poll. */
  check(): void {
    const online = this.isOnline();
    const cameBack = online && !this.#online;
    this.#online = online;
    if (cameBack) this.onBackOnline();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) this.clock.clearTimer(this.#timer);
    this.#timer = undefined;
  }

  #arm(): void {
    this.#timer = this.clock.setTimer(() => {
      this.#timer = undefined;
      if (this.#stopped) return;
      this.check();
      this.#arm();
    }, this.pollMs);
  }
}

import type { Clock, TimerHandle } from '../../common/clock.js';

/** macOS's Dock icon as Electron offers it (app.dock); absent on other systems. */
export interface DockPort {
  show(): unknown;
  hide(): void;
}

/**
 * macOS ignores `dock.hide()` within about a second of the previous Dock call (Electron's docs:
 * "Calling dock.hide() within one second of a previous call will have no effect"), and the icon
 * then sticks until the next window closes. Electron suggests waiting 1.1 s; a little more is safe.
 */
export const DOCK_SETTLE_MS = 1_200;

/**
 * The Dock icon of a menu-bar app: shown while one of its windows is open, hidden otherwise.
 * A hide that comes too soon after the last call is deferred until it would take effect; a show
 * in the meantime cancels it, so the last wish always wins.
 */
export class DockVisibility {
  #lastCallAt = Number.NEGATIVE_INFINITY;
  #pendingHide: TimerHandle | undefined;

  constructor(
    private readonly dock: DockPort | undefined,
    private readonly clock: Clock,
  ) {}

  show(): void {
    if (this.dock === undefined) return;
    this.#cancelHide();
    this.#lastCallAt = this.clock.now();
    void this.dock.show();
  }

  hide(): void {
    if (this.dock === undefined) return;
    this.#cancelHide();
    const wait = this.#lastCallAt + DOCK_SETTLE_MS - this.clock.now();
    if (wait <= 0) return this.#hideNow();
    this.#pendingHide = this.clock.setTimer(() => {
      this.#pendingHide = undefined;
      this.#hideNow();
    }, wait);
  }

  /** True while a hide waits for the Dock to settle. */
  get hidePending(): boolean {
    return this.#pendingHide !== undefined;
  }

  dispose(): void {
    this.#cancelHide();
  }

  #hideNow(): void {
    this.#lastCallAt = this.clock.now();
    this.dock?.hide();
  }

  #cancelHide(): void {
    if (this.#pendingHide !== undefined) this.clock.clearTimer(this.#pendingHide);
    this.#pendingHide = undefined;
  }
}

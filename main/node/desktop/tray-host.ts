import type { Clock, TimerHandle } from '../../common/clock.js';

/**
 * Linux's tray race at login. Electron's tray is a StatusNotifierItem where a host has registered
 * the watcher, and otherwise a GtkStatusIcon, which modern desktops never show. An app started at
 * login can win the race against the panel: it then creates an invisible icon and keeps it.
 * So the app waits a little for the host before creating its tray, and creates the tray again
 * when a host turns up later (the panel started late, or GNOME Shell restarted).
 */

/** How long startup waits for a host; the app opens its window if none came. */
export const TRAY_HOST_WAIT_MS = 5_000;
/** How often startup asks while it waits. */
export const TRAY_HOST_POLL_MS = 250;
/** How often the running app looks for a host coming or going; each look is one D-Bus call. */
export const TRAY_HOST_WATCH_MS = 15_000;

/** Whether a host is registered now; undefined when the bus could not be asked. */
export type HostProbe = () => Promise<boolean | undefined>;

/** Asks until a host answers or `limitMs` passes; true when one did. */
export async function waitForTrayHost(
  probe: HostProbe,
  clock: Clock,
  limitMs = TRAY_HOST_WAIT_MS,
  pollMs = TRAY_HOST_POLL_MS,
): Promise<boolean> {
  const deadline = clock.now() + limitMs;
  for (;;) {
    if ((await probe()) === true) return true;
    const left = deadline - clock.now();
    if (left <= 0) return false;
    await new Promise<void>((resolve) => clock.setTimer(resolve, Math.min(pollMs, left)));
  }
}

export interface TrayHostWatchDeps {
  probe: HostProbe;
  clock: Clock;
  /** A host is there now, and was not at the last look: create the tray again. */
  onHostAppeared(): void;
  /** The host went away (the panel crashed or was turned off): the window is the app now. */
  onHostLost(): void;
  everyMs?: number;
}

/** Keeps looking for the host while the app runs, and says when it comes or goes. */
export class TrayHostWatch {
  #present: boolean;
  #timer: TimerHandle | undefined;
  #stopped = false;
  #looking: Promise<void> | undefined;

  constructor(
    private readonly deps: TrayHostWatchDeps,
    presentAtStart: boolean,
  ) {
    this.#present = presentAtStart;
  }

  get hostPresent(): boolean {
    return this.#present;
  }

  start(): void {
    this.#arm();
  }

  /** One look now; resolves when it is done (tests, and a resume from sleep). */
  look(): Promise<void> {
    this.#looking ??= this.#look().finally(() => (this.#looking = undefined));
    return this.#looking;
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) this.deps.clock.clearTimer(this.#timer);
    this.#timer = undefined;
  }

  async #look(): Promise<void> {
    const answer = await this.deps.probe();
    // No answer from the bus is no news: keep what we knew.
    if (this.#stopped || answer === undefined || answer === this.#present) return;
    this.#present = answer;
    if (answer) this.deps.onHostAppeared();
    else this.deps.onHostLost();
  }

  #arm(): void {
    if (this.#stopped) return;
    this.#timer = this.deps.clock.setTimer(() => {
      this.#timer = undefined;
      void this.look().finally(() => this.#arm());
    }, this.deps.everyMs ?? TRAY_HOST_WATCH_MS);
  }
}

import type { Clock } from '../../common/clock.js';

/** A brief system notification: Electron's Notification in the app, a fake in tests. */
export interface ToastPort {
  /** Shows `title`/`body`, replacing the toast this port showed before, if still up. */
  show(title: string, body: string): void;
}

/** At most one "Copied" toast in this long: a script or an eager user clicking must not storm. */
export const COPY_TOAST_GAP_MS = 10_000;

/**
 * "Copied" where the tray cannot say it (Linux: GNOME's AppIndicator shows no tooltip, and
 * setTitle is macOS's): one quiet toast, and no more than one per {@link COPY_TOAST_GAP_MS}.
 * Copies in between are not announced; the one on screen already said it.
 */
export class CopyFeedback {
  #lastShownAt = Number.NEGATIVE_INFINITY;
  /** Copies that went unannounced, for the log and the tests. */
  suppressed = 0;

  constructor(
    private readonly toast: ToastPort,
    private readonly clock: Clock,
    private readonly clearsInSeconds: () => number,
  ) {}

  copied(accountLabel: string): boolean {
    const now = this.clock.now();
    if (now - this.#lastShownAt < COPY_TOAST_GAP_MS) {
      this.suppressed++;
      return false;
    }
    this.#lastShownAt = now;
    const seconds = this.clearsInSeconds();
    this.toast.show(
      `Copied ${accountLabel}`,
      seconds > 0
        ? `The token leaves the clipboard in ${seconds} s.`
        : 'The token is on the clipboard.',
    );
    return true;
  }
}

/** Where the tray itself cannot confirm a copy. */
export function needsCopyToast(platform: NodeJS.Platform): boolean {
  return platform === 'linux';
}

import type { Clock, TimerHandle } from '../../common/clock.js';
import { asTokenTrayError, type TokenTrayError } from '../../common/errors.js';
import type { TrayMenuItem } from './tray-menu.js';
import type { TrayState } from './tray-state.js';

/**
 * Retries of a blocked start: soon at first (an unlock prompt the user is answering), then once a
 * minute. Unlocking the screen, waking, or opening the window also tries at once.
 */
export const STARTUP_RETRY_MS: readonly number[] = [2_000, 5_000, 15_000, 30_000, 60_000];

export type StartupState =
  | { kind: 'starting' }
  | { kind: 'running' }
  /** The first read of the accounts failed (a keychain that is missing, locked or refused). */
  | { kind: 'blocked'; error: TokenTrayError; attempts: number }
  | { kind: 'stopped' };

export interface StartupRecoveryDeps {
  /** What startup reads from the keychain: the tray's first look at every account. */
  load(): Promise<void>;
  clock: Clock;
  /** The start failed: say so (tray, window). Called on each failure: `attempts` counts them. */
  onBlocked(error: TokenTrayError, attempts: number): void;
  /** A retry got through: everything works now, without a restart. */
  onRecovered(): void;
  retryDelaysMs?: readonly number[];
}

/**
 * The desktop app's start, which must never die of the keychain: no Secret Service, a missing
 * libsecret, a dismissed unlock prompt, "Deny" on a macOS keychain prompt. The tray exists before
 * this runs; when the first read fails the app stays up in the attention state, explains, and
 * tries again until the keychain answers.
 */
export class StartupRecovery {
  #state: StartupState = { kind: 'starting' };
  #timer: TimerHandle | undefined;
  #attempt: Promise<void> | undefined;
  readonly #deps: StartupRecoveryDeps;

  constructor(deps: StartupRecoveryDeps) {
    this.#deps = deps;
  }

  get state(): StartupState {
    return this.#state;
  }

  /** The first attempt. Resolves either way; never rejects. */
  begin(): Promise<void> {
    return this.#try();
  }

  /** Tries again now if the start is blocked (screen unlocked, machine woke, window opened). */
  retryNow(): Promise<void> {
    if (this.#state.kind !== 'blocked') return Promise.resolve();
    return this.#try();
  }

  /** Resolves when the attempt under way, if any, has finished. */
  settled(): Promise<void> {
    return this.#attempt ?? Promise.resolve();
  }

  dispose(): void {
    this.#cancelTimer();
    this.#state = { kind: 'stopped' };
  }

  #try(): Promise<void> {
    this.#attempt ??= this.#load().finally(() => (this.#attempt = undefined));
    return this.#attempt;
  }

  async #load(): Promise<void> {
    this.#cancelTimer();
    const wasBlocked = this.#state.kind === 'blocked';
    try {
      await this.#deps.load();
    } catch (err) {
      if (this.#state.kind === 'stopped') return;
      const attempts = this.#state.kind === 'blocked' ? this.#state.attempts + 1 : 1;
      const error = asTokenTrayError(err);
      this.#state = { kind: 'blocked', error, attempts };
      this.#deps.onBlocked(error, attempts);
      const delays = this.#deps.retryDelaysMs ?? STARTUP_RETRY_MS;
      const delay = delays[Math.min(attempts - 1, delays.length - 1)] ?? 60_000;
      this.#timer = this.#deps.clock.setTimer(() => {
        this.#timer = undefined;
        void this.#try();
      }, delay);
      return;
    }
    if (this.#state.kind === 'stopped') return;
    this.#state = { kind: 'running' };
    if (wasBlocked) this.#deps.onRecovered();
  }

  #cancelTimer(): void {
    if (this.#timer !== undefined) this.#deps.clock.clearTimer(this.#timer);
    this.#timer = undefined;
  }
}

/** What the tray shows while the start is blocked: attention, the reason, and the way out. */
export function blockedTrayView(error: TokenTrayError): {
  state: TrayState;
  toolTip: string;
  menu: TrayMenuItem[];
} {
  const keychain = error.code === 'keychain_unavailable' || error.code === 'keychain_write_failed';
  return {
    state: 'attention',
    toolTip: keychain
      ? 'TokenTray: the keychain is not available; open TokenTray for what to do'
      : 'TokenTray: could not start; open TokenTray for details',
    menu: [
      { type: 'item', label: 'Open TokenTray', enabled: true, action: { kind: 'open-accounts' } },
      { type: 'separator' },
      { type: 'item', label: 'Quit', enabled: true, action: { kind: 'quit' } },
    ],
  };
}

import { watch, type FSWatcher } from 'node:fs';
import { systemClock, type Clock, type TimerHandle } from '../../common/clock.js';
import { SETTINGS_FILE } from '../paths.js';

/** Writes come in bursts (conf writes a temporary file, then renames it over the real one). */
const DEBOUNCE_MS = 250;

/**
 * Tells when the settings file changes, whoever changed it: the CLI adding or removing an account
 * while the app runs, or the app itself. It watches the folder, not the file, because the file is
 * replaced by a rename on every write and a watch on it would follow the old one.
 */
export class SettingsWatch {
  #watcher: FSWatcher | undefined;
  #timer: TimerHandle | undefined;

  constructor(
    private readonly dataDir: string,
    private readonly onChange: () => void,
    private readonly debounceMs = DEBOUNCE_MS,
    private readonly clock: Clock = systemClock,
  ) {}

  start(): void {
    if (this.#watcher !== undefined) return;
    this.#watcher = watch(this.dataDir, { persistent: false }, (_event, filename) => {
      // Some platforms do not say which file changed; then any change may be ours.
      if (filename !== null && filename !== SETTINGS_FILE) return;
      if (this.#timer !== undefined) this.clock.clearTimer(this.#timer);
      this.#timer = this.clock.setTimer(() => {
        this.#timer = undefined;
        this.onChange();
      }, this.debounceMs);
    });
    // A folder that disappears (the user deleted it) ends the watch; the app still works.
    this.#watcher.on('error', () => this.stop());
  }

  stop(): void {
    this.#watcher?.close();
    this.#watcher = undefined;
    if (this.#timer !== undefined) this.clock.clearTimer(this.#timer);
    this.#timer = undefined;
  }
}

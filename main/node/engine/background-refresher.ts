import { retryDelayMs } from '../../common/backoff.js';
import { asTokenTrayError } from '../../common/errors.js';
import { RefreshScheduler } from '../../common/refresh-scheduler.js';
import { engineParts, type TokenEngine } from './token-engine.js';

/** Transient failures in the background back off from 5 s up to 5 min, with full jitter. */
const BACKGROUND_BACKOFF = { baseMs: 5_000, capMs: 5 * 60_000 };

/**
 * Refreshes every account before its token expires (RFC 6749 §6), on one timer for all of them.
 * A transient failure is retried with backoff while the current token keeps being served; a dead
 * grant (sign-in required) stops the account's schedule until it is added again. When to refresh
 * is the engine's rule ({@link TokenEngine.refreshPoint}); planning reads no secret.
 */
export class BackgroundRefresher {
  private readonly scheduler: RefreshScheduler;

  constructor(private readonly engine: TokenEngine) {
    this.scheduler = new RefreshScheduler({
      clock: engineParts(engine).clock,
      onDue: (name) => void this.run(name),
    });
  }

  /** Plans every account from what is known of its token. */
  async start(): Promise<void> {
    for (const name of this.engine.accountNames()) await this.plan(name);
  }

  /** (Re)plans one account, for example after it was added or signed in again. */
  async plan(name: string): Promise<void> {
    const at = this.engine.refreshPoint(name);
    if (at === undefined) this.scheduler.unschedule(name);
    else this.scheduler.schedule(name, at);
  }

  /**
   * After sleep, unlock, a network change or a wall-clock jump: re-arm from the wall clock, so a
   * token whose refresh time passed meanwhile is refreshed at once.
   */
  replan(): void {
    this.scheduler.replan();
  }

  forget(name: string): void {
    this.scheduler.unschedule(name);
    this.engine.failures(name, 'succeeded');
  }

  stop(): void {
    this.scheduler.dispose();
  }

  /** When the next refresh of `name` is planned, in epoch ms. */
  dueAt(name: string): number | undefined {
    return this.scheduler.dueAt(name);
  }

  private async run(name: string): Promise<void> {
    try {
      const record = await this.engine.refreshIfDue(name, (r, now) => {
        const at = r === undefined ? undefined : this.engine.refreshPoint(name, r);
        return at === undefined || now >= at;
      });
      this.engine.failures(name, 'succeeded');
      const next = this.engine.refreshPoint(name, record);
      if (next === undefined) this.scheduler.unschedule(name);
      else this.scheduler.schedule(name, next);
    } catch (err) {
      const error = asTokenTrayError(err);
      if (error.code === 'sign_in_required' || error.code === 'no_such_account') {
        this.forget(name);
        return;
      }
      if (error.code === 'keychain_write_failed' && (await this.engine.retryUnsaved(name))) {
        this.engine.failures(name, 'succeeded');
      }
      const attempt = this.engine.failures(name);
      this.engine.failures(name, 'failed');
      this.scheduler.schedule(
        name,
        engineParts(this.engine).clock.now() +
          retryDelayMs(attempt, error.retryAfterMs, BACKGROUND_BACKOFF),
      );
    }
  }
}

import type { AccessTokenRecord } from '../../common/account.js';
import { retryDelayMs } from '../../common/backoff.js';
import { asTokenTrayError } from '../../common/errors.js';
import { planRefreshAt } from '../../common/refresh-plan.js';
import { RefreshScheduler } from '../../common/refresh-scheduler.js';
import type { TokenEngine } from './token-engine.js';

/** Transient failures in the background back off from 5 s up to 5 min, with full jitter. */
const BACKGROUND_BACKOFF = { baseMs: 5_000, capMs: 5 * 60_000 };

/**
 * Refreshes every account before its token expires (RFC 6749 §6), on one timer for all of them.
 * A transient failure is retried with backoff while the current token keeps being served; a dead
 * grant (sign-in required) stops the account's schedule until it is added again.
 */
export class BackgroundRefresher {
  private readonly scheduler: RefreshScheduler;
  private readonly failures = new Map<string, number>();

  constructor(private readonly engine: TokenEngine) {
    this.scheduler = new RefreshScheduler({
      clock: engine.clock,
      onDue: (name) => void this.run(name),
    });
  }

  /** Plans every account from what is stored. */
  async start(): Promise<void> {
    for (const account of this.engine.settings.accounts()) await this.plan(account.name);
  }

  /** (Re)plans one account, for example after it was added or signed in again. */
  async plan(name: string): Promise<void> {
    const account = this.engine.settings.account(name);
    if (account === undefined || account.signInRequired !== undefined) {
      this.scheduler.unschedule(name);
      return;
    }
    const record = await this.engine.vault.getAccessToken(name).catch(() => undefined);
    this.scheduler.schedule(
      name,
      record === undefined ? this.engine.clock.now() : this.refreshAt(record),
    );
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
    this.failures.delete(name);
  }

  stop(): void {
    this.scheduler.dispose();
  }

  /** When the next refresh of `name` is planned, in epoch ms. */
  dueAt(name: string): number | undefined {
    return this.scheduler.dueAt(name);
  }

  private refreshAt(record: AccessTokenRecord): number {
    return planRefreshAt(record.issuedAt, record.expiresAt, {
      fraction: this.engine.settings.options().refreshAtFraction,
    });
  }

  private async run(name: string): Promise<void> {
    try {
      const record = await this.engine.refreshIfDue(
        name,
        (r, now) => r === undefined || now >= this.refreshAt(r),
      );
      this.failures.delete(name);
      this.scheduler.schedule(name, this.refreshAt(record));
    } catch (err) {
      const error = asTokenTrayError(err);
      if (error.code === 'sign_in_required' || error.code === 'no_such_account') {
        this.forget(name);
        return;
      }
      if (error.code === 'keychain_write_failed' && (await this.engine.retryUnsaved(name))) {
        this.failures.delete(name);
      }
      const attempt = this.failures.get(name) ?? 0;
      this.failures.set(name, attempt + 1);
      this.scheduler.schedule(
        name,
        this.engine.clock.now() + retryDelayMs(attempt, error.retryAfterMs, BACKGROUND_BACKOFF),
      );
    }
  }
}

import type { AccessTokenRecord } from '../../common/account.js';
import type { Clock } from '../../common/clock.js';

/** A forced refresh this soon after the last one of the same account gets that one's result. */
export const FORCED_REFRESH_WINDOW_MS = 5_000;

/**
 * `tokentray refresh` asks the server for a new token even when the stored one is fresh. Any local
 * process may ask the broker, so 50 asks would make 50 refreshes, each one a request to the
 * provider and, with rotation, a new refresh token to keep. Per account, forced refreshes that
 * start within a short window of the last one share its result (its token, or its error): the
 * caller gets a token issued after it asked, or at most the window before.
 */
export class ForcedRefreshLimit {
  private readonly last = new Map<
    string,
    { startedAt: number; result: Promise<AccessTokenRecord> }
  >();

  constructor(
    private readonly clock: Pick<Clock, 'now'>,
    private readonly windowMs: number = FORCED_REFRESH_WINDOW_MS,
  ) {}

  /** `key` names one grant: the account's name and creation time. */
  run(key: string, refresh: () => Promise<AccessTokenRecord>): Promise<AccessTokenRecord> {
    const now = this.clock.now();
    const last = this.last.get(key);
    if (last !== undefined && now - last.startedAt < this.windowMs) return last.result;
    const result = refresh();
    result.catch(() => undefined); // each caller handles it; none may go unhandled
    this.last.set(key, { startedAt: now, result });
    return result;
  }
}

export interface RefreshPlanOptions {
  /** Share of the token's life after which to refresh. Default 0.8. */
  fraction?: number;
  /** Refresh at least this long before expiry, when the token lives long enough. Default 5 min. */
  leadMs?: number;
  /**
   * Refresh only close to the end: for providers whose refresh ends the access tokens handed out
   * before (see ./provider-traits.ts). Then the plan is {@link LATE_LEAD_MS} before expiry (or the
   * last tenth of a shorter life), so a token already copied loses at most those minutes.
   */
  late?: boolean;
}

export const LATE_LEAD_MS = 2 * 60_000;

const DEFAULT_FRACTION = 0.8;
const DEFAULT_LEAD_MS = 5 * 60_000;
/**
 * The lead time may not pull a refresh earlier than this share of the token's life. Without it, a
 * token living just over `leadMs` (say `expires_in: 301` against a 300 s lead) would be refreshed a
 * second after it arrived, and every token after it too: a refresh loop.
 */
const MIN_FRACTION = 0.5;

/**
 * When to refresh an access token (RFC 6749 §6, https://www.rfc-editor.org/rfc/rfc6749#section-6),
 * given when it arrived and when it expires (`expires_in`, RFC 6749 §5.1, from `receivedAt`).
 *
 * Refresh before expiry, not at it: a request made with a token in its last seconds can still
 * arrive after it expired, and an early refresh leaves time to retry through a network error or an
 * authorization server that is briefly down, while the current token still works.
 *
 * The plan is 80% of the token's life or 5 minutes before it ends, whichever comes first, but not
 * before half its life has passed. A token living no longer than the lead time is refreshed at the
 * 80% point. A token that has already expired, or has no valid expiry, is refreshed at once
 * (`receivedAt`). All times are epoch milliseconds.
 */
export function planRefreshAt(
  receivedAt: number,
  expiresAt: number,
  opts: RefreshPlanOptions = {},
): number {
  const fraction = opts.fraction ?? DEFAULT_FRACTION;
  const leadMs = opts.leadMs ?? DEFAULT_LEAD_MS;
  if (!(fraction > 0 && fraction <= 1))
    throw new RangeError(`fraction must be in (0, 1]: ${fraction}`);
  if (!(leadMs >= 0 && Number.isFinite(leadMs)))
    throw new RangeError(`leadMs must be >= 0: ${leadMs}`);

  const lifeMs = expiresAt - receivedAt;
  if (!(lifeMs > 0)) return receivedAt;
  if (opts.late === true) return expiresAt - Math.min(LATE_LEAD_MS, lifeMs * 0.1);

  const atFraction = receivedAt + lifeMs * fraction;
  if (lifeMs <= leadMs) return atFraction;

  const beforeEnd = expiresAt - leadMs;
  const notBefore = receivedAt + lifeMs * Math.min(fraction, MIN_FRACTION);
  return Math.max(notBefore, Math.min(atFraction, beforeEnd));
}

/**
 * How long to wait before retrying a refresh that failed for a transient reason: exponential
 * backoff with full jitter, unless the server said when to come back (Retry-After).
 */

export interface BackoffOptions {
  /** The ceiling of the first retry's delay. Default 1 s. */
  baseMs?: number;
  /** The largest ceiling the exponential growth reaches. Default 5 min. */
  capMs?: number;
  /** Uniform in [0, 1). Default Math.random; tests pass a fixed one. */
  random?: () => number;
}

export interface RetryDelayOptions extends BackoffOptions {
  /** The longest Retry-After honoured in full. Default 1 h. */
  maxRetryAfterMs?: number;
}

const DEFAULT_BASE_MS = 1_000;
const DEFAULT_CAP_MS = 5 * 60_000;
const DEFAULT_MAX_RETRY_AFTER_MS = 60 * 60_000;

/**
 * Full jitter: a uniform delay in [0, min(cap, base * 2^attempt)). Spreading retries over the
 * whole window keeps many clients that failed together (a server restart, a network drop) from
 * retrying together. See "Exponential Backoff and Jitter", AWS Architecture Blog,
 * https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 *
 * `attempt` counts retries from 0.
 */
export function backoffDelayMs(attempt: number, opts: BackoffOptions = {}): number {
  const baseMs = opts.baseMs ?? DEFAULT_BASE_MS;
  const capMs = opts.capMs ?? DEFAULT_CAP_MS;
  const random = opts.random ?? Math.random;
  // 2 ** attempt reaches Infinity for large attempts, which Math.min turns into the cap.
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt));
  return random() * ceiling;
}

/** `delay-seconds` is 1*DIGIT: no sign, no fraction, no exponent. */
const DELAY_SECONDS = /^\d+$/;

/**
 * Reads a Retry-After header (RFC 9110 §10.2.3,
 * https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3), sent with 429 (RFC 6585 §4) and 503.
 * Returns how many milliseconds from `nowMs` to wait (0 for a date already past), or undefined
 * when the header is absent or is neither delay-seconds nor an HTTP-date.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  nowMs: number,
): number | undefined {
  if (value == null) return undefined;
  const text = value.trim();
  if (DELAY_SECONDS.test(text)) {
    // Absurd values are still honoured as "a long time", up to the caller's ceiling.
    return Math.min(Number(text) * 1000, Number.MAX_SAFE_INTEGER);
  }
  const at = parseHttpDate(text, nowMs);
  return at === undefined ? undefined : Math.max(0, at - nowMs);
}

/**
 * The delay before retry number `attempt` (from 0). A Retry-After is honoured (no retry before
 * it), up to `maxRetryAfterMs` so that a wrong or hostile header cannot stop refreshes for days;
 * when the jittered backoff is longer, that wins, so retries still spread out. Without a
 * Retry-After, the jittered backoff alone.
 */
export function retryDelayMs(
  attempt: number,
  retryAfterMs: number | undefined,
  opts: RetryDelayOptions = {},
): number {
  const backoff = backoffDelayMs(attempt, opts);
  if (retryAfterMs === undefined || Number.isNaN(retryAfterMs)) return backoff;
  const maxRetryAfterMs = opts.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
  return Math.min(Math.max(retryAfterMs, backoff), maxRetryAfterMs);
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const TIME = String.raw`(?<hour>\d{2}):(?<minute>\d{2}):(?<second>\d{2})`;
const MONTH = '(?<month>[a-z]{3})';
// The three formats a recipient must accept (RFC 9110 §5.6.7); only the first is sent today.
const IMF_FIXDATE = new RegExp(
  String.raw`^[a-z]{3}, (?<day>\d{2}) ${MONTH} (?<year>\d{4}) ${TIME} GMT$`,
  'i',
);
const RFC850_DATE = new RegExp(
  String.raw`^[a-z]{6,9}, (?<day>\d{2})-${MONTH}-(?<year>\d{2}) ${TIME} GMT$`,
  'i',
);
const ASCTIME_DATE = new RegExp(
  String.raw`^[a-z]{3} ${MONTH} (?<day>[ \d]\d) ${TIME} (?<year>\d{4})$`,
  'i',
);

/**
 * An HTTP-date (RFC 9110 §5.6.7) as epoch ms, or undefined. Written out rather than left to
 * Date.parse, which reads asctime dates as local time and accepts much that is not a date.
 */
function parseHttpDate(text: string, nowMs: number): number | undefined {
  const g = (IMF_FIXDATE.exec(text) ?? RFC850_DATE.exec(text) ?? ASCTIME_DATE.exec(text))?.groups;
  if (!g) return undefined;
  let year = Number(g.year);
  if (g.year?.length === 2) {
    // A two-digit year more than 50 years ahead means the most recent such year in the past.
    const nowYear = new Date(nowMs).getUTCFullYear();
    year += Math.floor(nowYear / 100) * 100;
    if (year > nowYear + 50) year -= 100;
  }
  const month = MONTHS.indexOf(g.month?.toLowerCase() ?? '');
  const day = Number(g.day);
  const [hour, minute, second] = [Number(g.hour), Number(g.minute), Number(g.second)] as const;
  // 60 is a leap second; Date.UTC rolls it into the next minute, which is close enough.
  if (month < 0 || day < 1 || hour > 23 || minute > 59 || second > 60) return undefined;
  const ms = Date.UTC(year, month, day, hour, minute, second);
  // Date.UTC rolls 31 Feb into March; a real date survives the round trip.
  return new Date(ms).getUTCDate() === day ? ms : undefined;
}

import type { AccountStatusReport } from '../../common/account.js';
import type { Clock, TimerHandle } from '../../common/clock.js';
import { redact } from '../../common/redact.js';

/** One desktop notification. Clicking it opens the accounts window (the glue does that). */
export interface AttentionNotice {
  title: string;
  body: string;
  /** The accounts it is about. */
  accounts: string[];
}

/** Desktop notifications; Electron's Notification in the app, a fake in tests. */
export interface NotifierPort {
  show(notice: AttentionNotice): void;
}

export interface AttentionPolicy {
  /** Failed refreshes in a row before "keeps failing" is worth a notification. */
  failureThreshold: number;
  /** ...and for at least this long since the first of them, so a short outage stays quiet. */
  failingForMs: number;
  /** At most one notification per this interval, whatever the number of accounts. */
  minIntervalMs: number;
}

/**
 * Three failures over two minutes: the background refresher retries from 5 s with backoff, so a
 * network blip or a laptop between Wi-Fi networks recovers long before that.
 */
export const DEFAULT_ATTENTION_POLICY: AttentionPolicy = {
  failureThreshold: 3,
  failingForMs: 2 * 60_000,
  minIntervalMs: 60_000,
};

type Condition = 'sign-in' | 'failing';

interface AccountWatch {
  failures: number;
  firstFailureAt: number;
  /** Conditions already notified (or queued) and not recovered from since. */
  told: Set<Condition>;
}

/**
 * Decides when an account's trouble is worth a desktop notification: once when it needs to sign in
 * again, and once when its refresh keeps failing. Never a storm: each account and condition is
 * told at most once until the account is fresh again, and notifications are at least
 * `minIntervalMs` apart; what comes up meanwhile is told together in one summary after it.
 */
export class AttentionNotifier {
  readonly #notifier: NotifierPort;
  readonly #clock: Clock;
  readonly #policy: AttentionPolicy;
  readonly #accounts = new Map<string, AccountWatch>();
  /** Due notices held back by the rate limit, by account and condition. */
  readonly #queue = new Map<
    string,
    { name: string; condition: Condition; report: AccountStatusReport }
  >();
  #lastShownAt: number | undefined;
  #flushTimer: TimerHandle | undefined;

  constructor(
    notifier: NotifierPort,
    clock: Clock,
    policy: AttentionPolicy = DEFAULT_ATTENTION_POLICY,
  ) {
    this.#notifier = notifier;
    this.#clock = clock;
    this.#policy = policy;
  }

  /** Feed every status report (the engine's events, and the statuses read at start). */
  observe(report: AccountStatusReport): void {
    const watch = this.#watch(report.name);
    switch (report.status) {
      case 'fresh':
        // Recovered: the next trouble is news again.
        this.forget(report.name);
        return;
      case 'sign-in-required':
        watch.failures = 0;
        this.#due(report, watch, 'sign-in');
        return;
      case 'error': {
        const now = this.#clock.now();
        if (watch.failures === 0) watch.firstFailureAt = now;
        watch.failures++;
        const { failureThreshold, failingForMs } = this.#policy;
        if (watch.failures >= failureThreshold && now - watch.firstFailureAt >= failingForMs)
          this.#due(report, watch, 'failing');
        return;
      }
      default:
        // 'refreshing' comes between attempts; 'stale' is the refresher's business.
        return;
    }
  }

  /** The account was removed, or is fine again. */
  forget(name: string): void {
    this.#accounts.delete(name);
    for (const condition of ['sign-in', 'failing'] as const)
      this.#queue.delete(`${name}\0${condition}`);
  }

  dispose(): void {
    if (this.#flushTimer !== undefined) this.#clock.clearTimer(this.#flushTimer);
    this.#flushTimer = undefined;
    this.#queue.clear();
  }

  #watch(name: string): AccountWatch {
    let watch = this.#accounts.get(name);
    if (watch === undefined) {
      watch = { failures: 0, firstFailureAt: 0, told: new Set() };
      this.#accounts.set(name, watch);
    }
    return watch;
  }

  #due(report: AccountStatusReport, watch: AccountWatch, condition: Condition): void {
    if (watch.told.has(condition)) return;
    watch.told.add(condition);
    this.#queue.set(`${report.name}\0${condition}`, { name: report.name, condition, report });
    this.#flushSoon();
  }

  #flushSoon(): void {
    if (this.#flushTimer !== undefined) return;
    const now = this.#clock.now();
    const wait =
      this.#lastShownAt === undefined ? 0 : this.#lastShownAt + this.#policy.minIntervalMs - now;
    if (wait <= 0) return this.#flush();
    this.#flushTimer = this.#clock.setTimer(() => {
      this.#flushTimer = undefined;
      this.#flush();
    }, wait);
  }

  #flush(): void {
    const due = [...this.#queue.values()];
    this.#queue.clear();
    if (due.length === 0) return;
    this.#lastShownAt = this.#clock.now();
    this.#notifier.show(describe(due));
  }
}

function describe(
  due: { name: string; condition: Condition; report: AccountStatusReport }[],
): AttentionNotice {
  const accounts = [...new Set(due.map((d) => d.name))];
  const [only] = due;
  if (due.length === 1 && only !== undefined) {
    const { label, message } = only.report;
    const why = message === undefined ? '' : ` ${redact(message)}`;
    return only.condition === 'sign-in'
      ? {
          title: `Sign in again: ${label}`,
          body: `TokenTray can no longer refresh this account's token.${why} Open TokenTray to sign in again.`,
          accounts,
        }
      : {
          title: `Refresh keeps failing: ${label}`,
          body: `TokenTray keeps retrying.${why}`,
          accounts,
        };
  }
  const lines = due.map(
    (d) =>
      `${d.report.label}: ${d.condition === 'sign-in' ? 'sign in again' : 'refresh keeps failing'}`,
  );
  return {
    title: `${accounts.length === 1 ? 'An account needs' : `${accounts.length} accounts need`} attention`,
    body: `${lines.slice(0, 4).join('\n')}${lines.length > 4 ? `\nand ${lines.length - 4} more` : ''}`,
    accounts,
  };
}

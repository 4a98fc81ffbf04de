import type { Account } from '../../common/account.js';
import type { BackgroundRefresher } from '../engine/background-refresher.js';
import type { TokenEngine } from '../engine/token-engine.js';

export interface AccountChanges {
  added: string[];
  removed: string[];
  /** Signed in again, removed and added again, or newly marked sign-in-required. */
  changed: string[];
}

/**
 * What the refresh schedule does when the world changes under it: the machine slept, the screen
 * was unlocked, the network came back, or the settings file changed (the CLI added or removed an
 * account while the app runs).
 */
export class RefreshTriggers {
  #known: Map<string, string>;

  constructor(
    private readonly engine: TokenEngine,
    private readonly refresher: Pick<BackgroundRefresher, 'replan' | 'plan' | 'forget'>,
  ) {
    this.#known = signatures(engine.accounts());
    // What the engine remembers of an account is keyed by its creation time, so one removed and
    // added again starts clean there; here only the schedule follows.
  }

  /**
   * After resume from sleep or unlock. Timers count elapsed time and stop while the machine
   * sleeps; re-arming from the wall clock runs at once every refresh that fell due meanwhile,
   * including tokens that expired during the sleep.
   */
  woke(): void {
    this.refresher.replan();
  }

  /**
   * The network is back. Accounts whose refresh failed while offline wait out a backoff of up to
   * 5 minutes; planning each from its stored token again runs every overdue refresh now. Accounts
   * with a good token keep their planned time.
   */
  async networkBack(): Promise<void> {
    for (const account of this.engine.accounts()) await this.refresher.plan(account.name);
  }

  /** The settings file changed: schedule new accounts, drop removed ones, re-plan changed ones. */
  async settingsChanged(): Promise<AccountChanges> {
    const before = this.#known;
    const now = signatures(this.engine.accounts());
    const changes: AccountChanges = { added: [], removed: [], changed: [] };
    for (const [name, signature] of now) {
      const was = before.get(name);
      if (was === undefined) changes.added.push(name);
      else if (was !== signature) changes.changed.push(name);
    }
    for (const name of before.keys()) if (!now.has(name)) changes.removed.push(name);
    this.#known = now;
    for (const name of changes.removed) {
      this.refresher.forget(name);
      this.engine.forget(name);
    }
    for (const name of [...changes.added, ...changes.changed]) await this.refresher.plan(name);
    return changes;
  }
}

/** An account's identity (createdAt: a new one is a new grant) and its sign-in mark. */
function signatures(accounts: Account[]): Map<string, string> {
  return new Map(accounts.map((a) => [a.name, `${a.createdAt}\0${a.signInRequired?.since ?? ''}`]));
}

import type { AccessTokenRecord, Account, AccountStatusReport } from '../../common/account.js';
import type { Clock } from '../../common/clock.js';
import { TokenTrayError } from '../../common/errors.js';
import type { SettingsStore } from '../settings/settings-store.js';
import { describeAccount } from './account-status.js';
import type { AccountState } from './account-state.js';

export type StatusListener = (report: AccountStatusReport) => void;

/** What a status needs of a token: its times, never the token. */
export type TokenTimes = Pick<AccessTokenRecord, 'issuedAt' | 'expiresAt' | 'scope'>;

/**
 * An account's health: its status, whether it must sign in again, its last failure, and the
 * events that tell the tray, the windows and the broker when any of it changes.
 */
export class AccountHealth {
  readonly #listeners = new Set<StatusListener>();

  constructor(
    private readonly settings: SettingsStore,
    private readonly clock: Clock,
  ) {}

  onStatus(listener: StatusListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  describe(account: Account, state: AccountState, times: TokenTimes | undefined) {
    return describeAccount(
      account,
      times,
      this.clock.now(),
      state.refreshing,
      this.settings.options().refreshAtFraction,
    );
  }

  /** Tells every listener the account's status now. */
  emit(name: string, state: AccountState): void {
    if (this.#listeners.size === 0) return;
    const account = this.settings.account(name);
    if (account === undefined) return;
    const report = this.describe(account, state, state.record);
    for (const listener of this.#listeners) listener(report);
  }

  /** The grant is dead: no process may present its refresh token again until it signs in. */
  async markSignInRequired(
    account: Account,
    state: AccountState,
    reason: string,
    error?: TokenTrayError,
  ): Promise<TokenTrayError> {
    await this.settings.patchAccount(account.name, (a) => {
      a.signInRequired = { since: new Date(this.clock.now()).toISOString(), reason };
      delete a.lastError;
    });
    state.record = undefined;
    return error ?? signInRequiredError(account.name, reason);
  }

  /** Keeps the failure for `list` and the windows, and tells the listeners. */
  async recordFailure(name: string, state: AccountState, error: TokenTrayError): Promise<void> {
    if (
      error.code !== 'sign_in_required' &&
      error.code !== 'no_such_account' &&
      error.code !== 'keychain_write_failed'
    ) {
      const at = new Date(this.clock.now()).toISOString();
      await this.settings
        .patchAccount(name, (a) => (a.lastError = { at, code: error.code, message: error.message }))
        .catch(() => undefined);
    }
    this.emit(name, state);
  }

  /** A success clears the last failure; nothing is written when there was none. */
  async recovered(account: Account): Promise<void> {
    if (account.lastError !== undefined)
      await this.settings.patchAccount(account.name, (a) => delete a.lastError);
  }

  async signedInAgain(name: string): Promise<void> {
    await this.settings.patchAccount(name, (a) => delete a.signInRequired);
  }
}

export function signInRequiredError(name: string, reason: string): TokenTrayError {
  return new TokenTrayError(
    'sign_in_required',
    `Account "${name}" needs to sign in again: ${reason}`,
    {
      hint: `Run \`tokentray remove ${name}\`, then add it again.`,
    },
  );
}

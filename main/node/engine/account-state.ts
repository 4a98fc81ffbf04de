import type { AccessTokenRecord, Account } from '../../common/account.js';
import type { StoredTokens } from '../keychain/secret-vault.js';

/**
 * Everything the engine remembers of one account, in one place. It belongs to one incarnation of
 * the account (its name and `createdAt`): an account removed and added again under the same name,
 * by this process or another, gets a new, empty state, so nothing of the old grant serves the new.
 * So does an account whose endpoints or client id changed in the settings file: its secrets are
 * read again, and the keychain's binding (../keychain/secret-binding.ts) refuses to send them to
 * the new place, where memory alone would have.
 */
export class AccountState {
  /** The current access token, once read from the keychain or received. */
  record: AccessTokenRecord | undefined;
  /** The refresh token as last read or saved. */
  refreshToken: string | undefined;
  /** Whether the keychain was read (or written) at all by this process. */
  loaded = false;
  /** The ledger generation `record` and `refreshToken` belong to (see ../settings/token-ledger.ts). */
  generation: number | undefined;
  /** The client secret, read once: a new secret means a new account. */
  clientSecret: Promise<string | undefined> | undefined;
  /** A rotated token set the keychain has not accepted yet. It outranks the keychain's copy. */
  unsaved: StoredTokens | undefined;
  /** A keychain write of this process still under way, and the generation it saves. */
  saving: Promise<void> | undefined;
  savingGeneration: number | undefined;
  /** A refresh under way in this process (single flight), and the one keychain read shared. */
  inflight: Promise<AccessTokenRecord> | undefined;
  reading: Promise<void> | undefined;
  refreshing = false;
  /** Background refreshes failed in a row, for the scheduler's backoff. */
  failures = 0;

  constructor(
    readonly createdAt: string,
    /** Where this state's secrets are sent: the account's endpoints and client id. */
    readonly sendsTo: string,
  ) {}

  /** The refresh token to present now: one the keychain has not accepted yet comes first. */
  get currentRefreshToken(): string | undefined {
    return this.unsaved?.refreshToken ?? this.refreshToken;
  }

  /** Takes what the keychain holds (or what was just saved there) as the current token set. */
  adopt(tokens: StoredTokens, generation: number | undefined): void {
    this.record = tokens.record;
    this.refreshToken = tokens.refreshToken;
    this.generation = generation;
    this.loaded = true;
  }
}

type Incarnation = Pick<
  Account,
  'name' | 'createdAt' | 'tokenEndpoint' | 'clientId' | 'revocationEndpoint'
>;

/**
 * The states of all accounts, keyed by name and checked against the account's `createdAt` and
 * the places its secrets go.
 */
export class AccountStates {
  readonly #states = new Map<string, AccountState>();

  of(account: Incarnation): AccountState {
    let state = this.#states.get(account.name);
    const sendsTo = JSON.stringify([
      account.tokenEndpoint,
      account.clientId,
      account.revocationEndpoint ?? null,
    ]);
    if (state === undefined || state.createdAt !== account.createdAt || state.sendsTo !== sendsTo) {
      state = new AccountState(account.createdAt, sendsTo);
      this.#states.set(account.name, state);
    }
    return state;
  }

  peek(name: string): AccountState | undefined {
    return this.#states.get(name);
  }

  forget(name: string): void {
    this.#states.delete(name);
  }
}

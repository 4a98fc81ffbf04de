import { join } from 'node:path';
import type { AccessTokenRecord, Account, AccountStatusReport } from '../../common/account.js';
import type { Clock } from '../../common/clock.js';
import { systemClock } from '../../common/clock.js';
import { TokenTrayError, asTokenTrayError, isTokenTrayError } from '../../common/errors.js';
import { refreshKillsPreviousToken } from '../../common/provider-traits.js';
import { planRefreshAt } from '../../common/refresh-plan.js';
import { lastsLongEnough, lifetimeSeconds } from '../../common/token-need.js';
import { withFileLock } from '../file-lock.js';
import { locksDir } from '../paths.js';
import type { SecretVault } from '../keychain/secret-vault.js';
import type { TokenClient } from '../oauth/token-client.js';
import { assertNotBeingRemoved } from '../settings/account-journal.js';
import type { SettingsStore } from '../settings/settings-store.js';
import { TokenLedger } from '../settings/token-ledger.js';
import { registerParts } from './engine-parts.js';
import type { Need, TokenEngineDeps, TokenOptions } from './engine-options.js';
import { TokenSync } from './token-sync.js';
import {
  AccountHealth,
  signInRequiredError,
  type StatusListener,
  type TokenTimes,
} from './account-health.js';
import { AccountStates, type AccountState } from './account-state.js';
import { INTERACTIVE_RETRIES, requestGrant, type RetryPolicy } from './grant-request.js';
import { RotationCustody } from './rotation-custody.js';

export { INTERACTIVE_RETRIES, type RetryPolicy } from './grant-request.js';
export type { StatusListener } from './account-health.js';
export { engineParts, type EngineParts } from './engine-parts.js';
export type { Need, TokenEngineDeps, TokenOptions } from './engine-options.js';

/**
 * Keeps every account's access token fresh. It refreshes only when it must, one request per
 * account at a time within the process (single flight) and across processes (a file lock per
 * account). What it remembers of each account is one {@link AccountState}; custody of rotated
 * refresh tokens is ./rotation-custody.ts, status and failures ./account-health.ts.
 */
export class TokenEngine {
  readonly #settings: SettingsStore;
  readonly #vault: SecretVault;
  readonly #client: TokenClient;
  readonly #clock: Clock;
  readonly #retry: RetryPolicy;
  readonly #states = new AccountStates();
  readonly #sync: TokenSync;
  readonly #health: AccountHealth;
  readonly #custody: RotationCustody;

  constructor(deps: TokenEngineDeps) {
    this.#settings = deps.settings;
    this.#vault = deps.vault;
    this.#client = deps.client;
    this.#clock = deps.clock ?? systemClock;
    // Secrets go only where they were stored for (../keychain/secret-binding.ts).
    deps.vault.bindTo((name) => this.#settings.account(name));
    registerParts(this, {
      settings: this.#settings,
      vault: this.#vault,
      client: this.#client,
      clock: this.#clock,
    });
    this.#retry = deps.retry ?? INTERACTIVE_RETRIES;
    this.#sync = new TokenSync(deps.vault, new TokenLedger(deps.settings.dataDir));
    this.#health = new AccountHealth(deps.settings, this.#clock);
    this.#custody = new RotationCustody(
      deps.vault,
      this.#health,
      deps.saveAttempts ?? 3,
      this.#clock,
    );
  }

  /** The engine's time: epoch ms, from the clock it was given. */
  now(): number {
    return this.#clock.now();
  }

  /** The keychain service the engine's secrets live under. */
  get keychainService(): string {
    return this.#vault.service;
  }

  /** The accounts, in order of name: non-secret metadata from the settings snapshot. */
  accounts(): Account[] {
    return this.#settings.accounts();
  }

  onStatus(listener: StatusListener): () => void {
    return this.#health.onStatus(listener);
  }

  /** An access token that lives long enough (see {@link TokenOptions}), refreshing only if needed. */
  async getToken(name: string, options: TokenOptions = {}): Promise<AccessTokenRecord> {
    const { minTtl } = options;
    const need: Need = (record, now) => !lastsLongEnough(record, now, minTtl);
    let record: AccessTokenRecord;
    try {
      record = await this.ensure(name, need);
    } catch (err) {
      const held = this.#states.peek(name)?.record;
      const error = asTokenTrayError(err);
      const passing = error.code === 'transient' || error.code === 'lock_timeout';
      if (minTtl !== undefined || !passing || held === undefined) throw error;
      const left = Math.floor((held.expiresAt - this.#clock.now()) / 1000);
      if (left <= 0) throw error;
      options.onWarning?.(
        `${error.message} The current token of "${name}" is still valid for ${left} s.`,
      );
      return held;
    }
    if (minTtl !== undefined && need(record, this.#clock.now())) {
      throw new TokenTrayError(
        'invalid_input',
        `The provider issues tokens for "${name}" that live ${lifetimeSeconds(record)} s, less than the ${minTtl} s asked for.`,
        { hint: `Ask for a --min-ttl below ${lifetimeSeconds(record)}, or leave it out.` },
      );
    }
    return record;
  }

  /** Refreshes now, unless another caller or process got a token after this call began. */
  async refresh(name: string): Promise<AccessTokenRecord> {
    const askedAt = this.#clock.now();
    // A forced refresh will need the client secret: read it beside the token set, not after it.
    const { account, state } = this.requireUsable(name);
    if (account.clientAuth !== 'none') this.#sync.clientSecret(name, state).catch(() => undefined);
    return this.ensure(name, (record) => record === undefined || record.issuedAt < askedAt);
  }

  /** For the scheduler: refresh if the stored token is due by `isDue`. */
  async refreshIfDue(name: string, isDue: Need): Promise<AccessTokenRecord> {
    return this.ensure(name, isDue);
  }

  /**
   * Reads every account's token set into memory that is not there yet: one keychain read each,
   * shared with any caller meanwhile. The app does this once at its start, so a keychain that is
   * missing, locked or refused shows then, with the app up to explain it, not at the first copy.
   */
  async load(): Promise<void> {
    for (const account of this.#settings.accounts()) {
      const state = this.#states.of(account);
      // An account whose settings name other endpoints than its secrets were stored for is that
      // account's problem, not the keychain's: it refuses when used, and the others load.
      if (!state.loaded)
        await this.#sync.load(account.name, state, true).catch((err: unknown) => {
          if (!isTokenTrayError(err, 'secret_not_bound')) throw err;
        });
    }
  }

  /** An account's status, from memory and the token ledger: no secret is read. */
  async status(name: string): Promise<AccountStatusReport> {
    return this.report(this.#settings.requireAccount(name));
  }

  async statuses(): Promise<AccountStatusReport[]> {
    return this.#settings.accounts().map((account) => this.report(account));
  }

  /** The accounts, by name, in order. */
  accountNames(): string[] {
    return this.accounts().map((a) => a.name);
  }

  /**
   * When the background should refresh `name` next (epoch ms), from `record` or what is known of
   * its current token without a secret; undefined when it must not (gone, or sign-in required).
   */
  refreshPoint(name: string, record?: TokenTimes): number | undefined {
    const account = this.#settings.account(name);
    if (account === undefined || account.signInRequired !== undefined) return undefined;
    const times = record ?? this.#sync.times(account, this.#states.of(account));
    if (times === undefined) return this.#clock.now();
    return planRefreshAt(times.issuedAt, times.expiresAt, {
      fraction: this.#settings.options().refreshAtFraction,
      late: refreshKillsPreviousToken(account.provider),
    });
  }

  /** Whether a refresh of this account ends the access tokens it handed out before. */
  refreshKillsPrevious(name: string): boolean {
    return refreshKillsPreviousToken(this.#settings.requireAccount(name).provider);
  }

  /** The refresh token to present now: one the keychain has not accepted yet outranks its copy. */
  async currentRefreshToken(name: string): Promise<string | undefined> {
    const state = this.#states.of(this.#settings.requireAccount(name));
    if (state.unsaved === undefined) await this.#sync.load(name, state, true);
    return state.currentRefreshToken;
  }

  /** Forgets what this process remembers of an account (after removal or a new sign-in). */
  forget(name: string): void {
    this.#states.forget(name);
  }

  /** Retries saving a rotated refresh token held only in memory; the app calls this on a timer. */
  retryUnsaved(name: string): Promise<boolean> {
    return this.#custody.retryUnsaved(name, this.#states.peek(name));
  }

  /** For the scheduler's backoff: failures in a row, counted with the account's state. */
  failures(name: string, change?: 'failed' | 'succeeded'): number {
    const account = this.#settings.account(name);
    if (account === undefined) return 0;
    const state = this.#states.of(account);
    if (change === 'failed') state.failures++;
    if (change === 'succeeded') state.failures = 0;
    return state.failures;
  }

  /** Marks a new token set as stored by this process (after a sign-in), for other processes too. */
  tokensReplaced(account: Account, record: AccessTokenRecord): void {
    this.#states.forget(account.name);
    // The keychain has the new set already: one write moves the generation and settles it.
    const generation = this.#sync.reserve(account, this.#sync.entry(account));
    this.#sync.settle(account, generation, record, 'signed-in');
  }

  /** Drops what is kept of a removed account, here and in the ledger. */
  removed(name: string): void {
    this.#states.forget(name);
    this.#sync.removed(name);
  }

  private report(account: Account): AccountStatusReport {
    const state = this.#states.of(account);
    return this.#health.describe(account, state, this.#sync.times(account, state));
  }

  private async ensure(name: string, need: Need): Promise<AccessTokenRecord> {
    const { account, state } = this.requireUsable(name);
    const changed = this.#sync.changedElsewhere(account, state);
    if (!changed && !need(state.record, this.#clock.now()))
      return state.record as AccessTokenRecord;
    // Single flight: join the refresh under way before touching the keychain, then judge its
    // result by our own need (a caller asking for a longer min-ttl may need one more).
    if (state.inflight !== undefined) {
      const record = await state.inflight;
      if (!need(record, this.#clock.now())) return record;
    } else if (changed) {
      await this.#sync.load(name, state, false);
      if (!need(state.record, this.#clock.now())) return state.record as AccessTokenRecord;
    }
    state.inflight ??= this.refreshLocked(name, state, need).finally(() => {
      state.inflight = undefined;
    });
    return state.inflight;
  }

  /** Refresh under the account's cross-process lock, re-checking everything once it is held. */
  private async refreshLocked(
    name: string,
    state: AccountState,
    need: Need,
  ): Promise<AccessTokenRecord> {
    state.refreshing = true;
    this.#health.emit(name, state);
    try {
      // The token is handed out as soon as it is known, but the lock is held until this
      // process's keychain write of it has landed: released earlier, another process could
      // refresh, save a rotated refresh token, and then see this late write put back the spent
      // one (RFC 9700 §4.14.2).
      let handOut: ((record: AccessTokenRecord) => void) | undefined;
      const known = new Promise<AccessTokenRecord>((resolve) => (handOut = resolve));
      const locked = withFileLock(
        join(locksDir(this.#settings.dataDir), `account-${name}`),
        async () => {
          const got = await this.refreshHoldingLock(name, state, need);
          handOut?.(got);
          await state.saving;
          return got;
        },
      );
      locked.catch(() => undefined); // reported below, or (after the hand-out) by the next call
      const record = await Promise.race([known, locked]);
      state.refreshing = false;
      this.#health.emit(name, state);
      return record;
    } catch (err) {
      state.refreshing = false;
      const error = asTokenTrayError(err);
      await this.#health.recordFailure(name, state, error);
      throw error;
    }
  }

  private async refreshHoldingLock(
    name: string,
    state: AccountState,
    need: Need,
  ): Promise<AccessTokenRecord> {
    const { account } = this.requireUsable(name);
    // A rotated set the keychain refused earlier: save it before anything is presented again,
    // and judge it, not the older set, by the need. Refreshing past it would only make one more
    // token that lives in memory alone.
    if (state.unsaved !== undefined) {
      await this.#custody.retryUnsaved(name, state);
      const held = state.unsaved?.record ?? state.record;
      if (!need(held, this.#clock.now())) return held as AccessTokenRecord;
    }
    // Another process may have refreshed while we waited for the lock: its token is ours. The
    // ledger says so without reading a secret; only then is the keychain read again. Under the
    // lock only this process writes the ledger, so the entry read here serves the move below.
    let entry = this.#sync.entry(account);
    if (state.unsaved === undefined && this.#sync.movedOn(account, state, entry)) {
      await this.#sync.load(name, state, false);
      entry = this.#sync.entry(account);
    }
    if (!need(state.record, this.#clock.now())) return state.record as AccessTokenRecord;
    const secret =
      account.clientAuth === 'none' ? undefined : await this.#sync.clientSecret(name, state);
    const refreshToken = state.currentRefreshToken;
    if (account.grant !== 'client_credentials' && refreshToken === undefined) {
      throw await this.#health.markSignInRequired(
        account,
        state,
        'No refresh token is stored for this account.',
      );
    }
    // Before the token is presented, when the answer may rotate it: from here on, other
    // processes know their memory may be old.
    const marked = this.#sync.marksBeforePresenting(account, entry);
    let generation = marked
      ? this.#sync.advance(account, entry)
      : this.#sync.reserve(account, entry);
    let outcome;
    try {
      outcome = await requestGrant(
        this.#client,
        account,
        secret,
        refreshToken,
        this.#retry,
        this.#clock,
      );
    } catch (err) {
      const error = asTokenTrayError(err);
      if (error.code === 'sign_in_required')
        throw await this.#health.markSignInRequired(account, state, error.message, error);
      throw error;
    }
    const rotated = outcome.rotatedRefreshToken;
    if (rotated !== undefined && !marked) generation = this.#sync.markRotated(account, entry);
    const tokens = {
      ...((rotated ?? refreshToken) === undefined ? {} : { refreshToken: rotated ?? refreshToken }),
      record: outcome.record,
    };
    // Unmarked, the refresh token stayed what memory's generation says: memory takes the new
    // access token at once under that generation, and the next one once the ledger has it.
    const label = state.generation;
    if (!marked && rotated === undefined) state.adopt(tokens, label);
    await this.#custody.keep(account, state, tokens, rotated !== undefined, generation, () => {
      this.#sync.settle(
        account,
        generation,
        outcome.record,
        rotated === undefined ? 'kept' : 'rotated',
      );
      if (!marked && state.record === outcome.record && state.generation === label)
        state.generation = generation;
    });
    // The rotated token is saved: what can wait, waited until now.
    if (marked || rotated !== undefined) state.adopt(tokens, generation);
    await this.#health.recovered(account);
    return outcome.record;
  }

  private requireUsable(name: string): { account: Account; state: AccountState } {
    assertNotBeingRemoved(this.#settings.dataDir, name);
    const account = this.#settings.requireAccount(name);
    const state = this.#states.of(account);
    if (account.signInRequired !== undefined && state.unsaved === undefined) {
      throw signInRequiredError(name, account.signInRequired.reason);
    }
    return { account, state };
  }
}

import type { AccessTokenRecord, Account, AccountStatusReport } from '../../common/account.js';
import type { Clock } from '../../common/clock.js';
import { systemClock } from '../../common/clock.js';
import { refreshKillsPreviousToken } from '../../common/provider-traits.js';
import { planRefreshAt } from '../../common/refresh-plan.js';
import type { SecretVault } from '../keychain/secret-vault.js';
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
import { INTERACTIVE_RETRIES } from './grant-request.js';
import { LockedRefresh } from './locked-refresh.js';
import { RotationCustody } from './rotation-custody.js';
import { tokenForCaller } from './token-for-caller.js';

export { INTERACTIVE_RETRIES, type RetryPolicy } from './grant-request.js';
export type { StatusListener } from './account-health.js';
export { engineParts, type EngineParts } from './engine-parts.js';
export type { Need, TokenEngineDeps, TokenOptions } from './engine-options.js';

/**
 * Keeps every account's access token fresh. It refreshes only when it must, one request per
 * account at a time within the process (single flight) and across processes (a file lock per
 * account, ./locked-refresh.ts). What it remembers of each account is one {@link AccountState};
 * custody of rotated refresh tokens is ./rotation-custody.ts, status and failures
 * ./account-health.ts, what a caller of getToken gets ./token-for-caller.ts.
 */
export class TokenEngine {
  readonly #settings: SettingsStore;
  readonly #vault: SecretVault;
  readonly #clock: Clock;
  readonly #states = new AccountStates();
  readonly #sync: TokenSync;
  readonly #health: AccountHealth;
  readonly #custody: RotationCustody;
  readonly #locked: LockedRefresh;

  constructor(deps: TokenEngineDeps) {
    this.#settings = deps.settings;
    this.#vault = deps.vault;
    this.#clock = deps.clock ?? systemClock;
    // Secrets go only where they were stored for (../keychain/secret-binding.ts).
    deps.vault.bindTo((name) => this.#settings.account(name));
    registerParts(this, {
      settings: this.#settings,
      vault: this.#vault,
      client: deps.client,
      clock: this.#clock,
    });
    this.#sync = new TokenSync(deps.vault, new TokenLedger(deps.settings.dataDir));
    this.#health = new AccountHealth(deps.settings, this.#clock);
    this.#custody = new RotationCustody(
      deps.vault,
      this.#health,
      deps.saveAttempts ?? 3,
      this.#clock,
    );
    this.#locked = new LockedRefresh({
      dataDir: deps.settings.dataDir,
      client: deps.client,
      clock: this.#clock,
      retry: deps.retry ?? INTERACTIVE_RETRIES,
      sync: this.#sync,
      health: this.#health,
      custody: this.#custody,
      usable: (name) => this.requireUsable(name),
    });
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
    return tokenForCaller(name, options, {
      ensure: (need) => this.ensure(name, need),
      held: () => this.#states.peek(name)?.record,
      now: () => this.#clock.now(),
    });
  }

  /** Refreshes now, unless another caller or process got a token after this call began. */
  async refresh(name: string): Promise<AccessTokenRecord> {
    const askedAt = this.#clock.now();
    // A forced refresh will need the client secret: read it beside the token set, not after it.
    const usable = this.requireUsable(name);
    const { account, state } = usable;
    if (account.clientAuth !== 'none') this.#sync.clientSecret(name, state).catch(() => undefined);
    return this.ensure(name, (record) => record === undefined || record.issuedAt < askedAt, usable);
  }

  /** For the scheduler: refresh if the stored token is due by `isDue`. */
  async refreshIfDue(name: string, isDue: Need): Promise<AccessTokenRecord> {
    return this.ensure(name, isDue);
  }

  /** Reads every account's token set not in memory yet; the app does so once at its start. */
  async load(): Promise<void> {
    await this.#sync.loadEvery(this.#settings.accounts(), (account) => this.#states.of(account));
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

  private async ensure(
    name: string,
    need: Need,
    usable = this.requireUsable(name),
  ): Promise<AccessTokenRecord> {
    const { account, state } = usable;
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
    state.inflight ??= this.#locked.run(name, state, need).finally(() => {
      state.inflight = undefined;
    });
    return state.inflight;
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

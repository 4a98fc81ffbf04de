import { join } from 'node:path';
import type { AccessTokenRecord, Account } from '../../common/account.js';
import { retryDelayMs } from '../../common/backoff.js';
import type { Clock } from '../../common/clock.js';
import { systemClock } from '../../common/clock.js';
import { TokenTrayError, asTokenTrayError, isTokenTrayError } from '../../common/errors.js';
import type { SecretVault } from '../keychain/secret-vault.js';
import { withFileLock } from '../file-lock.js';
import type { RefreshOutcome, TokenClient } from '../oauth/token-client.js';
import { locksDir } from '../paths.js';
import type { SettingsStore } from '../settings/settings-store.js';
import { assertNotBeingRemoved } from '../settings/account-journal.js';
import { describeAccount, type AccountStatusReport } from './account-status.js';

export interface RetryPolicy {
  /** Transient failures retried within one call before giving up (the scheduler retries later). */
  retries: number;
  baseMs: number;
  capMs: number;
  /** A Retry-After longer than this ends the call instead of making the caller wait. */
  maxWaitMs: number;
}

export const INTERACTIVE_RETRIES: RetryPolicy = {
  retries: 2,
  baseMs: 250,
  capMs: 2_000,
  maxWaitMs: 5_000,
};

export interface TokenEngineDeps {
  settings: SettingsStore;
  vault: SecretVault;
  client: TokenClient;
  clock?: Clock;
  retry?: RetryPolicy;
  /** How often, and how fast, to retry saving a rotated refresh token before reporting failure. */
  saveAttempts?: number;
}

/** What decides whether a stored token will do, or a refresh is needed. */
type Need = (record: AccessTokenRecord | undefined, now: number) => boolean;

export type StatusListener = (report: AccountStatusReport) => void;

/**
 * Keeps every account's access token fresh. It refreshes only when it must, one request per
 * account at a time within the process (single flight) and across processes (a file lock per
 * account), and it treats a rotated refresh token as the most precious thing it holds.
 */
export class TokenEngine {
  readonly settings: SettingsStore;
  readonly vault: SecretVault;
  readonly client: TokenClient;
  readonly clock: Clock;
  private readonly retry: RetryPolicy;
  private readonly saveAttempts: number;
  private readonly inflight = new Map<string, Promise<AccessTokenRecord>>();
  /** Accounts with a refresh under way in this process, for their status. */
  private readonly refreshing = new Set<string>();
  private readonly cache = new Map<string, AccessTokenRecord>();
  /** Rotated refresh tokens the keychain has not accepted yet. They outrank the keychain's copy. */
  private readonly unsaved = new Map<string, string>();
  private readonly listeners = new Set<StatusListener>();
  /** Keychain reads under way, shared so a crowd of callers costs one D-Bus round trip. */
  private readonly reading = new Map<string, Promise<AccessTokenRecord | undefined>>();
  /** Which incarnation of each account the memories below belong to. */
  private readonly createdAt = new Map<string, string>();
  /** Client secrets never change behind our back (a new secret means a new account). */
  private readonly secrets = new Map<string, string | undefined>();

  constructor(deps: TokenEngineDeps) {
    this.settings = deps.settings;
    this.vault = deps.vault;
    this.client = deps.client;
    this.clock = deps.clock ?? systemClock;
    this.retry = deps.retry ?? INTERACTIVE_RETRIES;
    this.saveAttempts = deps.saveAttempts ?? 3;
    // Secrets go only where they were stored for (../keychain/secret-binding.ts).
    this.vault.bindTo((name) => this.settings.account(name));
  }

  onStatus(listener: StatusListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** An access token with at least `minTtl` seconds left, refreshing only if the stored one won't do. */
  async getToken(name: string, options: { minTtl?: number } = {}): Promise<AccessTokenRecord> {
    const minTtlMs = (options.minTtl ?? 60) * 1000;
    const need: Need = (record, now) => record === undefined || record.expiresAt - now < minTtlMs;
    const record = await this.ensure(name, need);
    if (need(record, this.clock.now())) {
      throw new TokenTrayError(
        'invalid_input',
        `The provider issues tokens for "${name}" that live ${Math.round((record.expiresAt - record.issuedAt) / 1000)} s, less than the ${minTtlMs / 1000} s asked for.`,
        {
          hint: 'Ask for a smaller --min-ttl.',
        },
      );
    }
    return record;
  }

  /** Refreshes now, unless another caller or process got a token after this call began. */
  async refresh(name: string): Promise<AccessTokenRecord> {
    const askedAt = this.clock.now();
    return this.ensure(name, (record) => record === undefined || record.issuedAt < askedAt);
  }

  /** For the scheduler: refresh if the stored token is due by `isDue`. */
  async refreshIfDue(name: string, isDue: Need): Promise<AccessTokenRecord> {
    return this.ensure(name, isDue);
  }

  async status(name: string): Promise<AccountStatusReport> {
    const account = this.settings.requireAccount(name);
    return this.describe(account, await this.storedToken(name));
  }

  async statuses(): Promise<AccountStatusReport[]> {
    const reports: AccountStatusReport[] = [];
    for (const account of this.settings.accounts()) {
      reports.push(this.describe(account, await this.storedToken(account.name)));
    }
    return reports;
  }

  /** The refresh token to present now: one the keychain has not accepted yet outranks its copy. */
  async currentRefreshToken(name: string): Promise<string | undefined> {
    return this.unsaved.get(name) ?? (await this.vault.get(name, 'refresh_token'));
  }

  /** Forgets what this process remembers of an account (after removal or a new sign-in). */
  forget(name: string): void {
    this.cache.delete(name);
    this.secrets.delete(name);
    this.unsaved.delete(name);
  }

  private async ensure(name: string, need: Need): Promise<AccessTokenRecord> {
    this.requireUsable(name);
    const cached = this.cache.get(name);
    if (!need(cached, this.clock.now())) return cached as AccessTokenRecord;
    // Single flight: join the refresh under way before touching the keychain, then judge its
    // result by our own need (a caller asking for a longer min-ttl may need one more).
    const running = this.inflight.get(name);
    if (running !== undefined) {
      const record = await running;
      if (!need(record, this.clock.now())) return record;
    } else {
      const stored = await this.storedToken(name);
      if (!need(stored, this.clock.now())) return stored as AccessTokenRecord;
    }
    let flight = this.inflight.get(name);
    if (flight === undefined) {
      flight = this.refreshLocked(name, need).finally(() => this.inflight.delete(name));
      this.inflight.set(name, flight);
    }
    return flight;
  }

  /** Refresh under the account's cross-process lock, re-reading everything once it is held. */
  private async refreshLocked(name: string, need: Need): Promise<AccessTokenRecord> {
    this.refreshing.add(name);
    this.emit(name);
    try {
      const record = await withFileLock(
        join(locksDir(this.settings.dataDir), `account-${name}`),
        async () => {
          const account = this.requireUsable(name);
          // Another process may have refreshed while we waited for the lock: its token is ours.
          // Read the keychain itself: a shared read may have begun before the lock was ours.
          const stored = await this.readStoredToken(name);
          if (!need(stored, this.clock.now())) return stored as AccessTokenRecord;
          const secret = account.clientAuth === 'none' ? undefined : await this.clientSecret(name);
          const outcome = await this.requestWithRetries(
            account,
            await this.grantRequest(account, secret),
          );
          if (outcome.rotatedRefreshToken !== undefined)
            await this.keepRotated(account, outcome.rotatedRefreshToken);
          await this.vault.setAccessToken(name, outcome.record).catch(() => undefined); // a cache; a failure costs one refresh
          if (account.lastError !== undefined)
            await this.settings.patchAccount(name, (a) => delete a.lastError);
          return outcome.record;
        },
      );
      this.refreshing.delete(name);
      return this.settle(name, record);
    } catch (err) {
      this.refreshing.delete(name);
      const error = asTokenTrayError(err);
      await this.recordFailure(name, error);
      throw error;
    }
  }

  /**
   * What asks for the next token: the refresh token (RFC 6749 §6), or for a machine account its
   * own credentials again (§4.4), which spends nothing and so needs no care on retry.
   */
  private async grantRequest(
    account: Account,
    secret: string | undefined,
  ): Promise<() => Promise<RefreshOutcome>> {
    if (account.grant === 'client_credentials')
      return () => this.client.clientCredentials(account, secret);
    const refreshToken = await this.currentRefreshToken(account.name);
    if (refreshToken === undefined) {
      throw await this.markSignInRequired(account, 'No refresh token is stored for this account.');
    }
    return () => this.client.refresh(account, secret, refreshToken);
  }

  private async requestWithRetries(account: Account, request: () => Promise<RefreshOutcome>) {
    for (let attempt = 0; ; attempt++) {
      try {
        return await request();
      } catch (err) {
        const error = asTokenTrayError(err);
        if (error.code === 'sign_in_required')
          throw await this.markSignInRequired(account, error.message, error);
        if (error.code !== 'transient' || attempt >= this.retry.retries) throw error;
        const delay = retryDelayMs(attempt, error.retryAfterMs, {
          baseMs: this.retry.baseMs,
          capMs: this.retry.capMs,
        });
        if (delay > this.retry.maxWaitMs) throw error;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  /**
   * RFC 9700 §4.14.2: once the server rotated the refresh token, the one we sent is spent and
   * presenting it again revokes the grant. The new one is held in memory first, then written to
   * the keychain, and only then is the new access token handed out. If the keychain keeps
   * refusing, the account is marked so that no process presents the spent token again.
   */
  private async keepRotated(account: Account, rotated: string): Promise<void> {
    this.unsaved.set(account.name, rotated);
    let lastError: unknown;
    for (let attempt = 0; attempt < this.saveAttempts; attempt++) {
      try {
        await this.vault.set(account.name, 'refresh_token', rotated);
        this.unsaved.delete(account.name);
        return;
      } catch (err) {
        lastError = err;
        if (isTokenTrayError(err, 'secret_too_large')) break; // a size never changes
        await new Promise((resolve) => setTimeout(resolve, 100 * 3 ** attempt));
      }
    }
    const tooLarge = isTokenTrayError(lastError, 'secret_too_large') ? lastError : undefined;
    const reason = tooLarge
      ? `The provider rotated the refresh token, and the new one is too large to keep. ${tooLarge.message}`
      : 'The provider rotated the refresh token, and the OS keychain would not store the new one.';
    await this.markSignInRequired(account, reason).catch(() => undefined);
    throw new TokenTrayError(
      tooLarge ? 'sign_in_required' : 'keychain_write_failed',
      `${reason} The previous one is spent and will not be sent again.`,
      {
        hint: tooLarge
          ? 'Sign in again for a new grant, and report the token size to the provider.'
          : 'Unlock or repair the keychain. While TokenTray keeps running it retries saving it; otherwise sign in again.',
        cause: lastError,
      },
    );
  }

  /** Retries saving a rotated refresh token held only in memory; the app calls this on a timer. */
  async retryUnsaved(name: string): Promise<boolean> {
    const rotated = this.unsaved.get(name);
    if (rotated === undefined) return true;
    try {
      await this.vault.set(name, 'refresh_token', rotated);
    } catch {
      return false;
    }
    this.unsaved.delete(name);
    await this.settings.patchAccount(name, (a) => delete a.signInRequired);
    return true;
  }

  private async markSignInRequired(
    account: Account,
    reason: string,
    error?: TokenTrayError,
  ): Promise<TokenTrayError> {
    await this.settings.patchAccount(account.name, (a) => {
      a.signInRequired = { since: new Date(this.clock.now()).toISOString(), reason };
      delete a.lastError;
    });
    this.cache.delete(account.name);
    return error ?? signInRequiredError(account.name, reason);
  }

  private async recordFailure(name: string, error: TokenTrayError): Promise<void> {
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
    const account = this.settings.account(name);
    if (account !== undefined) this.listenersEmit(this.describe(account, this.cache.get(name)));
  }

  private requireUsable(name: string): Account {
    assertNotBeingRemoved(this.settings.dataDir, name);
    const account = this.settings.requireAccount(name);
    // Removed and added again under the same name (by another process): what we remember of the
    // old one (cached token, client secret) must not serve the new one.
    const seen = this.createdAt.get(name);
    if (seen !== account.createdAt) {
      if (seen !== undefined) this.forget(name);
      this.createdAt.set(name, account.createdAt);
    }
    if (account.signInRequired !== undefined && !this.unsaved.has(name)) {
      throw signInRequiredError(name, account.signInRequired.reason);
    }
    return account;
  }

  /** The stored token, one keychain read shared by every caller that asks meanwhile. */
  private storedToken(name: string): Promise<AccessTokenRecord | undefined> {
    let read = this.reading.get(name);
    if (read === undefined) {
      read = this.readStoredToken(name).finally(() => this.reading.delete(name));
      this.reading.set(name, read);
    }
    return read;
  }

  private async readStoredToken(name: string): Promise<AccessTokenRecord | undefined> {
    const record = await this.vault.getAccessToken(name);
    if (record !== undefined) this.cache.set(name, record);
    return record;
  }

  private async clientSecret(name: string): Promise<string | undefined> {
    if (!this.secrets.has(name))
      this.secrets.set(name, await this.vault.get(name, 'client_secret'));
    return this.secrets.get(name);
  }

  private settle(name: string, record: AccessTokenRecord): AccessTokenRecord {
    this.cache.set(name, record);
    this.emit(name);
    return record;
  }

  private describe(account: Account, record: AccessTokenRecord | undefined): AccountStatusReport {
    return describeAccount(
      account,
      record,
      this.clock.now(),
      this.refreshing.has(account.name),
      this.settings.options().refreshAtFraction,
    );
  }

  private emit(name: string): void {
    if (this.listeners.size === 0) return;
    const account = this.settings.account(name);
    if (account !== undefined) this.listenersEmit(this.describe(account, this.cache.get(name)));
  }

  private listenersEmit(report: AccountStatusReport): void {
    for (const listener of this.listeners) listener(report);
  }
}

function signInRequiredError(name: string, reason: string): TokenTrayError {
  return new TokenTrayError(
    'sign_in_required',
    `Account "${name}" needs to sign in again: ${reason}`,
    {
      hint: `Run \`tokentray remove ${name}\`, then add it again.`,
    },
  );
}

import type { AccessTokenRecord } from '../../common/account.js';
import type { Clock } from '../../common/clock.js';
import type { SecretVault } from '../keychain/secret-vault.js';
import type { TokenClient } from '../oauth/token-client.js';
import type { SettingsStore } from '../settings/settings-store.js';
import type { RetryPolicy } from './grant-request.js';

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
export type Need = (record: AccessTokenRecord | undefined, now: number) => boolean;

export interface TokenOptions {
  /** Seconds the token must still live. Without it, the default rule of ../../common/token-need.ts. */
  minTtl?: number;
  /**
   * Without an explicit minTtl, a token that is still valid is worth more than an error: when a
   * refresh fails for a passing reason, the current token is handed out and this is told why.
   */
  onWarning?: (message: string) => void;
}

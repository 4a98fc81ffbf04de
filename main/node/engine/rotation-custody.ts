import type { Account } from '../../common/account.js';
import { sleep, type Clock } from '../../common/clock.js';
import { TokenTrayError, isTokenTrayError } from '../../common/errors.js';
import type { SecretVault, StoredTokens } from '../keychain/secret-vault.js';
import type { AccountHealth } from './account-health.js';
import type { AccountState } from './account-state.js';

/**
 * Custody of rotated refresh tokens. RFC 9700 §4.14.2: once the server rotated the refresh token,
 * the one we sent is spent and presenting it again revokes the grant. The new one is held in
 * memory first, then written to the keychain (one write, with its access token), and only then
 * is the new access token handed out. If the keychain keeps refusing, the account is marked so
 * that no process presents the spent token again, and this process keeps the new one to save
 * later ({@link retryUnsaved}).
 */
export class RotationCustody {
  constructor(
    private readonly vault: SecretVault,
    private readonly health: AccountHealth,
    private readonly saveAttempts: number,
    private readonly clock: Clock,
  ) {}

  /**
   * Saves a new token set. Nothing comes between the server's answer and this write but what the
   * write needs; status events and settings updates follow it.
   */
  async keep(
    account: Account,
    state: AccountState,
    tokens: StoredTokens,
    rotated: boolean,
    generation: number,
    onSaved: () => void,
  ): Promise<void> {
    // One account's writes stay in order: a rotation never lands under an older cache write.
    const earlier = state.saving ?? Promise.resolve();
    if (!rotated) {
      // Only the access token is new, and the refresh token we hold stays good: the write is a
      // cache for other processes, whose failure costs one refresh elsewhere. The token is handed
      // out without waiting for it. Until it lands, other processes see the generation pending
      // and read the keychain again or, when the refresh was not marked (./token-sync.ts), keep
      // the tokens in their memory, whose refresh token is this one.
      state.savingGeneration = generation;
      const saving = earlier
        .then(() => this.vault.setTokens(account.name, tokens))
        .then(
          () => settleQuietly(onSaved),
          () => undefined,
        )
        .finally(() => {
          if (state.saving === saving) {
            state.saving = undefined;
            state.savingGeneration = undefined;
          }
        });
      state.saving = saving;
      return;
    }
    state.unsaved = tokens;
    await earlier;
    let lastError: unknown;
    for (let attempt = 0; attempt < this.saveAttempts; attempt++) {
      try {
        await this.vault.setTokens(account.name, tokens);
        state.unsaved = undefined;
        // The keychain has it: a ledger that cannot be written now costs other processes one
        // keychain read, and must not be taken for the keychain refusing the token.
        settleQuietly(onSaved);
        return;
      } catch (err) {
        lastError = err;
        if (isTokenTrayError(err, 'secret_too_large')) break; // a size never changes
        await sleep(this.clock, 100 * 3 ** attempt);
      }
    }
    const tooLarge = isTokenTrayError(lastError, 'secret_too_large') ? lastError : undefined;
    const reason = tooLarge
      ? `The provider rotated the refresh token, and the new one is too large to keep. ${tooLarge.message}`
      : 'The provider rotated the refresh token, and the OS keychain would not store the new one.';
    await this.health.markSignInRequired(account, state, reason).catch(() => undefined);
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

  /** Retries saving a rotated token set held only in memory; true once the keychain has it. */
  async retryUnsaved(name: string, state: AccountState | undefined): Promise<boolean> {
    const tokens = state?.unsaved;
    if (state === undefined || tokens === undefined) return true;
    try {
      await this.vault.setTokens(name, tokens);
    } catch {
      return false;
    }
    state.unsaved = undefined;
    state.adopt(tokens, state.generation);
    await this.health.signedInAgain(name);
    return true;
  }
}

/** Runs the ledger's settle, which is bookkeeping only: a failure there costs a keychain read. */
function settleQuietly(onSaved: () => void): void {
  try {
    onSaved();
  } catch {
    // The generation stays pending; other processes read the keychain again, as they should.
  }
}

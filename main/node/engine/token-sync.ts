import type { AccessTokenRecord, Account } from '../../common/account.js';
import { refreshKillsPreviousToken } from '../../common/provider-traits.js';
import type { SecretVault } from '../keychain/secret-vault.js';
import type { RefreshTokenOrigin, TokenLedger } from '../settings/token-ledger.js';
import type { TokenTimes } from './account-health.js';
import type { AccountState } from './account-state.js';

/**
 * What keeps one process's memory of an account's tokens in step with the keychain, which other
 * processes write too, without reading a secret to find out: the token ledger's generation (see
 * ../settings/token-ledger.ts). The keychain is read only when the generation moved.
 */
export class TokenSync {
  constructor(
    private readonly vault: SecretVault,
    private readonly ledger: TokenLedger,
  ) {}

  /** The current token's times, from memory, or from the ledger when another process moved on. */
  times(account: Account, state: AccountState): TokenTimes | undefined {
    const entry = this.ledger.read(account.name, account.createdAt);
    const fromLedger =
      entry?.expiresAt !== undefined && entry.issuedAt !== undefined
        ? { issuedAt: entry.issuedAt, expiresAt: entry.expiresAt, scope: entry.scope }
        : undefined;
    const moved =
      entry !== undefined && (entry.pending === true || entry.generation !== state.generation);
    return moved || state.record === undefined ? (fromLedger ?? state.record) : state.record;
  }

  /**
   * Whether memory may be behind the keychain: never read, or another process stored tokens
   * since (the ledger's generation moved). Providers whose refresh ends the previous access token
   * make this matter even for a token that looks fresh.
   */
  changedElsewhere(account: Account, state: AccountState): boolean {
    if (!state.loaded) return true;
    if (state.unsaved !== undefined) return false;
    if (!refreshKillsPreviousToken(account.provider) && state.record !== undefined) return false;
    return this.movedOn(account, state);
  }

  /** Reads the token set, once for every caller meanwhile (one D-Bus round trip for a crowd). */
  async load(name: string, state: AccountState, shared: boolean): Promise<void> {
    if (shared && state.reading !== undefined) return state.reading;
    const reading = (async () => {
      await state.saving; // our own write first, so the read cannot see what it replaces
      // The generation first: if it moves during the read, the next check reads again.
      const generation = this.ledger.settled(name, state.createdAt);
      state.adopt(await this.vault.getTokens(name), generation);
    })();
    if (!shared) return reading;
    state.reading = reading.finally(() => {
      state.reading = undefined;
    });
    return state.reading;
  }

  /** Whether the keychain may hold other tokens than memory: unknown, or stored elsewhere since. */
  movedOn(account: Account, state: AccountState): boolean {
    if (!state.loaded || state.generation === undefined) return true;
    const entry = this.ledger.read(account.name, account.createdAt);
    if (entry === undefined || entry.generation !== state.generation) return true;
    // Pending is someone's write under way: only ours (a cache write not yet landed) is known.
    return entry.pending === true && state.savingGeneration !== entry.generation;
  }

  /** The client secret, read once per account and process; a failed read is tried again. */
  clientSecret(name: string, state: AccountState): Promise<string | undefined> {
    if (state.clientSecret === undefined) {
      const reading = this.vault.get(name, 'client_secret');
      state.clientSecret = reading;
      reading.catch(() => {
        if (state.clientSecret === reading) state.clientSecret = undefined;
      });
    }
    return state.clientSecret;
  }

  /** Moves the generation on, pending, before a refresh token is presented. */
  advance(account: Account): number {
    return this.ledger.advance(account.name, account.createdAt);
  }

  /** The answer of `generation` is in the keychain. */
  settle(
    account: Account,
    generation: number,
    record: AccessTokenRecord,
    origin: RefreshTokenOrigin,
  ): void {
    this.ledger.settle(account.name, account.createdAt, generation, record, origin);
  }

  removed(name: string): void {
    this.ledger.remove(name);
  }
}

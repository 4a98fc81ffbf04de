import type { AccessTokenRecord, Account } from '../../common/account.js';
import { isTokenTrayError } from '../../common/errors.js';
import { refreshKillsPreviousToken } from '../../common/provider-traits.js';
import type { SecretVault } from '../keychain/secret-vault.js';
import type { LedgerEntry, RefreshTokenOrigin, TokenLedger } from '../settings/token-ledger.js';
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

  /** The account's ledger entry now: under the lock, read once for the checks and the move after. */
  entry(account: Account): LedgerEntry | undefined {
    return this.ledger.read(account.name, account.createdAt);
  }

  /**
   * Reads every account's token set into memory that is not there yet: one keychain read each,
   * shared with any caller meanwhile. The app does this once at its start, so a keychain that is
   * missing, locked or refused shows then, with the app up to explain it, not at the first copy.
   */
  async loadEvery(accounts: Account[], stateOf: (account: Account) => AccountState): Promise<void> {
    for (const account of accounts) {
      const state = stateOf(account);
      // An account whose settings name other endpoints than its secrets were stored for is that
      // account's problem, not the keychain's: it refuses when used, and the others load.
      if (!state.loaded)
        await this.load(account.name, state, true).catch((err: unknown) => {
          if (!isTokenTrayError(err, 'secret_not_bound')) throw err;
        });
    }
  }

  /** Whether the keychain may hold other tokens than memory: unknown, or stored elsewhere since. */
  movedOn(account: Account, state: AccountState, entry = this.entry(account)): boolean {
    if (!state.loaded || state.generation === undefined) return true;
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

  /**
   * Whether the generation is marked pending before the refresh token is presented (RFC 9700
   * §4.14.2): when the answer may rotate it, other processes must not trust the refresh token in
   * their memory from the server's answer until the keychain has the new one, killed in between
   * or not. It may, unless the last refresh kept the refresh token: then this one most likely
   * keeps it too, and one ledger write once the keychain has the new access token says all. Should
   * the server rotate after all, the mark is made before the keychain write ({@link advance} with
   * the answer in hand), which is as safe: until that write the keychain and every process's
   * memory hold the same refresh token, the one just spent, and that loss no mark could prevent.
   * A machine account has no refresh token to spend; a provider whose refresh ends the previous
   * access token is always marked, so other processes stop trusting theirs at once.
   */
  marksBeforePresenting(account: Account, entry: LedgerEntry | undefined): boolean {
    if (account.grant === 'client_credentials') return false;
    if (refreshKillsPreviousToken(account.provider)) return true;
    // Pending: an earlier change never settled (killed, or a rotated token the keychain refused).
    return entry?.kept !== true || entry.pending === true;
  }

  /** Moves the generation on, pending, before the keychain's refresh token may change. */
  advance(account: Account, entry?: LedgerEntry): number {
    return this.ledger.advance(account.name, account.createdAt, entry);
  }

  /**
   * The pending mark for a rotation that was not expected, made with the answer in hand right
   * before the keychain write. Nothing may stop that write, so a ledger that cannot be written is
   * removed instead: other processes read a missing entry as unknown, as they read pending.
   */
  markRotated(account: Account, entry: LedgerEntry | undefined): number {
    try {
      return this.advance(account, entry);
    } catch {
      try {
        this.ledger.remove(account.name);
      } catch {
        // Neither: the rotated token is still saved; only the other processes' hint is lost.
      }
      return this.reserve(account, entry);
    }
  }

  /** The next generation, unwritten: {@link settle} records it once the keychain has the tokens. */
  reserve(account: Account, entry: LedgerEntry | undefined): number {
    return this.ledger.reserve(account.name, entry);
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

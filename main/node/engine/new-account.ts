import type { AccessTokenRecord, Account } from '../../common/account.js';
import { accountExists } from '../../common/add-account-rules.js';
import { TokenTrayError, asTokenTrayError } from '../../common/errors.js';
import { checkSecretSize, type StoredTokens } from '../keychain/secret-vault.js';
import type { RefreshOutcome } from '../oauth/token-client.js';
import type { GrantOutcome } from '../oauth/token-response.js';
import { clearIntent, writeIntent } from '../settings/account-journal.js';
import { withAccountLock } from './account-lock.js';
import { engineParts } from './engine-parts.js';
import { revokeGrant } from './grant-revocation.js';
import { insertAccount, settleName } from './interrupted-operations.js';
import type { TokenEngine } from './token-engine.js';

/**
 * Proves a pasted refresh token with one refresh (RFC 6749 §6) before keeping anything.
 *
 * The refresh may spend the pasted token (a rotating server replaces it, RFC 9700 §4.14.2), so
 * everything needed to keep its successor is in hand first: the account's lock, the name free, the
 * intent written down (so a kill at any later point is finished at the next start), the token's
 * size within our limit, and the keychain proven writable by storing the client secret. If the
 * refresh fails, nothing is kept. If it succeeds, the successor and its access token go to the
 * keychain at once, in one write.
 */
export async function provePastedToken(
  engine: TokenEngine,
  account: Account,
  clientSecret: string | undefined,
  refreshToken: string,
): Promise<{ account: Account; token: AccessTokenRecord }> {
  checkSecretSize('refresh_token', refreshToken);
  return withAccountLock(engine, account.name, async () => {
    await beginAdd(engine, account);
    let outcome: RefreshOutcome;
    try {
      await keepClientSecret(engine, account, clientSecret);
      outcome = await engineParts(engine).client.refresh(account, clientSecret, refreshToken);
    } catch (err) {
      await undoAdd(engine, account.name);
      throw err;
    }
    const tokens = {
      refreshToken: outcome.rotatedRefreshToken ?? refreshToken,
      record: outcome.record,
    };
    try {
      await engineParts(engine).vault.setTokens(account.name, tokens, account);
    } catch (err) {
      await undoAdd(engine, account.name);
      if (outcome.rotatedRefreshToken === undefined) throw err;
      throw rotatedNotKept(err);
    }
    await finishAdd(engine, account, outcome.record);
    return { account, token: outcome.record };
  });
}

/**
 * Stores an account whose first tokens came from a sign-in or a client-credentials grant: the
 * intent first, then the keychain, the settings last. A failure before the settings write leaves
 * nothing behind; a failure of the settings write keeps the grant, and the next start finishes it.
 */
export async function storeNewAccount(
  engine: TokenEngine,
  account: Account,
  clientSecret: string | undefined,
  grant: GrantOutcome,
): Promise<Account> {
  const stored = grant.who === undefined ? account : { ...account, who: grant.who };
  return withAccountLock(engine, account.name, async () => {
    await beginAdd(engine, stored);
    try {
      await keepClientSecret(engine, stored, clientSecret);
      await engineParts(engine).vault.setTokens(stored.name, tokenSet(grant), stored);
    } catch (err) {
      await undoAdd(engine, stored.name);
      throw err;
    }
    await finishAdd(engine, stored, grant.record);
    return stored;
  });
}

/** The refresh token (when the grant has one) and the access token, saved in one write. */
export function tokenSet(grant: Pick<GrantOutcome, 'record' | 'refreshToken'>): StoredTokens {
  return {
    ...(grant.refreshToken === undefined ? {} : { refreshToken: grant.refreshToken }),
    record: grant.record,
  };
}

/** Under the account's lock: a half-done operation on the name first, then the intent. */
async function beginAdd(engine: TokenEngine, account: Account): Promise<void> {
  await settleName(engine, account.name, (a) => revokeGrant(engine, a));
  // Checked again under the lock: another process may have taken the name meanwhile, and its
  // keychain entries must not be touched by our clean-up.
  const { settings } = engineParts(engine);
  if (settings.account(account.name) !== undefined) throw accountExists(account.name);
  await writeIntent(settings.dataDir, { op: 'add', account });
}

async function keepClientSecret(
  engine: TokenEngine,
  account: Account,
  clientSecret: string | undefined,
): Promise<void> {
  if (clientSecret !== undefined && account.clientAuth !== 'none')
    await engineParts(engine).vault.set(account.name, 'client_secret', clientSecret, account);
}

async function undoAdd(engine: TokenEngine, name: string): Promise<void> {
  const { vault, settings } = engineParts(engine);
  await vault.deleteAccount(name).catch(() => undefined);
  await clearIntent(settings.dataDir, name).catch(() => undefined);
}

/**
 * The grant is kept in the keychain by now. If the settings file cannot be written, the intent
 * stays, and the next add, remove or list finishes the add.
 */
async function finishAdd(
  engine: TokenEngine,
  account: Account,
  record: AccessTokenRecord,
): Promise<void> {
  try {
    await insertAccount(engine, account);
  } catch (err) {
    const error = asTokenTrayError(err);
    throw new TokenTrayError(
      error.code,
      `The new account's refresh token is safe in the OS keychain, but the settings file could not be written: ${error.message}`,
      {
        hint: `Run \`tokentray list\` once the settings file is writable: it finishes adding "${account.name}".`,
        cause: err,
      },
    );
  }
  await clearIntent(engineParts(engine).settings.dataDir, account.name);
  engine.tokensReplaced(account, record);
}

function rotatedNotKept(err: unknown): TokenTrayError {
  const error = asTokenTrayError(err);
  const why =
    error.code === 'secret_too_large'
      ? `but the new one is too large to keep: ${error.message}`
      : 'but the OS keychain would not store the new one';
  return new TokenTrayError(
    error.code === 'secret_too_large' ? 'secret_too_large' : 'keychain_write_failed',
    `The provider accepted the refresh token and replaced it with a new one, ${why}. Nothing was kept.`,
    {
      hint: 'The pasted refresh token is spent. Sign in again (--login or --device) for a new one.',
      cause: err,
    },
  );
}

import { join } from 'node:path';
import type { AccessTokenRecord, Account, ClientAuthMethod } from '../../common/account.js';
import type { RemoveOutcome } from '../../common/ipc-contract.js';
import { TokenTrayError, asTokenTrayError } from '../../common/errors.js';
import { formatError } from '../../common/redact.js';
import { withFileLock } from '../file-lock.js';
import { checkSecretSize } from '../keychain/secret-vault.js';
import type { RefreshOutcome } from '../oauth/token-client.js';
import type { GrantOutcome } from '../oauth/token-response.js';
import { locksDir } from '../paths.js';
import { accountExists, draftAccount } from '../sign-in/account-draft.js';
import {
  assertNotBeingRemoved,
  clearIntent,
  readIntent,
  writeIntent,
} from '../settings/account-journal.js';
import {
  asOperation,
  deleteAccountEntry,
  insertAccount,
  settleInterrupted,
  settleName,
} from './interrupted-operations.js';
import type { TokenEngine } from './token-engine.js';

export interface NewAccount {
  name: string;
  label?: string;
  /** One of the two: the token endpoint itself, or an issuer to discover it from. */
  tokenEndpoint?: string;
  issuer?: string;
  clientId: string;
  clientAuth?: ClientAuthMethod;
  scopes: string[];
  clientSecret?: string;
  refreshToken: string;
}

/** Adds an account from a pasted refresh token (the classic way), proving it with one refresh. */
export async function addAccount(
  engine: TokenEngine,
  input: NewAccount,
): Promise<{ account: Account; token: AccessTokenRecord }> {
  const { account, clientSecret } = await draftAccount(engine, {
    name: input.name,
    provider: input.issuer === undefined ? 'custom' : 'oidc',
    method: 'paste',
    clientId: input.clientId,
    scopes: input.scopes,
    refreshToken: input.refreshToken,
    ...(input.label === undefined ? {} : { label: input.label }),
    ...(input.issuer === undefined ? {} : { issuer: input.issuer }),
    ...(input.tokenEndpoint === undefined ? {} : { tokenEndpoint: input.tokenEndpoint }),
    ...(input.clientSecret === undefined ? {} : { clientSecret: input.clientSecret }),
    ...(input.clientAuth === undefined ? {} : { clientAuth: input.clientAuth }),
  });
  await engine.vault.probe();
  return provePastedToken(engine, account, clientSecret, input.refreshToken.trim());
}

/**
 * Proves a pasted refresh token with one refresh (RFC 6749 §6) before keeping anything.
 *
 * The refresh may spend the pasted token (a rotating server replaces it, RFC 9700 §4.14.2), so
 * everything needed to keep its successor is in hand first: the account's lock, the name free, the
 * intent written down (so a kill at any later point is finished at the next start), the token's
 * size within our limit, and the keychain proven writable by storing the client secret. If the
 * refresh fails, nothing is kept. If it succeeds, the successor goes to the keychain at once.
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
      outcome = await engine.client.refresh(account, clientSecret, refreshToken);
    } catch (err) {
      await undoAdd(engine, account.name);
      throw err;
    }
    const kept = outcome.rotatedRefreshToken ?? refreshToken;
    try {
      await engine.vault.set(account.name, 'refresh_token', kept, account);
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
      if (grant.refreshToken !== undefined)
        await engine.vault.set(stored.name, 'refresh_token', grant.refreshToken, stored);
    } catch (err) {
      await undoAdd(engine, stored.name);
      throw err;
    }
    await finishAdd(engine, stored, grant.record);
    return stored;
  });
}

/** Under the account's lock: a half-done operation on the name first, then the intent. */
async function beginAdd(engine: TokenEngine, account: Account): Promise<void> {
  await settleName(engine, account.name, (a) => revokeGrant(engine, a));
  // Checked again under the lock: another process may have taken the name meanwhile, and its
  // keychain entries must not be touched by our clean-up.
  if (engine.settings.account(account.name) !== undefined) throw accountExists(account.name);
  await writeIntent(engine.settings.dataDir, { op: 'add', account });
}

async function keepClientSecret(
  engine: TokenEngine,
  account: Account,
  clientSecret: string | undefined,
): Promise<void> {
  if (clientSecret !== undefined && account.clientAuth !== 'none')
    await engine.vault.set(account.name, 'client_secret', clientSecret, account);
}

async function undoAdd(engine: TokenEngine, name: string): Promise<void> {
  await engine.vault.deleteAccount(name).catch(() => undefined);
  await clearIntent(engine.settings.dataDir, name).catch(() => undefined);
}

/**
 * The grant is kept in the keychain by now. The access token is only a cache. If the settings file
 * cannot be written, the intent stays, and the next add, remove or list finishes the add.
 */
async function finishAdd(
  engine: TokenEngine,
  account: Account,
  record: AccessTokenRecord,
): Promise<void> {
  await engine.vault.setAccessToken(account.name, record).catch(() => undefined);
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
  await clearIntent(engine.settings.dataDir, account.name);
  engine.forget(account.name);
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

/** After signing in again: the new grant replaces the dead one, and the account is usable again. */
export async function replaceGrant(
  engine: TokenEngine,
  name: string,
  grant: GrantOutcome,
): Promise<Account> {
  return withAccountLock(engine, name, async () => {
    assertNotBeingRemoved(engine.settings.dataDir, name);
    engine.settings.requireAccount(name);
    if (grant.refreshToken !== undefined)
      await engine.vault.set(name, 'refresh_token', grant.refreshToken);
    await engine.vault.setAccessToken(name, grant.record);
    await engine.settings.patchAccount(name, (a) => {
      delete a.signInRequired;
      delete a.lastError;
      if (grant.who !== undefined) a.who = grant.who;
    });
    engine.forget(name);
    return engine.settings.requireAccount(name);
  });
}

/**
 * Removes an account: the removal is written down first, and from then on the account is never
 * served (no cached token goes out, in this process or any other). Then the provider is asked to
 * revoke the grant (RFC 7009) unless told not to, and every keychain entry and the settings entry
 * are deleted, whether revocation worked or not. A removal killed half-way is finished by the next
 * one. A name with keychain entries but no settings entry (left by an older version, or another
 * program) gets its entries deleted.
 */
export async function removeAccount(
  engine: TokenEngine,
  name: string,
  options: { revoke?: boolean } = {},
): Promise<RemoveOutcome> {
  const { dataDir } = engine.settings;
  const revoke = options.revoke !== false;
  const outcome = await withAccountLock(engine, name, async (): Promise<RemoveOutcome> => {
    const interrupted = readIntent(dataDir, name);
    const account = engine.settings.account(name);
    if (account === undefined) {
      // Only leftovers: an interrupted add (undone: the user asked to remove it), or entries
      // without an account.
      const deleted = await engine.vault.deleteAccount(name);
      await clearIntent(dataDir, name);
      if (interrupted === undefined && deleted === 0) throw noSuchAccount(name);
      return {
        revocation: 'skipped',
        warning: `"${name}" was not a complete account: only what an interrupted add left behind. That was deleted.`,
      };
    }
    await writeIntent(dataDir, {
      op: 'remove',
      name,
      createdAt: account.createdAt,
      revoke,
    });
    engine.forget(name);
    const revoked = revoke
      ? await revokeGrant(engine, account)
      : { revocation: 'skipped' as const };
    await engine.vault.deleteAccount(name);
    await deleteAccountEntry(engine, name);
    await clearIntent(dataDir, name);
    return revoked;
  });
  engine.forget(name);
  return outcome;
}

/** What a killed add or remove left behind, finished or undone; for the next start. */
export async function settleInterruptedOperations(engine: TokenEngine): Promise<void> {
  await settleInterrupted(
    engine,
    (name, work) => withAccountLock(engine, name, work),
    (account) => revokeGrant(engine, account),
  );
}

function noSuchAccount(name: string): TokenTrayError {
  return new TokenTrayError('no_such_account', `There is no account named "${name}".`, {
    hint: 'Run `tokentray list` to see your accounts.',
  });
}

/** RFC 7009 §2: revoke the refresh token (and so the grant), or a machine account's access token. */
async function revokeGrant(engine: TokenEngine, account: Account): Promise<RemoveOutcome> {
  if (account.revocationEndpoint === undefined) return { revocation: 'unsupported' };
  try {
    const machine = account.grant === 'client_credentials';
    const token = machine
      ? (await engine.vault.getAccessToken(account.name))?.accessToken
      : await engine.currentRefreshToken(account.name);
    if (token === undefined) return { revocation: 'skipped' };
    const secret =
      account.clientAuth === 'none'
        ? undefined
        : await engine.vault.get(account.name, 'client_secret');
    await engine.client.revoke(account, secret, token, machine ? 'access_token' : 'refresh_token');
    return { revocation: 'revoked' };
  } catch (err) {
    return {
      revocation: 'failed',
      warning: `The provider could not be told to revoke access: ${formatError(err)}`,
    };
  }
}

function withAccountLock<T>(engine: TokenEngine, name: string, work: () => Promise<T>): Promise<T> {
  return asOperation(name, () =>
    withFileLock(join(locksDir(engine.settings.dataDir), `account-${name}`), work),
  );
}

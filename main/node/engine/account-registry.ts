import { join } from 'node:path';
import type { AccessTokenRecord, Account } from '../../common/account.js';
import { accountExists } from '../../common/add-account-rules.js';
import type { RemoveOutcome } from '../../common/ipc-contract.js';
import { TokenTrayError } from '../../common/errors.js';
import { formatError } from '../../common/redact.js';
import { withFileLock } from '../file-lock.js';
import type { GrantOutcome } from '../oauth/token-response.js';
import { locksDir } from '../paths.js';
import { engineParts, type TokenEngine } from './token-engine.js';

/**
 * Proves a pasted refresh token with one refresh (RFC 6749 §6) before keeping anything. If the
 * refresh fails, nothing is stored. If it succeeds, the (possibly rotated, so the only live)
 * refresh token goes to the keychain before the account appears in the settings.
 */
export async function provePastedToken(
  engine: TokenEngine,
  account: Account,
  clientSecret: string | undefined,
  refreshToken: string,
): Promise<{ account: Account; token: AccessTokenRecord }> {
  return withAccountLock(engine, account.name, async () => {
    if (engineParts(engine).settings.account(account.name) !== undefined)
      throw accountExists(account.name);
    const outcome = await engineParts(engine).client.refresh(account, clientSecret, refreshToken);
    try {
      await writeNewAccount(engine, account, clientSecret, {
        record: outcome.record,
        refreshToken: outcome.rotatedRefreshToken ?? refreshToken,
      });
    } catch (err) {
      if (outcome.rotatedRefreshToken === undefined) throw err;
      // RFC 9700 §4.14.2: the pasted token is spent now, and its successor could not be kept.
      throw new TokenTrayError(
        'keychain_write_failed',
        'The provider accepted the refresh token and replaced it with a new one, but the OS keychain would not store the new one, so nothing was kept.',
        {
          hint: 'The pasted refresh token is spent. Repair or unlock the keychain, then sign in again (--login or --device) for a new one.',
          cause: err,
        },
      );
    }
    return { account, token: outcome.record };
  });
}

/**
 * Stores an account whose first tokens came from a sign-in or a client-credentials grant: the
 * keychain first, the settings last, and on any failure nothing of it is left behind.
 */
export async function storeNewAccount(
  engine: TokenEngine,
  account: Account,
  clientSecret: string | undefined,
  grant: GrantOutcome,
): Promise<Account> {
  return withAccountLock(engine, account.name, async () => {
    // Checked again under the lock: another process may have taken the name meanwhile, and its
    // keychain entries must not be touched by our clean-up.
    if (engineParts(engine).settings.account(account.name) !== undefined)
      throw accountExists(account.name);
    const stored = grant.who === undefined ? account : { ...account, who: grant.who };
    await writeNewAccount(engine, stored, clientSecret, grant);
    return stored;
  });
}

async function writeNewAccount(
  engine: TokenEngine,
  account: Account,
  clientSecret: string | undefined,
  grant: Pick<GrantOutcome, 'record' | 'refreshToken'>,
): Promise<void> {
  const { name } = account;
  try {
    await engineParts(engine).vault.setTokens(name, tokenSet(grant));
    if (clientSecret !== undefined && account.clientAuth !== 'none')
      await engineParts(engine).vault.set(name, 'client_secret', clientSecret);
    await engineParts(engine).settings.mutate((data) => {
      data.accounts[name] = account;
      data.defaultAccount ??= name;
    });
  } catch (err) {
    await engineParts(engine)
      .vault.deleteAccount(name)
      .catch(() => undefined);
    throw err;
  }
  engine.tokensReplaced(account, grant.record);
}

/** The refresh token (when the grant has one) and the access token, saved in one write. */
function tokenSet(grant: Pick<GrantOutcome, 'record' | 'refreshToken'>) {
  return {
    ...(grant.refreshToken === undefined ? {} : { refreshToken: grant.refreshToken }),
    record: grant.record,
  };
}

/** After signing in again: the new grant replaces the dead one, and the account is usable again. */
export async function replaceGrant(
  engine: TokenEngine,
  name: string,
  grant: GrantOutcome,
): Promise<Account> {
  return withAccountLock(engine, name, async () => {
    engineParts(engine).settings.requireAccount(name);
    // A machine account has no refresh token: keep none. Otherwise the new one replaces the dead.
    await engineParts(engine).vault.setTokens(name, tokenSet(grant));
    await engineParts(engine).settings.patchAccount(name, (a) => {
      delete a.signInRequired;
      delete a.lastError;
      if (grant.who !== undefined) a.who = grant.who;
    });
    const account = engineParts(engine).settings.requireAccount(name);
    engine.tokensReplaced(account, grant.record);
    return account;
  });
}

/**
 * Removes an account: first asks the provider to revoke its grant (RFC 7009) unless told not to,
 * then deletes every keychain entry and the settings entry, whether revocation worked or not.
 */
export async function removeAccount(
  engine: TokenEngine,
  name: string,
  options: { revoke?: boolean } = {},
): Promise<RemoveOutcome> {
  const account = engineParts(engine).settings.requireAccount(name);
  const outcome = await withAccountLock(engine, name, async () => {
    const revoked =
      options.revoke === false
        ? { revocation: 'skipped' as const }
        : await revokeGrant(engine, account);
    await engineParts(engine).vault.deleteAccount(name);
    await engineParts(engine).settings.mutate((data) => {
      data.accounts = Object.fromEntries(
        Object.entries(data.accounts).filter(([key]) => key !== name),
      );
      if (data.defaultAccount === name) {
        const next = Object.keys(data.accounts).sort()[0];
        if (next === undefined) delete data.defaultAccount;
        else data.defaultAccount = next;
      }
    });
    engine.removed(name);
    return revoked;
  });
  return outcome;
}

/** RFC 7009 §2: revoke the refresh token (and so the grant), or a machine account's access token. */
async function revokeGrant(engine: TokenEngine, account: Account): Promise<RemoveOutcome> {
  if (account.revocationEndpoint === undefined) return { revocation: 'unsupported' };
  try {
    const machine = account.grant === 'client_credentials';
    const token = machine
      ? (await engineParts(engine).vault.getAccessToken(account.name))?.accessToken
      : await engine.currentRefreshToken(account.name);
    if (token === undefined) return { revocation: 'skipped' };
    const secret =
      account.clientAuth === 'none'
        ? undefined
        : await engineParts(engine).vault.get(account.name, 'client_secret');
    await engineParts(engine).client.revoke(
      account,
      secret,
      token,
      machine ? 'access_token' : 'refresh_token',
    );
    return { revocation: 'revoked' };
  } catch (err) {
    return {
      revocation: 'failed',
      warning: `The provider could not be told to revoke access: ${formatError(err)}`,
    };
  }
}

function withAccountLock<T>(engine: TokenEngine, name: string, work: () => Promise<T>): Promise<T> {
  return withFileLock(
    join(locksDir(engineParts(engine).settings.dataDir), `account-${name}`),
    work,
  );
}

import type { Account } from '../../common/account.js';
import type { RemoveOutcome } from '../../common/ipc-contract.js';
import { TokenTrayError } from '../../common/errors.js';
import type { GrantOutcome } from '../oauth/token-response.js';
import {
  assertNotBeingRemoved,
  clearIntent,
  readIntent,
  writeIntent,
} from '../settings/account-journal.js';
import { withAccountLock } from './account-lock.js';
import { engineParts } from './engine-parts.js';
import { revokeGrant } from './grant-revocation.js';
import { deleteAccountEntry, settleInterrupted } from './interrupted-operations.js';
import { tokenSet } from './new-account.js';
import type { TokenEngine } from './token-engine.js';

export { provePastedToken, storeNewAccount } from './new-account.js';

/** After signing in again: the new grant replaces the dead one, and the account is usable again. */
export async function replaceGrant(
  engine: TokenEngine,
  name: string,
  grant: GrantOutcome,
): Promise<Account> {
  const { settings, vault } = engineParts(engine);
  return withAccountLock(engine, name, async () => {
    assertNotBeingRemoved(settings.dataDir, name);
    settings.requireAccount(name);
    // A machine account has no refresh token: keep none. Otherwise the new one replaces the dead.
    await vault.setTokens(name, tokenSet(grant));
    await settings.patchAccount(name, (a) => {
      delete a.signInRequired;
      delete a.lastError;
      if (grant.who !== undefined) a.who = grant.who;
    });
    const account = settings.requireAccount(name);
    engine.tokensReplaced(account, grant.record);
    return account;
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
  const { settings, vault } = engineParts(engine);
  const { dataDir } = settings;
  const revoke = options.revoke !== false;
  return withAccountLock(engine, name, async (): Promise<RemoveOutcome> => {
    const interrupted = readIntent(dataDir, name);
    const account = settings.account(name);
    if (account === undefined) {
      // Only leftovers: an interrupted add (undone: the user asked to remove it), or entries
      // without an account.
      const deleted = await vault.deleteAccount(name);
      await clearIntent(dataDir, name);
      engine.removed(name);
      if (interrupted === undefined && deleted === 0) throw noSuchAccount(name);
      return {
        revocation: 'skipped',
        warning: `"${name}" was not a complete account: only what an interrupted add left behind. That was deleted.`,
      };
    }
    await writeIntent(dataDir, { op: 'remove', name, createdAt: account.createdAt, revoke });
    const revoked = revoke
      ? await revokeGrant(engine, account)
      : { revocation: 'skipped' as const };
    await vault.deleteAccount(name);
    await deleteAccountEntry(engine, name);
    engine.removed(name);
    await clearIntent(dataDir, name);
    return revoked;
  });
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

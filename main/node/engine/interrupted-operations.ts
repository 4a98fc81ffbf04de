import type { Account } from '../../common/account.js';
import { isCertainlyDead, selfIdentity } from '../process-identity.js';
import { clearIntent, namesWithIntents, readIntent } from '../settings/account-journal.js';
import { engineParts } from './engine-parts.js';
import type { TokenEngine } from './token-engine.js';

/**
 * Finishes or undoes an add or remove of `name` that a killed process left half-done, so that
 * nothing is ever half-present: an account is in both stores or in neither. The caller holds the
 * account's lock, so the intent's writer is gone (or has lost its claim to the name).
 *
 * - An add whose grant is in the keychain is finished: that refresh token may be the only live
 *   one (the pasted one was spent to get it). Without it, the add is undone.
 * - A remove is finished. Its revocation is asked for again when it was asked for: RFC 7009 §2.2
 *   makes revoking an already revoked token harmless.
 */
export async function settleName(
  engine: TokenEngine,
  name: string,
  revoke: (account: Account) => Promise<unknown>,
): Promise<void> {
  const { settings, vault } = engineParts(engine);
  const { dataDir } = settings;
  const intent = readIntent(dataDir, name);
  if (intent === undefined) {
    await clearIntent(dataDir, name); // an unreadable one
    return;
  }
  const current = settings.account(name);
  if (intent.op === 'add') {
    const { account } = intent;
    if (current === undefined) {
      // One token-set entry holds the grant: a refresh token, or a machine account's access token.
      const kept = await vault.getTokens(name, account);
      const machine = account.grant === 'client_credentials';
      if ((machine ? kept.record : kept.refreshToken) !== undefined)
        await insertAccount(engine, account);
      else await vault.deleteAccount(name);
    }
  } else if (current === undefined || current.createdAt === intent.createdAt) {
    if (current !== undefined && intent.revoke) await revoke(current).catch(() => undefined);
    await vault.deleteAccount(name);
    if (current !== undefined) await deleteAccountEntry(engine, name);
    engine.removed(name);
  }
  engine.forget(name);
  await clearIntent(dataDir, name);
}

/** Names with an add or remove under way in this process. */
const underWay = new Set<string>();

/** Runs an add or remove of `name`, so that no settling step here takes it for interrupted. */
export async function asOperation<T>(name: string, work: () => Promise<T>): Promise<T> {
  underWay.add(name);
  try {
    return await work();
  } finally {
    underWay.delete(name);
  }
}

/**
 * Every interrupted operation: those whose process is gone, and this process's own that ended
 * without finishing (a settings write that failed). One under way anywhere is left be.
 */
export async function settleInterrupted(
  engine: TokenEngine,
  withLock: (name: string, work: () => Promise<void>) => Promise<void>,
  revoke: (account: Account) => Promise<unknown>,
): Promise<void> {
  const self = selfIdentity();
  const { dataDir } = engineParts(engine).settings;
  for (const name of namesWithIntents(dataDir)) {
    const intent = readIntent(dataDir, name);
    const ours =
      intent !== undefined &&
      intent.holder.host === self.host &&
      intent.holder.pid === self.pid &&
      intent.holder.start === self.start;
    if (ours ? underWay.has(name) : intent !== undefined && !isCertainlyDead(intent.holder))
      continue;
    await withLock(name, () => settleName(engine, name, revoke));
  }
}

export async function insertAccount(engine: TokenEngine, account: Account): Promise<void> {
  await engineParts(engine).settings.mutate((data) => {
    data.accounts[account.name] = account;
    data.defaultAccount ??= account.name;
  });
}

export async function deleteAccountEntry(engine: TokenEngine, name: string): Promise<void> {
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
}

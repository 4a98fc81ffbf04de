import { readFileSync } from 'node:fs';
import type { Account } from '../../common/account.js';
import { settingsPath } from '../paths.js';
import { isSettingsFileSafe } from '../private-folder.js';

/**
 * A read-only glance at one account, for the CLI's cached-token fast path only. Loading conf and its
 * schema compiler costs more than the rest of `tokentray token` together, so when a fresh token is
 * cached we answer from a plain read. Anything unexpected returns undefined, and the caller takes
 * the full path through the validated {@link SettingsStore}; nothing is ever written from here.
 */
export function peekAccount(dataDir: string, name: string): Account | undefined {
  try {
    if (!isSettingsFileSafe(dataDir)) return undefined; // the full path says why
    const data = JSON.parse(readFileSync(settingsPath(dataDir), 'utf8')) as {
      accounts?: Record<string, Account>;
    };
    const account =
      data.accounts !== undefined && Object.hasOwn(data.accounts, name)
        ? data.accounts[name]
        : undefined;
    if (typeof account !== 'object' || account === null || account.name !== name) return undefined;
    return account;
  } catch {
    return undefined;
  }
}

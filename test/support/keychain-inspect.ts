import { loadKeytar } from '../../main/node/keychain/keychain-backend.js';
import { DEFAULT_SERVICE, SecretVault } from '../../main/node/keychain/secret-vault.js';

/** The vault the CLI uses, opened by the test on the same private keychain. */
export const vault = new SecretVault(loadKeytar, DEFAULT_SERVICE);

/** Every entry TokenTray has in the keychain, as (account, password) pairs. */
export async function keychainEntries(): Promise<Array<{ account: string; password: string }>> {
  return (await loadKeytar()).findCredentials(DEFAULT_SERVICE);
}

/** Moves the cached access token's expiry into the past, as if its hour had gone by. */
export async function expireCachedToken(name: string): Promise<void> {
  const record = await vault.getAccessToken(name);
  if (record === undefined) throw new Error(`no cached token for ${name}`);
  await vault.setAccessToken(name, {
    ...record,
    issuedAt: record.issuedAt - 7_200_000,
    expiresAt: Date.now() - 1_000,
  });
}

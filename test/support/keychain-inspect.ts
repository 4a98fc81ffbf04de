import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadKeytar } from '../../main/node/keychain/keychain-backend.js';
import { SecretVault } from '../../main/node/keychain/secret-vault.js';

/** Every test service starts with this; the suite-level scan (scan-whole-keyring.ts) checks it. */
export const TEST_SERVICE_PREFIX = 'TokenTray-test-';

/**
 * The keychain service of one test file, named after it: each file has its own, so files run in
 * parallel against the one private Secret Service, and each file's leak checks see only its own.
 */
export function testService(fileUrl: string): string {
  return TEST_SERVICE_PREFIX + basename(fileURLToPath(fileUrl)).replace(/\.test\.ts$/, '');
}

/** A test's view of one keychain service, opened on the same private keychain as the CLI's. */
export interface KeychainView {
  readonly service: string;
  readonly vault: SecretVault;
  /** Every entry TokenTray has in this service, as (account, password) pairs. */
  entries(): Promise<Array<{ account: string; password: string }>>;
  /** Moves the cached access token's expiry into the past, as if its hour had gone by. */
  expireCachedToken(name: string): Promise<void>;
}

export function keychainOf(service: string): KeychainView {
  const vault = new SecretVault(loadKeytar, service);
  return {
    service,
    vault,
    entries: async () => (await loadKeytar()).findCredentials(service),
    async expireCachedToken(name) {
      const record = await vault.getAccessToken(name);
      if (record === undefined) throw new Error(`no cached token for ${name}`);
      await vault.setAccessToken(name, {
        ...record,
        issuedAt: record.issuedAt - 7_200_000,
        expiresAt: Date.now() - 1_000,
      });
    },
  };
}

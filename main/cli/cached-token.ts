import { loadKeytar } from '../node/keychain/keychain-backend.js';
import { SecretVault, keychainService } from '../node/keychain/secret-vault.js';
import { resolveDataDir } from '../node/paths.js';
import { peekAccount } from '../node/settings/settings-peek.js';
import type { TokenArgs } from './token-args.js';
import { formatToken } from './token-output.js';

/**
 * The fast path of `tokentray token`: when a token with enough life is cached in the keychain,
 * print it without loading the settings validator or the HTTP stack. Returns undefined whenever
 * anything needs the full path (no token, too old, sign-in required, any error), which then
 * reports problems properly.
 */
export async function cachedToken(args: TokenArgs): Promise<string | undefined> {
  try {
    const account = peekAccount(resolveDataDir(), args.name);
    if (account === undefined || account.signInRequired !== undefined) return undefined;
    const record = await new SecretVault(loadKeytar, keychainService()).getAccessToken(args.name);
    if (record === undefined || record.expiresAt - Date.now() < args.minTtl * 1000)
      return undefined;
    return formatToken(record, args.format);
  } catch {
    return undefined;
  }
}

import type { AccessTokenRecord } from '../common/account.js';
import { lastsLongEnough } from '../common/token-need.js';
import { isBeingRemoved } from '../node/settings/account-journal.js';
import { askBrokerForToken, type BrokerAnswer } from '../node/broker/broker-client.js';
import { loadKeytar } from '../node/keychain/keychain-backend.js';
import { SecretVault, keychainService } from '../node/keychain/secret-vault.js';
import { resolveDataDir } from '../node/paths.js';
import { peekAccount } from '../node/settings/settings-peek.js';
import type { TokenArgs } from './token-args.js';
import { formatToken } from './token-output.js';

/**
 * The fast path of `tokentray token`, without loading the settings validator or the HTTP stack.
 * First the running app (one local round trip, and the app alone refreshes while it runs), then a
 * fresh enough token cached in the keychain. Returns undefined whenever the full path must run:
 * no app and no usable cached token, or an error, which the full path then reports properly.
 */
export async function fastToken(args: TokenArgs): Promise<string | undefined> {
  const answer = await tokenFromApp(args);
  // A warning goes to stderr, which only the full path writes: let it answer.
  if (answer !== undefined)
    return answer.ok && answer.warning === undefined
      ? formatToken(answer.value, args.format)
      : undefined;
  return cachedToken(args);
}

let asked:
  { key: string; answer: Promise<BrokerAnswer<AccessTokenRecord> | undefined> } | undefined;

/**
 * The running app's answer, or undefined when none is running. Asked once per process: when the
 * fast path gets an error answer, the full path reports that same answer instead of asking again.
 */
export function tokenFromApp(
  args: TokenArgs,
): Promise<BrokerAnswer<AccessTokenRecord> | undefined> {
  const key = `${args.name}\0${String(args.minTtl)}`;
  if (asked?.key !== key) {
    asked = {
      key,
      answer: askBrokerForToken(resolveDataDir(), {
        name: args.name,
        service: keychainService(),
        ...(args.minTtl === undefined ? {} : { minTtl: args.minTtl }),
      }),
    };
  }
  return asked.answer;
}

/** A token that lives long enough for `--min-ttl`, straight from the keychain cache, or undefined. */
export async function cachedToken(args: TokenArgs): Promise<string | undefined> {
  try {
    const dataDir = resolveDataDir();
    const account = peekAccount(dataDir, args.name);
    if (account === undefined || account.signInRequired !== undefined) return undefined;
    if (isBeingRemoved(dataDir, args.name)) return undefined; // the full path says so
    const record = await new SecretVault(loadKeytar, keychainService()).getAccessToken(args.name);
    if (record === undefined || !lastsLongEnough(record, Date.now(), args.minTtl)) return undefined;
    return formatToken(record, args.format);
  } catch {
    return undefined;
  }
}

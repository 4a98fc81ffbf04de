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
 * The running app's answer to one query, asked for by the fast path and handed to the full path
 * of the same invocation, so that an error answer is reported as it came instead of being asked
 * for again.
 */
export interface HeldAppAnswer {
  key: string;
  answer: Promise<BrokerAnswer<AccessTokenRecord> | undefined>;
}

/**
 * The fast path of `tokentray token`, without loading the settings validator or the HTTP stack.
 * First the running app (one local round trip, and the app alone refreshes while it runs), then a
 * fresh enough token cached in the keychain. `out` is undefined whenever the full path must run:
 * no app and no usable cached token, or an error, which the full path then reports properly.
 */
export async function fastToken(
  args: TokenArgs,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ out?: string; held: HeldAppAnswer }> {
  const held = { key: answerKey(args, env), answer: askBroker(args, env) };
  const answered = await held.answer;
  // A warning goes to stderr, which only the full path writes: let it answer.
  if (answered !== undefined)
    return answered.ok && answered.warning === undefined
      ? { out: formatToken(answered.value, args.format), held }
      : { held };
  const out = await cachedToken(args, env);
  return out === undefined ? { held } : { out, held };
}

/** What every surface asks the app for: an account's token, with `--min-ttl` when given. */
export type AppQuery = Pick<TokenArgs, 'name' | 'minTtl'>;

/**
 * The running app's answer, or undefined when none is running. `held` is what the fast path
 * already asked, used when it was the same question.
 */
export function tokenFromApp(
  args: AppQuery,
  env: NodeJS.ProcessEnv,
  held: HeldAppAnswer | undefined,
): Promise<BrokerAnswer<AccessTokenRecord> | undefined> {
  if (held?.key === answerKey(args, env)) return held.answer;
  return askBroker(args, env);
}

function answerKey(args: AppQuery, env: NodeJS.ProcessEnv): string {
  return `${resolveDataDir(env)}\0${keychainService(env)}\0${args.name}\0${String(args.minTtl)}`;
}

function askBroker(args: AppQuery, env: NodeJS.ProcessEnv) {
  return askBrokerForToken(resolveDataDir(env), {
    name: args.name,
    service: keychainService(env),
    ...(args.minTtl === undefined ? {} : { minTtl: args.minTtl }),
  });
}

/** A token that lives long enough for `--min-ttl`, straight from the keychain cache, or undefined. */
export async function cachedToken(
  args: TokenArgs,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | undefined> {
  try {
    const dataDir = resolveDataDir(env);
    const account = peekAccount(dataDir, args.name);
    if (account === undefined || account.signInRequired !== undefined) return undefined;
    if (isBeingRemoved(dataDir, args.name)) return undefined; // the full path says so
    const record = await new SecretVault(loadKeytar, keychainService(env)).getAccessToken(
      args.name,
    );
    if (record === undefined || !lastsLongEnough(record, Date.now(), args.minTtl)) return undefined;
    return formatToken(record, args.format);
  } catch {
    return undefined;
  }
}

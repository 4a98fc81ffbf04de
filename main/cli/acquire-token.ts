import type { AccessTokenRecord } from '../common/account.js';
import { askBrokerToRefresh } from '../node/broker/broker-client.js';
import { forgetAppAnswer, tokenFromApp } from './cached-token.js';
import type { CliContext } from './cli-context.js';

/**
 * The one way every CLI surface (token, exec, git-credential, serve) gets an access token, so each
 * follows the engine's rules: while the app runs it answers (and alone refreshes); otherwise this
 * process asks the engine, which refreshes only when the stored token has less than `minTtl` left,
 * once however many callers ask, under the account's lock.
 */
export async function acquireToken(
  context: CliContext,
  query: { name: string; minTtl: number },
): Promise<AccessTokenRecord> {
  const answer = await tokenFromApp(query, context.env);
  // The fast path's answer is reused once; a long-running caller (serve) must ask anew each time.
  forgetAppAnswer();
  if (answer?.ok === false) throw answer.error;
  return answer?.value ?? context.engine().getToken(query.name, { minTtl: query.minTtl });
}

/**
 * A refresh now, by the app while it runs or else by this process. Carries no token back: the
 * caller asks {@link acquireToken} for it, like everyone else.
 */
export async function forceRefresh(context: CliContext, name: string): Promise<number> {
  const answer = await askBrokerToRefresh(context.dataDir, {
    name,
    service: context.keychainService,
  });
  if (answer?.ok === false) throw answer.error;
  return answer?.value.expiresAt ?? (await context.engine().refresh(name)).expiresAt;
}

/**
 * What a consumer that was refused a token asks for (git's `erase`): a refresh, but only when the
 * refused token is still the current one. A refused older token says nothing about the current
 * one, and refreshing for it would waste a rotation (and, at GitHub, kill a working token).
 */
export async function refreshIfCurrent(
  context: CliContext,
  name: string,
  refusedToken: string,
): Promise<boolean> {
  const current = await acquireToken(context, { name, minTtl: 0 });
  if (current.accessToken !== refusedToken) return false;
  await forceRefresh(context, name);
  return true;
}

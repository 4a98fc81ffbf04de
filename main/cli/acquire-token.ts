import type { AccessTokenRecord } from '../common/account.js';
import { redact } from '../common/redact.js';
import { askBrokerToRefresh } from '../node/broker/broker-client.js';
import { type AppQuery, tokenFromApp } from './cached-token.js';
import type { CliContext } from './cli-context.js';

/**
 * The one way every CLI surface (token, exec, git-credential, serve) gets an access token, so each
 * follows the engine's rules: while the app runs it answers (and alone refreshes); otherwise this
 * process asks the engine, which refreshes only when the stored token does not last long enough
 * (`--min-ttl` when given, else the default rule of ../common/token-need.ts), once however many
 * callers ask, under the account's lock. Without `--min-ttl`, a refresh that fails for a passing
 * reason still hands out the valid token it held, with a warning on stderr (never stdout, which
 * carries the token or the child's output).
 */
export async function acquireToken(
  context: CliContext,
  query: AppQuery,
): Promise<AccessTokenRecord> {
  const warn = (message: string) =>
    context.stderr.write(`tokentray: warning: ${redact(message)}\n`);
  // The app's answer to the fast path is taken once, so a long-running caller (serve) asks anew.
  const answer = await tokenFromApp(query, context.env, context.takeHeldAppAnswer());
  if (answer?.ok === false) throw answer.error;
  if (answer?.warning !== undefined) warn(answer.warning);
  return (
    answer?.value ??
    context.engine().getToken(query.name, {
      ...(query.minTtl === undefined ? {} : { minTtl: query.minTtl }),
      onWarning: warn,
    })
  );
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

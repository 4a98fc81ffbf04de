import type { Account } from '../../common/account.js';
import { retryDelayMs } from '../../common/backoff.js';
import { sleep, type Clock } from '../../common/clock.js';
import { TokenTrayError, asTokenTrayError } from '../../common/errors.js';
import { mayHaveReachedServer } from '../oauth/oauth-errors.js';
import type { RefreshOutcome, TokenClient } from '../oauth/token-client.js';

export interface RetryPolicy {
  /** Transient failures retried within one call before giving up (the scheduler retries later). */
  retries: number;
  baseMs: number;
  capMs: number;
  /** A Retry-After longer than this ends the call instead of making the caller wait. */
  maxWaitMs: number;
}

export const INTERACTIVE_RETRIES: RetryPolicy = {
  retries: 2,
  baseMs: 250,
  capMs: 2_000,
  maxWaitMs: 5_000,
};

/** Why a refresh token was refused after a lost answer, for the sign-in-required message. */
export const LOST_ANSWER_REASON =
  'An answer from the provider was lost on the way, and it then refused the refresh token: it had most likely replaced it in that answer (RFC 9700 §4.14.2).';

/**
 * Asks for the next token: by refresh token (RFC 6749 §6), or for a machine account with its own
 * credentials again (§4.4), which spends nothing and so needs no care on retry. Transient
 * failures are retried with backoff, honouring Retry-After.
 *
 * A refresh that may have reached the server (a reset or a timeout after the request was sent)
 * is the case RFC 9700 §4.14.2 makes dangerous: if the server rotated the refresh token, its
 * answer held the only live one, and ours is spent. The policy:
 * - retry once, at once, with the same refresh token. Servers with a reuse grace period (Okta,
 *   Auth0, Cognito) accept it again for a short while, so this is the only way back;
 * - a server that revokes on reuse answers invalid_grant: that is reported as sign-in-required
 *   (with the reason), and the token is never sent again;
 * - whatever the retry's outcome, there is no second one in this call: never a loop.
 */
export async function requestGrant(
  client: TokenClient,
  account: Account,
  secret: string | undefined,
  refreshToken: string | undefined,
  policy: RetryPolicy,
  clock: Clock,
  /** Asked before each request, and throws to stop: the account lock is still ours. */
  mayPresent: () => void = () => undefined,
): Promise<RefreshOutcome> {
  const machine = account.grant === 'client_credentials';
  const request = (): Promise<RefreshOutcome> => {
    mayPresent();
    return machine
      ? client.clientCredentials(account, secret)
      : client.refresh(account, secret, refreshToken ?? '');
  };
  let retriedLostAnswer = false;
  for (let attempt = 0; ; attempt++) {
    try {
      return await request();
    } catch (err) {
      const error = asTokenTrayError(err);
      if (error.code === 'sign_in_required' && retriedLostAnswer)
        throw new TokenTrayError('sign_in_required', LOST_ANSWER_REASON, {
          ...(error.hint === undefined ? {} : { hint: error.hint }),
          ...(error.oauthError === undefined ? {} : { oauthError: error.oauthError }),
          cause: error,
        });
      if (error.code !== 'transient') throw error;
      if (!machine && mayHaveReachedServer(error)) {
        if (retriedLostAnswer) throw error;
        retriedLostAnswer = true;
        continue;
      }
      if (retriedLostAnswer || attempt >= policy.retries) throw error;
      const delay = retryDelayMs(attempt, error.retryAfterMs, {
        baseMs: policy.baseMs,
        capMs: policy.capMs,
      });
      if (delay > policy.maxWaitMs) throw error;
      await sleep(clock, delay);
    }
  }
}

import type { AccessTokenRecord } from '../../common/account.js';
import { TokenTrayError, asTokenTrayError } from '../../common/errors.js';
import { lastsLongEnough, lifetimeSeconds } from '../../common/token-need.js';
import type { Need, TokenOptions } from './engine-options.js';

/** What the engine offers this: its decision to refresh, what it holds, and its time. */
export interface TokenSource {
  ensure(need: Need): Promise<AccessTokenRecord>;
  held(): AccessTokenRecord | undefined;
  now(): number;
}

/**
 * The token a caller of getToken gets, by the rules of ../../common/token-need.ts:
 * - a still-valid token is worth more than an error: without an explicit min-ttl, a refresh that
 *   fails for a passing reason (the endpoint down, a lock held too long) hands out the current
 *   token while it lives, and `onWarning` is told why;
 * - a default never fails, but an explicit min-ttl the provider cannot meet does, and names the
 *   lifetime the provider gives.
 */
export async function tokenForCaller(
  name: string,
  options: TokenOptions,
  source: TokenSource,
): Promise<AccessTokenRecord> {
  const { minTtl } = options;
  const need: Need = (record, now) => !lastsLongEnough(record, now, minTtl);
  let record: AccessTokenRecord;
  try {
    record = await source.ensure(need);
  } catch (err) {
    const held = source.held();
    const error = asTokenTrayError(err);
    const passing = ['transient', 'lock_timeout', 'lock_lost'].includes(error.code);
    if (minTtl !== undefined || !passing || held === undefined) throw error;
    const left = Math.floor((held.expiresAt - source.now()) / 1000);
    if (left <= 0) throw error;
    options.onWarning?.(
      `${error.message} The current token of "${name}" is still valid for ${left} s.`,
    );
    return held;
  }
  if (minTtl !== undefined && need(record, source.now())) {
    throw new TokenTrayError(
      'invalid_input',
      `The provider issues tokens for "${name}" that live ${lifetimeSeconds(record)} s, less than the ${minTtl} s asked for.`,
      { hint: `Ask for a --min-ttl below ${lifetimeSeconds(record)}, or leave it out.` },
    );
  }
  return record;
}

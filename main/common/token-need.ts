import type { AccessTokenRecord } from './account.js';

/** What `--min-ttl` means when it is not given: at least a minute left... */
export const DEFAULT_MIN_TTL_S = 60;
/** ...but never more than this share of the token's whole life, so a default cannot fail. */
export const DEFAULT_MIN_TTL_SHARE = 0.5;

type Times = Pick<AccessTokenRecord, 'issuedAt' | 'expiresAt'>;

/**
 * How long a token must still live to be handed out, in ms. An explicit `minTtl` (seconds) is
 * taken as asked. Without one, a provider whose tokens live less than two default minimums still
 * gets its tokens served: the default asks for at most half of the token's life.
 */
export function requiredTtlMs(record: Times, minTtl: number | undefined): number {
  if (minTtl !== undefined) return minTtl * 1000;
  const life = Math.max(0, record.expiresAt - record.issuedAt);
  return Math.min(DEFAULT_MIN_TTL_S * 1000, Math.floor(life * DEFAULT_MIN_TTL_SHARE));
}

/** Whether `record` will do for a caller asking for `minTtl` (undefined: the default rule). */
export function lastsLongEnough(
  record: Times | undefined,
  now: number,
  minTtl: number | undefined,
): boolean {
  return record !== undefined && record.expiresAt - now >= requiredTtlMs(record, minTtl);
}

/** A token's whole life in whole seconds, for messages. */
export function lifetimeSeconds(record: Times): number {
  return Math.round((record.expiresAt - record.issuedAt) / 1000);
}

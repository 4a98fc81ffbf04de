import type { AccessTokenRecord, Account, AccountStatusReport } from '../../common/account.js';

export type { AccountStatusReport };
import { refreshKillsPreviousToken } from '../../common/provider-traits.js';
import { planRefreshAt } from '../../common/refresh-plan.js';

/**
 * The status of an account from what is stored: fresh until its refresh point, stale after it (or
 * with no token), error when the last refresh failed, sign-in-required when the grant is dead.
 */
export function describeAccount(
  account: Account,
  record: Pick<AccessTokenRecord, 'issuedAt' | 'expiresAt' | 'scope'> | undefined,
  now: number,
  refreshing: boolean,
  refreshAtFraction?: number,
): AccountStatusReport {
  const base = {
    name: account.name,
    label: account.label,
    provider: account.provider ?? 'custom',
    grant: account.grant ?? 'refresh_token',
    who: account.who ?? null,
    expiresAt: record === undefined ? null : new Date(record.expiresAt).toISOString(),
    scope: record?.scope ?? (account.scopes.length > 0 ? account.scopes.join(' ') : null),
  };
  if (account.signInRequired !== undefined) {
    return { ...base, status: 'sign-in-required', message: account.signInRequired.reason };
  }
  if (refreshing) return { ...base, status: 'refreshing' };
  if (account.lastError !== undefined)
    return { ...base, status: 'error', message: account.lastError.message };
  const fresh =
    record !== undefined &&
    now <
      planRefreshAt(record.issuedAt, record.expiresAt, {
        ...(refreshAtFraction === undefined ? {} : { fraction: refreshAtFraction }),
        late: refreshKillsPreviousToken(account.provider),
      });
  return { ...base, status: fresh ? 'fresh' : 'stale' };
}

import type { AccountStatus, AccountStatusReport } from '../../../main/common/account.js';

/** An account status report as the engine makes them, for tests of what the tray shows. */
export function report(
  name: string,
  status: AccountStatus,
  extra: Partial<AccountStatusReport> = {},
): AccountStatusReport {
  return {
    name,
    label: name,
    provider: 'custom',
    grant: 'refresh_token',
    who: null,
    status,
    expiresAt: null,
    scope: null,
    ...extra,
  };
}

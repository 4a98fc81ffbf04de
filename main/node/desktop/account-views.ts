import type { AccountStatusReport } from '../../common/account.js';
import type { AccountView } from '../../common/ipc-contract.js';
import type { SettingsData } from '../settings/settings-schema.js';
import type { SettingsStore } from '../settings/settings-store.js';
import type { TokenEngine } from '../engine/token-engine.js';

/** What the windows show of every account: the engine's status report, the scopes asked for, and the default. */
export async function accountViews(
  engine: TokenEngine,
  settings: SettingsStore,
): Promise<AccountView[]> {
  const reports = await engine.statuses();
  const data = settings.read();
  return reports.map((report) => toView(report, data));
}

export async function accountView(
  engine: TokenEngine,
  settings: SettingsStore,
  name: string,
): Promise<AccountView> {
  const report = await engine.status(name);
  return toView(report, settings.read());
}

function toView(report: AccountStatusReport, data: SettingsData): AccountView {
  const account = data.accounts[report.name];
  // Built field by field, so nothing the report or the account may gain later crosses by accident.
  return {
    name: report.name,
    label: report.label,
    provider: report.provider,
    grant: report.grant,
    who: report.who,
    status: report.status,
    expiresAt: report.expiresAt,
    scope: report.scope,
    ...(report.message === undefined ? {} : { message: report.message }),
    scopes: [...(account?.scopes ?? [])],
    isDefault: data.defaultAccount === report.name,
  };
}

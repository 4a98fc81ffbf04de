import type { AccountStatus, ProviderId } from '../../main/common/account.js';
import type { ProviderView } from '../../main/common/ipc-contract.js';

export const STATUS_TEXT: Record<AccountStatus, string> = {
  fresh: 'Fresh',
  stale: 'Due for refresh',
  refreshing: 'Refreshing…',
  'sign-in-required': 'Sign-in required',
  error: 'Refresh failed',
};

// Used until (or unless) the main process lists its presets.
const FALLBACK_TITLES: Record<ProviderId, string> = {
  google: 'Google',
  microsoft: 'Microsoft',
  github: 'GitHub',
  oidc: 'OpenID provider',
  custom: 'OAuth 2.0',
};

export function providerTitle(id: ProviderId, providers: readonly ProviderView[] = []): string {
  return providers.find((p) => p.id === id)?.title ?? FALLBACK_TITLES[id];
}

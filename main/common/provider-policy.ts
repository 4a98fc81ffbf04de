import type { Account, ProviderId } from './account.js';
import { PROVIDER_PRESETS } from './provider-presets.js';
import { refreshKillsPreviousToken } from './provider-traits.js';

/**
 * What a provider does to tokens that the user should know before relying on them, and whether
 * its refresh tokens rotate. Sources: Google's "Refresh token expiration" (OAuth 2.0 docs),
 * GitHub's "Refreshing user access tokens", Microsoft's "Refresh tokens in the identity platform".
 */
interface ProviderPolicy {
  rotation: 'rotates' | 'does-not-rotate' | 'unknown';
  warnings: string[];
}

const POLICIES: Record<ProviderId, ProviderPolicy> = {
  google: {
    rotation: 'does-not-rotate',
    warnings: [
      'Google: while the app’s OAuth consent screen is in "Testing", refresh tokens expire after 7 days; publish it to keep them.',
      'Google: a client gets at most 100 live refresh tokens per account; adding the account again more often revokes the oldest.',
    ],
  },
  github: {
    rotation: 'rotates',
    warnings: ['GitHub: user access tokens live 8 hours and refresh tokens 6 months.'],
  },
  microsoft: {
    rotation: 'rotates',
    warnings: [
      'Microsoft: refresh tokens expire after 90 days without use (24 hours for single-page apps), and an admin can revoke them at any time.',
    ],
  },
  oidc: { rotation: 'unknown', warnings: [] },
  custom: { rotation: 'unknown', warnings: [] },
};

export function providerPolicy(account: Account): ProviderPolicy {
  if (account.grant === 'client_credentials') return { rotation: 'does-not-rotate', warnings: [] };
  const policy = POLICIES[account.provider ?? 'custom'];
  // The provider trait the scheduler and `refresh` go by, so the warning cannot drift from them.
  if (!refreshKillsPreviousToken(account.provider)) return policy;
  const title = PROVIDER_PRESETS[account.provider ?? 'custom'].title;
  const ends = `${title}: each refresh ends the previous access token, so a token handed out earlier (an \`exec\` child, git) stops working at the next refresh.`;
  return { ...policy, warnings: [ends, ...policy.warnings] };
}

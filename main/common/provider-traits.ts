import type { ProviderId } from './account.js';
import { PROVIDER_PRESETS } from './provider-presets.js';

/**
 * Whether the provider's refresh ends the previous access token as well as the previous refresh
 * token, as its preset says. GitHub documents this for a GitHub App's user access tokens. For such
 * accounts an early background refresh would break every token already copied or handed to a
 * script: the scheduler refreshes them only close to the end (../common/refresh-plan.ts `late`).
 */
export function refreshKillsPreviousToken(provider: ProviderId | undefined): boolean {
  return provider !== undefined && PROVIDER_PRESETS[provider]?.refreshEndsPreviousToken === true;
}

/** What the CLI's `refresh` and the windows' "Refresh now" say after such a refresh. */
export function previousTokensEndedNotice(provider: ProviderId | undefined): string | undefined {
  if (!refreshKillsPreviousToken(provider)) return undefined;
  return 'Tokens handed out before this refresh no longer work: this provider ends the previous access token when it refreshes. Copy or fetch the new one.';
}

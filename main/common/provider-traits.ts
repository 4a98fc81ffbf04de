import type { ProviderId } from './account.js';

/**
 * Providers whose refresh ends the previous access token as well as the previous refresh token.
 * GitHub documents this for a GitHub App's user access tokens ("Refreshing user access tokens":
 * the old access token and refresh token stop working). For such accounts an early background
 * refresh would break every token already copied or handed to a script.
 */
const KILLS_PREVIOUS_TOKEN: ReadonlySet<ProviderId> = new Set<ProviderId>(['github']);

export function refreshKillsPreviousToken(provider: ProviderId | undefined): boolean {
  return provider !== undefined && KILLS_PREVIOUS_TOKEN.has(provider);
}

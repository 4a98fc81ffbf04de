import { Agent, fetch as undiciFetch } from 'undici';
import type { TokenEngine } from '../../main/node/engine/token-engine.js';
import { DEFAULT_LIMITS } from '../../main/node/oauth/http-client.js';
import { addGoogleLikeAccount } from '../support/engine-fixture.js';
import type { LocalProvider } from '../support/local-provider.js';

/** The refresh grant's form body as the engine sends it for a client_secret_post client. */
export function refreshGrantBody(refreshToken: string, clientId: string, clientSecret: string) {
  return new URLSearchParams({
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: clientId,
    client_secret: clientSecret,
  }).toString();
}

/**
 * The bench's bare side of a refresh: what the engine's http-client sets up, minus the proxy
 * lookup (one kept-alive Agent), and one undici POST of the grant with its JSON parsed.
 */
export function bareRefresher(
  tokenEndpoint: string,
  body: string,
): { refresh: () => Promise<void>; close: () => Promise<void> } {
  const agent = new Agent({
    connectTimeout: DEFAULT_LIMITS.connectTimeoutMs,
    headersTimeout: DEFAULT_LIMITS.headersTimeoutMs,
    bodyTimeout: DEFAULT_LIMITS.bodyTimeoutMs,
    maxResponseSize: DEFAULT_LIMITS.maxResponseBytes,
    keepAliveTimeout: 1_000,
  });
  const refresh = async (): Promise<void> => {
    const response = await undiciFetch(tokenEndpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
        accept: 'application/json',
      },
      body,
      dispatcher: agent,
    });
    const json = (await response.json()) as { access_token?: unknown };
    if (response.status !== 200 || typeof json.access_token !== 'string')
      throw new Error(`bare refresh failed with HTTP ${response.status}`);
  };
  return { refresh, close: () => agent.close() };
}

/** {@link addGoogleLikeAccount}, and the bare refresher of that same grant. */
export async function engineAndBareRefresh(
  engine: TokenEngine,
  provider: LocalProvider,
  name: string,
) {
  const { clientId, clientSecret, refreshToken } = await addGoogleLikeAccount(
    engine,
    provider,
    name,
  );
  return {
    clientSecret,
    refreshToken,
    ...bareRefresher(
      provider.tokenEndpoint,
      refreshGrantBody(refreshToken, clientId, clientSecret),
    ),
  };
}

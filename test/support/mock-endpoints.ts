import { MockAgent, type Interceptable } from 'undici';
import type { Account } from '../../main/common/account.js';
import { TokenClient } from '../../main/node/oauth/token-client.js';

/** The authorization server the mocked endpoints pretend to be. Nothing is ever sent there. */
export const AS_ORIGIN = 'https://as.tokentray.test';

/**
 * undici's MockAgent in front of a real TokenClient: each test answers one endpoint the odd way
 * it is about, and no request reaches the network (an unanswered one fails the test). The happy
 * paths run against the real oidc-provider elsewhere; this is for answers no real server gives
 * on demand.
 */
export function mockedClient(now: () => number = () => Date.UTC(2025, 0, 1)) {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const pool: Interceptable = agent.get(AS_ORIGIN);
  const client = new TokenClient({ dispatcher: agent, now });
  return {
    agent,
    pool,
    client,
    /** Fails unless every answer set up was asked for. */
    done: () => agent.assertNoPendingInterceptors(),
    close: () => agent.close(),
  };
}

/** An account on the mocked server: confidential, client_secret_basic, no issuer. */
export function mockAccount(overrides: Partial<Account> = {}): Account {
  return {
    name: 'mocked',
    label: 'Mocked',
    tokenEndpoint: `${AS_ORIGIN}/token`,
    deviceAuthorizationEndpoint: `${AS_ORIGIN}/device`,
    revocationEndpoint: `${AS_ORIGIN}/revoke`,
    authorizationEndpoint: `${AS_ORIGIN}/authorize`,
    clientId: 'client-1',
    clientAuth: 'client_secret_basic',
    scopes: ['api:read'],
    createdAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}

export const json = { headers: { 'content-type': 'application/json' } };

/** The form body of a request undici's MockAgent saw. */
export function formOf(body: unknown): URLSearchParams {
  return new URLSearchParams(typeof body === 'string' ? body : String(body));
}

import type { LocalProvider } from './local-provider.js';

export interface PastedAddOptions {
  /** Find the endpoints by OpenID discovery (`--issuer`) instead of `--token-endpoint`. */
  discovery?: boolean;
  /** Mint the refresh token for this scope, and ask for it with `--scope`. */
  scope?: string;
  /** A refresh token to paste instead of a freshly minted one. */
  refreshToken?: string;
  extra?: string[];
  /**
   * The provider's client to add it on: `rotating` (the default), or `googleLike`, which
   * authenticates with client_secret_post and keeps its refresh token, as Google does.
   */
  client?: 'rotating' | 'googleLike';
}

/**
 * `tokentray add NAME` of a pasted refresh token on one of the provider's clients, as a user runs
 * it: the endpoint and client id as arguments, the client secret and refresh token through the
 * environment (never argv). Returns both, for whichever runner a test uses.
 */
export async function pastedAdd(
  provider: LocalProvider,
  name: string,
  options: PastedAddOptions = {},
): Promise<{
  args: string[];
  env: { TOKENTRAY_CLIENT_SECRET: string; TOKENTRAY_REFRESH_TOKEN: string };
}> {
  const client = options.client ?? 'rotating';
  const { clientId, clientSecret } = provider.clients[client];
  const { scope } = options;
  const endpoint = options.discovery
    ? ['--issuer', provider.issuer]
    : ['--token-endpoint', provider.tokenEndpoint];
  return {
    args: [
      'add',
      name,
      ...endpoint,
      '--client-id',
      clientId,
      ...(client === 'googleLike' ? ['--auth-method', 'client_secret_post'] : []),
      ...(scope === undefined ? [] : ['--scope', scope]),
      ...(options.extra ?? []),
    ],
    env: {
      TOKENTRAY_CLIENT_SECRET: clientSecret,
      TOKENTRAY_REFRESH_TOKEN:
        options.refreshToken ??
        (await provider.mintRefreshToken(clientId, scope === undefined ? {} : { scope })),
    },
  };
}

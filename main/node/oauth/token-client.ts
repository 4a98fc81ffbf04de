import * as oauth from 'oauth4webapi';
import type { AccessTokenRecord, Account, ClientAuthMethod } from '../../common/account.js';
import { TokenTrayError } from '../../common/errors.js';
import { registerSecret } from '../../common/redact.js';
import { checkEndpointUrl, isLoopbackHost } from './endpoint-policy.js';
import {
  createOAuthFetch,
  DEFAULT_LIMITS,
  totalTimeout,
  type HttpLimits,
  type OAuthFetch,
} from './http-client.js';
import { classifyTokenError } from './oauth-errors.js';

/** RFC 6749 §5.1 makes expires_in optional; without it we assume a short life and refresh early. */
export const ASSUMED_LIFETIME_S = 15 * 60;
/** An expires_in beyond this is nonsense from a misbehaving server, not a real token's life. */
export const MAX_LIFETIME_S = 366 * 24 * 3600;

export interface TokenClientOptions {
  limits?: HttpLimits;
  now?: () => number;
}

export interface RefreshOutcome {
  record: AccessTokenRecord;
  /** Present when the server rotated the refresh token (RFC 9700 §4.14.2): the old one is now spent. */
  rotatedRefreshToken?: string;
}

export interface DiscoveredServer {
  issuer: string;
  tokenEndpoint: string;
  revocationEndpoint?: string;
  authMethods?: string[];
}

/** The OAuth client side of TokenTray: each exchange is a request step and a processing step. */
export class TokenClient {
  private readonly fetch: OAuthFetch;
  private readonly limits: HttpLimits;
  private readonly now: () => number;

  constructor(options: TokenClientOptions = {}) {
    this.limits = options.limits ?? DEFAULT_LIMITS;
    this.fetch = createOAuthFetch(this.limits);
    this.now = options.now ?? Date.now;
  }

  /**
   * Refreshing an Access Token, RFC 6749 §6: POST grant_type=refresh_token with the client's
   * authentication. Expiry counts from the moment the request was sent (§5.1 `expires_in`), so time
   * spent on the network never makes us believe a token lives longer than it does.
   */
  async refresh(
    account: Account,
    clientSecret: string | undefined,
    refreshToken: string,
  ): Promise<RefreshOutcome> {
    const endpoint = checkEndpointUrl(account.tokenEndpoint, 'token endpoint');
    const as = this.serverOf(account, endpoint);
    const client: oauth.Client = { client_id: account.clientId };
    const sentAt = this.now();
    let response: oauth.TokenEndpointResponse;
    try {
      // No `scope` parameter: per §6 the refresh then covers the scope originally granted.
      const request = await oauth.refreshTokenGrantRequest(
        as,
        client,
        clientAuth(account.clientAuth, clientSecret),
        refreshToken,
        this.httpOptions(endpoint),
      );
      response = await oauth.processRefreshTokenResponse(
        as,
        client,
        account.issuer === undefined ? await withoutIdToken(request) : request,
      );
    } catch (err) {
      throw classifyTokenError(err, account.tokenEndpoint, this.now());
    }
    const record = toRecord(response, sentAt, account.scopes);
    const rotated = response.refresh_token;
    if (rotated !== undefined) registerSecret(rotated);
    return rotated !== undefined && rotated !== refreshToken
      ? { record, rotatedRefreshToken: rotated }
      : { record };
  }

  /**
   * Authorization Server Metadata (RFC 8414 §3) or OpenID Connect Discovery 1.0 §4, by issuer.
   * The issuer in the document must match the one asked for (RFC 8414 §3.3).
   */
  async discover(issuerUrl: string): Promise<DiscoveredServer> {
    const issuer = checkEndpointUrl(issuerUrl, 'issuer');
    let as: oauth.AuthorizationServer;
    try {
      const response = await oauth.discoveryRequest(issuer, {
        algorithm: 'oidc',
        ...this.httpOptions(issuer),
      });
      as = await oauth.processDiscoveryResponse(issuer, response);
    } catch (err) {
      const cause = classifyTokenError(err, issuer.href, this.now());
      if (cause.code === 'transient') throw cause;
      throw new TokenTrayError(
        'discovery_failed',
        `Discovery at ${issuer.href} failed: no valid OpenID or OAuth metadata document was found.`,
        {
          hint: 'Check the issuer URL (it is the part before /.well-known/openid-configuration), or give --token-endpoint instead.',
          cause: err,
        },
      );
    }
    if (typeof as.token_endpoint !== 'string') {
      throw new TokenTrayError(
        'discovery_failed',
        `The metadata at ${issuer.href} has no token_endpoint.`,
        {
          hint: 'Give the token endpoint yourself with --token-endpoint.',
        },
      );
    }
    checkEndpointUrl(as.token_endpoint, 'token endpoint from discovery');
    if (as.revocation_endpoint !== undefined)
      checkEndpointUrl(as.revocation_endpoint, 'revocation endpoint from discovery');
    return {
      issuer: as.issuer,
      tokenEndpoint: as.token_endpoint,
      ...(as.revocation_endpoint === undefined
        ? {}
        : { revocationEndpoint: as.revocation_endpoint }),
      ...(as.token_endpoint_auth_methods_supported === undefined
        ? {}
        : { authMethods: as.token_endpoint_auth_methods_supported }),
    };
  }

  private serverOf(account: Account, endpoint: URL): oauth.AuthorizationServer {
    return { issuer: account.issuer ?? endpoint.origin, token_endpoint: endpoint.href };
  }

  private httpOptions(url: URL) {
    return {
      [oauth.customFetch]: this.fetch,
      signal: totalTimeout(this.limits),
      // Plain http only ever reaches here for loopback; checkEndpointUrl refused everything else.
      ...(url.protocol === 'http:' && isLoopbackHost(url.hostname)
        ? { [oauth.allowInsecureRequests]: true }
        : {}),
    };
  }
}

/** Client authentication, RFC 6749 §2.3.1 (basic or post) or a public client (§2.1). */
function clientAuth(method: ClientAuthMethod, secret: string | undefined): oauth.ClientAuth {
  if (method === 'none') return oauth.None();
  if (secret === undefined || secret === '') {
    throw new TokenTrayError(
      'invalid_input',
      `The account uses ${method} but no client secret is stored.`,
      {
        hint: 'Re-add the account with TOKENTRAY_CLIENT_SECRET set, or with --auth-method none for a public client.',
      },
    );
  }
  return method === 'client_secret_post'
    ? oauth.ClientSecretPost(secret)
    : oauth.ClientSecretBasic(secret);
}

function toRecord(
  response: oauth.TokenEndpointResponse,
  sentAt: number,
  requestedScopes: string[],
): AccessTokenRecord {
  const expiresIn = response.expires_in ?? ASSUMED_LIFETIME_S;
  if (!Number.isFinite(expiresIn) || expiresIn < 1 || expiresIn > MAX_LIFETIME_S) {
    throw new TokenTrayError(
      'bad_response',
      `The token endpoint sent an expires_in of ${String(expiresIn).slice(0, 20)} seconds, which makes no sense.`,
      {
        hint: 'This is a server fault; nothing was stored. Report it to the provider, or check the token endpoint URL.',
      },
    );
  }
  registerSecret(response.access_token);
  const scope =
    response.scope ?? (requestedScopes.length > 0 ? requestedScopes.join(' ') : undefined);
  return {
    accessToken: response.access_token,
    tokenType: response.token_type === 'bearer' ? 'Bearer' : response.token_type,
    issuedAt: sentAt,
    expiresAt: sentAt + Math.floor(expiresIn * 1000),
    ...(scope === undefined ? {} : { scope }),
  };
}

/**
 * TokenTray uses no ID Token. When we know only a token endpoint, not the issuer, an ID Token in
 * the response cannot be checked (its `iss` has nothing to match), so it is dropped, not trusted.
 */
async function withoutIdToken(response: Response): Promise<Response> {
  if (response.status !== 200) return response;
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return new Response(text, { status: response.status, headers: response.headers });
  }
  if (typeof body === 'object' && body !== null && 'id_token' in body)
    delete (body as Record<string, unknown>).id_token;
  return new Response(JSON.stringify(body), { status: response.status, headers: response.headers });
}

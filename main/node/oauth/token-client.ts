import * as oauth from 'oauth4webapi';
import type { AccessTokenRecord, Account } from '../../common/account.js';
import { TokenTrayError } from '../../common/errors.js';
import { registerSecret } from '../../common/redact.js';
import type { Dispatcher } from 'undici';
import { checkEndpointUrl, isLoopbackHost } from './endpoint-policy.js';
import {
  createOAuthFetch,
  DEFAULT_LIMITS,
  totalTimeout,
  type HttpLimits,
  type OAuthFetch,
} from './http-client.js';
import { classifyTokenError } from './oauth-errors.js';
import { authorizationServerOf, clientAuth, toRecord, withoutIdToken } from './token-response.js';

export { ASSUMED_LIFETIME_S, MAX_LIFETIME_S } from './token-response.js';

export interface TokenClientOptions {
  limits?: HttpLimits;
  now?: () => number;
  /** Where requests go (undici's MockAgent in tests); by default the network, through any proxy. */
  dispatcher?: Dispatcher;
}

export interface RefreshOutcome {
  record: AccessTokenRecord;
  /** Present when the server rotated the refresh token (RFC 9700 §4.14.2): the old one is now spent. */
  rotatedRefreshToken?: string;
}

export interface DiscoveredServer {
  issuer: string;
  tokenEndpoint: string;
  authorizationEndpoint?: string;
  deviceAuthorizationEndpoint?: string;
  revocationEndpoint?: string;
  authMethods?: string[];
  idTokenSigningAlgs?: string[];
}

/** A JWS or auth method name as registered at IANA: short, plain ASCII. Anything else is noise. */
const REGISTRY_NAME = /^[A-Za-z0-9+._-]{1,30}$/;

/** A list of registry names from a discovery document, or undefined when it is not one. */
function registryNames(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value
    .filter((v): v is string => typeof v === 'string' && REGISTRY_NAME.test(v))
    .slice(0, 20);
}

/** The OAuth client side of TokenTray: each exchange is a request step and a processing step. */
export class TokenClient {
  private readonly fetch: OAuthFetch;
  private readonly limits: HttpLimits;
  private readonly now: () => number;

  constructor(options: TokenClientOptions = {}) {
    this.limits = options.limits ?? DEFAULT_LIMITS;
    this.fetch = createOAuthFetch(this.limits, options.dispatcher);
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
    const as = authorizationServerOf(account);
    const client: oauth.Client = { client_id: account.clientId };
    const sentAt = this.now();
    let response: oauth.TokenEndpointResponse;
    // Presented now: kept among the secrets redaction knows best, however long ago it was read.
    registerSecret(refreshToken);
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
      throw classifyTokenError(
        err,
        account.tokenEndpoint,
        this.now(),
        'token endpoint',
        'refresh_token',
      );
    }
    const record = toRecord(response, sentAt, account.scopes);
    const rotated = response.refresh_token;
    if (rotated !== undefined) registerSecret(rotated);
    return rotated !== undefined && rotated !== refreshToken
      ? { record, rotatedRefreshToken: rotated }
      : { record };
  }

  /**
   * Client Credentials Grant, RFC 6749 §4.4: a machine account asks again with its own
   * credentials. There is no refresh token (§4.4.3), so nothing can be spent.
   */
  async clientCredentials(
    account: Account,
    clientSecret: string | undefined,
  ): Promise<RefreshOutcome> {
    const endpoint = checkEndpointUrl(account.tokenEndpoint, 'token endpoint');
    const as = authorizationServerOf(account);
    const client: oauth.Client = { client_id: account.clientId };
    const sentAt = this.now();
    try {
      const request = await oauth.clientCredentialsGrantRequest(
        as,
        client,
        clientAuth(account.clientAuth, clientSecret),
        account.scopes.length > 0 ? { scope: account.scopes.join(' ') } : {},
        this.httpOptions(endpoint),
      );
      const response = await oauth.processClientCredentialsResponse(as, client, request);
      return { record: toRecord(response, sentAt, account.scopes) };
    } catch (err) {
      throw classifyTokenError(err, account.tokenEndpoint, this.now());
    }
  }

  /**
   * Token Revocation, RFC 7009 §2.1: tells the server a token is no longer needed. For a refresh
   * token the server also revokes the access tokens of the same grant (§2.1, "SHOULD").
   */
  async revoke(
    account: Account,
    clientSecret: string | undefined,
    token: string,
    hint: 'refresh_token' | 'access_token',
  ): Promise<void> {
    if (account.revocationEndpoint === undefined) return;
    const endpoint = checkEndpointUrl(account.revocationEndpoint, 'revocation endpoint');
    const as = authorizationServerOf(account);
    const client: oauth.Client = { client_id: account.clientId };
    try {
      const response = await oauth.revocationRequest(
        as,
        client,
        clientAuth(account.clientAuth, clientSecret),
        token,
        { ...this.httpOptions(endpoint), additionalParameters: { token_type_hint: hint } },
      );
      await oauth.processRevocationResponse(response);
    } catch (err) {
      throw classifyTokenError(err, account.revocationEndpoint, this.now(), 'revocation endpoint');
    }
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
      const cause = classifyTokenError(err, issuer.href, this.now(), 'discovery document');
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
    const tokenEndpoint = checkEndpointUrl(as.token_endpoint, 'token endpoint from discovery').href;
    const optional = {
      authorizationEndpoint: as.authorization_endpoint,
      deviceAuthorizationEndpoint: as.device_authorization_endpoint,
      revocationEndpoint: as.revocation_endpoint,
    };
    // processDiscoveryResponse made sure the issuer is the one asked for (RFC 8414 §3.3).
    const found: DiscoveredServer = { issuer: as.issuer, tokenEndpoint };
    for (const [key, value] of Object.entries(optional) as [keyof typeof optional, unknown][]) {
      if (value === undefined) continue;
      if (typeof value !== 'string')
        throw new TokenTrayError(
          'discovery_failed',
          `The metadata at ${issuer.href} has a malformed ${key}.`,
          {
            hint: 'Report it to the provider, or use --provider custom with the endpoints typed in.',
          },
        );
      found[key] = checkEndpointUrl(value, `${key} from discovery`).href;
    }
    const authMethods = registryNames(as.token_endpoint_auth_methods_supported);
    if (authMethods !== undefined) found.authMethods = authMethods;
    // Kept for every later ID token check: without it oauth4webapi expects RS256 only.
    const algs = registryNames(as.id_token_signing_alg_values_supported);
    if (algs !== undefined && algs.length > 0) found.idTokenSigningAlgs = algs;
    return found;
  }

  /** The current time, as this client counts it (tests pass a manual clock). */
  time(): number {
    return this.now();
  }

  /** What every request to `url` carries: our fetch, the deadline, and http only for loopback. */
  httpOptions(url: URL) {
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

import * as oauth from 'oauth4webapi';
import type {
  AccessTokenRecord,
  Account,
  AccountEndpoints,
  ClientAuthMethod,
} from '../../common/account.js';
import { TokenTrayError } from '../../common/errors.js';
import { registerSecret, serverText } from '../../common/redact.js';
import { checkTokenSyntax } from './token-syntax.js';

/** RFC 6749 §5.1 makes expires_in optional; without it we assume a short life and refresh early. */
export const ASSUMED_LIFETIME_S = 15 * 60;
/** An expires_in beyond this is nonsense from a misbehaving server, not a real token's life. */
export const MAX_LIFETIME_S = 366 * 24 * 3600;

/** What any grant that ends at the token endpoint gives us (RFC 6749 §5.1). */
export interface GrantOutcome {
  record: AccessTokenRecord;
  refreshToken?: string;
  /** Who signed in, from the ID Token (email, else name), when there was one. */
  who?: string;
}

/** The authorization server as oauth4webapi wants it, from what the account knows. */
export function authorizationServerOf(account: AccountEndpoints): oauth.AuthorizationServer {
  return {
    // Without a known issuer there is nothing to check an `iss` against; the endpoint's origin
    // stands in, and responses that carry an issuer are not trusted for it (see withoutIdToken).
    issuer: account.issuer ?? new URL(account.tokenEndpoint).origin,
    token_endpoint: account.tokenEndpoint,
    ...(account.authorizationEndpoint === undefined
      ? {}
      : { authorization_endpoint: account.authorizationEndpoint }),
    ...(account.deviceAuthorizationEndpoint === undefined
      ? {}
      : { device_authorization_endpoint: account.deviceAuthorizationEndpoint }),
    ...(account.revocationEndpoint === undefined
      ? {}
      : { revocation_endpoint: account.revocationEndpoint }),
    // What the provider announced; oauth4webapi checks an ID token's alg against it.
    ...(account.idTokenSigningAlgs === undefined
      ? {}
      : { id_token_signing_alg_values_supported: account.idTokenSigningAlgs }),
  };
}

/**
 * Client authentication, RFC 6749 §2.3.1 (basic or post) or a public client (§2.1). Basic is our
 * own ({@link clientSecretBasic}), not oauth4webapi's, for how it encodes the credentials.
 */
export function clientAuth(method: ClientAuthMethod, secret: string | undefined): oauth.ClientAuth {
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
  // Sent now: kept among the secrets redaction knows best, however long ago it was read.
  registerSecret(secret);
  return method === 'client_secret_post'
    ? oauth.ClientSecretPost(secret)
    : clientSecretBasic(secret);
}

/**
 * HTTP Basic client authentication as RFC 6749 §2.3.1 writes it: the client id and secret are
 * each "encoded using the application/x-www-form-urlencoded encoding algorithm" (Appendix B),
 * then joined by ":" and base64-encoded (RFC 7617). Unreserved characters (RFC 3986 §2.3:
 * letters, digits, "-", ".", "_", "~") stay as they are and a space becomes "+". oauth4webapi's
 * own ClientSecretBasic also escapes "-", ".", "_" and "~", and servers that do not
 * percent-decode Basic credentials then refuse a client id such as "my-client" or a UUID.
 */
export function clientSecretBasic(secret: string): oauth.ClientAuth {
  return (_as, client, _body, headers) => {
    const credentials = `${formUrlEncode(client.client_id)}:${formUrlEncode(secret)}`;
    headers.set('authorization', `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`);
  };
}

/** RFC 6749 Appendix B: UTF-8, every octet outside the unreserved set percent-encoded, space as "+". */
export function formUrlEncode(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** A successful token response (RFC 6749 §5.1) as we keep it; expiry counts from `sentAt`. */
export function toRecord(
  response: oauth.TokenEndpointResponse,
  sentAt: number,
  requestedScopes: string[],
): AccessTokenRecord {
  checkTokenSyntax(response);
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
  // The granted scope is shown by `list` and the windows: server text like any other.
  const scope =
    response.scope === undefined
      ? requestedScopes.length > 0
        ? requestedScopes.join(' ')
        : undefined
      : serverText(response.scope, 2000);
  return {
    accessToken: response.access_token,
    tokenType: response.token_type === 'bearer' ? 'Bearer' : serverText(response.token_type, 20),
    issuedAt: sentAt,
    expiresAt: sentAt + Math.floor(expiresIn * 1000),
    ...(scope === undefined ? {} : { scope }),
  };
}

/** The record, the refresh token (registered as a secret) and who signed in. */
export function toGrantOutcome(
  response: oauth.TokenEndpointResponse,
  sentAt: number,
  requestedScopes: string[],
  claims: oauth.IDToken | undefined,
): GrantOutcome {
  const record = toRecord(response, sentAt, requestedScopes);
  if (response.refresh_token !== undefined) registerSecret(response.refresh_token);
  const who = displayName(claims);
  return {
    record,
    ...(response.refresh_token === undefined ? {} : { refreshToken: response.refresh_token }),
    ...(who === undefined ? {} : { who }),
  };
}

/**
 * Processes the token response of a grant a user signed in to. An ID Token is checked when the
 * issuer is known (and then names who signed in), and dropped unread when it is not.
 */
export async function processUserGrant(
  account: Pick<Account, 'issuer' | 'scopes'>,
  response: Response,
  sentAt: number,
  process: (response: Response) => Promise<oauth.TokenEndpointResponse>,
): Promise<GrantOutcome> {
  const known = account.issuer !== undefined;
  const body = await process(known ? response : await withoutIdToken(response));
  const claims = known ? oauth.getValidatedIdTokenClaims(body) : undefined;
  return toGrantOutcome(body, sentAt, account.scopes, claims);
}

function displayName(claims: oauth.IDToken | undefined): string | undefined {
  for (const key of ['email', 'preferred_username', 'name']) {
    const value = claims?.[key];
    // The ID token's words, shown in `list` and the windows: cleaned like all server text.
    if (typeof value === 'string' && value.length > 0) {
      const clean = serverText(value, 120);
      if (clean !== '') return clean;
    }
  }
  return undefined;
}

/**
 * TokenTray uses no ID Token for trust. When we know only a token endpoint, not the issuer, an ID
 * Token in the response cannot be checked (its `iss` has nothing to match), so it is dropped.
 */
export async function withoutIdToken(response: Response): Promise<Response> {
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

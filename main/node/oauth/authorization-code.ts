import * as oauth from 'oauth4webapi';
import { REDIRECT_PORT_HINT, type Account } from '../../common/account.js';
import { TokenTrayError } from '../../common/errors.js';
import { checkEndpointUrl } from './endpoint-policy.js';
import { classifySignInError } from './oauth-errors.js';
import { serverSaid } from './refusal-reasons.js';
import type { TokenClient } from './token-client.js';
import {
  authorizationServerOf,
  clientAuth,
  processUserGrant,
  type GrantOutcome,
} from './token-response.js';

/** The secrets of one authorization request, kept in memory until its callback arrives. */
export interface PendingAuthorization {
  authorizationUrl: string;
  redirectUri: string;
  state: string;
  codeVerifier: string;
  /** Sent when the scope asks for `openid`, and then required in the ID token. */
  nonce?: string;
}

/**
 * Authorization Request, RFC 6749 §4.1.1, for a native app (RFC 8252 §6): PKCE with S256
 * (RFC 7636 §4.2) and a fresh `state` (RFC 6749 §10.12), plus the provider's own parameters
 * (Google's access_type=offline, for instance). With `openid` in the scope it also carries a
 * fresh `nonce` (OpenID Connect Core §3.1.2.1): optional for the code flow, but some providers
 * require it, and the ID token must then echo it (§3.1.3.7 step 11).
 */
export async function buildAuthorizationRequest(
  account: Account,
  redirectUri: string,
): Promise<PendingAuthorization> {
  if (account.authorizationEndpoint === undefined) {
    throw new TokenTrayError(
      'invalid_input',
      'This provider has no authorization endpoint, so browser sign-in is not possible.',
      {
        hint: 'Give --authorization-endpoint, or use --device or a pasted refresh token instead.',
      },
    );
  }
  const url = checkEndpointUrl(account.authorizationEndpoint, 'authorization endpoint');
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const params = new URLSearchParams(account.authParams);
  params.set('client_id', account.clientId);
  params.set('redirect_uri', redirectUri);
  params.set('response_type', 'code');
  if (account.scopes.length > 0) params.set('scope', account.scopes.join(' '));
  params.set('code_challenge', await oauth.calculatePKCECodeChallenge(codeVerifier));
  params.set('code_challenge_method', 'S256');
  params.set('state', state);
  const nonce = account.scopes.includes('openid') ? oauth.generateRandomNonce() : undefined;
  if (nonce !== undefined) params.set('nonce', nonce);
  for (const [key, value] of params) url.searchParams.set(key, value);
  return {
    authorizationUrl: url.href,
    redirectUri,
    state,
    codeVerifier,
    ...(nonce === undefined ? {} : { nonce }),
  };
}

/**
 * Authorization Response (RFC 6749 §4.1.2) then Access Token Request (§4.1.3) with the PKCE
 * verifier. A wrong `state`, an `error` or a missing code is refused before anything is sent.
 */
export async function exchangeAuthorizationCode(
  tokens: TokenClient,
  account: Account,
  clientSecret: string | undefined,
  pending: PendingAuthorization,
  callback: URL,
): Promise<GrantOutcome> {
  const as = authorizationServerOf(account);
  const client: oauth.Client = { client_id: account.clientId };
  const params = checkAuthorizationResponse(account, as, client, pending, callback);
  const endpoint = checkEndpointUrl(account.tokenEndpoint, 'token endpoint');
  const sentAt = tokens.time();
  try {
    const request = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      clientAuth(account.clientAuth, clientSecret),
      params,
      pending.redirectUri,
      pending.codeVerifier,
      tokens.httpOptions(endpoint),
    );
    return await processUserGrant(account, request, sentAt, (r) =>
      oauth.processAuthorizationCodeResponse(as, client, r, {
        expectedNonce: pending.nonce ?? oauth.expectNoNonce,
      }),
    );
  } catch (err) {
    throw classifySignInError(err, account.tokenEndpoint, tokens.time());
  }
}

function checkAuthorizationResponse(
  account: Account,
  as: oauth.AuthorizationServer,
  client: oauth.Client,
  pending: PendingAuthorization,
  callback: URL,
): URLSearchParams {
  const params = new URLSearchParams(callback.searchParams);
  // RFC 9207 `iss` defends against mix-up only when we know the issuer to compare it with.
  if (account.issuer === undefined) params.delete('iss');
  try {
    return oauth.validateAuthResponse(as, client, params, pending.state);
  } catch (err) {
    throw authorizationResponseError(err, callback, pending);
  }
}

function authorizationResponseError(
  err: unknown,
  callback: URL,
  pending: PendingAuthorization,
): TokenTrayError {
  if (err instanceof oauth.AuthorizationResponseError) {
    const said = serverSaid(err);
    if (err.error === 'access_denied') {
      return new TokenTrayError('access_denied', `Sign-in was declined (${said}).`, {
        hint: 'Nothing was stored. Run the sign-in again and allow access when the provider asks.',
        oauthError: err.error,
      });
    }
    return new TokenTrayError('sign_in_failed', `The provider refused the sign-in (${said}).`, {
      hint: `Nothing was stored. Check the client id, the scopes and the redirect URI registered at the provider (http://127.0.0.1/callback). ${REDIRECT_PORT_HINT}`,
      oauthError: err.error,
    });
  }
  const state = callback.searchParams.get('state');
  const reason =
    state === null
      ? 'it carried no state'
      : state !== pending.state
        ? 'its state did not match the one we sent (RFC 6749 §10.12)'
        : 'it was malformed';
  return new TokenTrayError('sign_in_failed', `Refused the sign-in response: ${reason}.`, {
    hint: 'Nothing was stored. Start the sign-in again from this app; if this repeats, another program may be interfering.',
    cause: err,
  });
}

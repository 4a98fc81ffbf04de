import * as oauth from 'oauth4webapi';
import { TokenTrayError } from '../../common/errors.js';
import { serverText } from '../../common/redact.js';
import { sentAs } from './http-client.js';

// The answers whose meaning takes more than the OAuth error code: a bare 4xx with no JSON error
// body, and an ID token that fails its checks. oauth-errors.ts asks these first.

/** The server's `error` and `error_description`, fit to store and show (see serverText). */
export function serverSaid(err: { error: string; error_description?: string | undefined }): string {
  return serverText(err.error_description ? `${err.error}: ${err.error_description}` : err.error);
}

/**
 * A 4xx answer without the JSON error body RFC 6749 §5.2 requires. Some servers answer a dead
 * refresh token with a bare 400. Decision: on the refresh grant, a 400 with an EMPTY body means
 * sign-in is required. The refresh token is the one thing in that request that changes over an
 * account's life, repeating the request cannot help, and presenting a maybe-revoked token again
 * and again is what a rotating server punishes. A 401 (RFC 6749 §5.2 reserves it for client
 * authentication) and an HTML or other non-JSON answer (a proxy, a login wall, a wrong URL)
 * are errors to look into, and say that sign-in may be needed.
 */
export function bareClientError(
  where: string,
  response: Response,
  err: oauth.OperationProcessingError,
  grant: 'refresh_token' | undefined,
): TokenTrayError | undefined {
  const { status, body } = sentAs(response);
  // 429 is a rate limit, retried below like a 5xx, whatever its body.
  if (status < 400 || status >= 500 || status === 429 || body === 'json' || body === undefined)
    return undefined;
  if (body === 'empty' && status === 400 && grant === 'refresh_token') {
    return new TokenTrayError(
      'sign_in_required',
      `${where} answered HTTP 400 with an empty body, which servers that skip RFC 6749 §5.2's error body send for a refresh token they no longer accept.`,
      {
        hint: 'Sign in again: `tokentray remove <name>`, then `tokentray add` it anew. The old refresh token will not be sent again.',
        cause: err,
      },
    );
  }
  const what =
    body === 'empty'
      ? 'an empty body'
      : body === 'html'
        ? 'an HTML page'
        : 'a body that is not JSON';
  return new TokenTrayError(
    'invalid_client',
    `${where} answered HTTP ${status} with ${what} instead of an OAuth error, so it did not say why it refused.`,
    {
      hint:
        status === 401
          ? 'Check the client id, the client secret and --auth-method; if they are right, the account may need to sign in again.'
          : 'The account may need to sign in again; check the token endpoint URL too (an HTML page can mean a wrong URL or a login wall). Nothing was stored.',
      cause: err,
    },
  );
}

/**
 * Why an ID token was refused (OpenID Connect Core §3.1.3.7), when that is what failed: its
 * algorithm, audience, issuer, nonce, times or claims. oauth4webapi reports these as processing
 * errors naming the JWT or ID Token, or as an unsupported JWS algorithm.
 */
export function idTokenRejection(err: unknown): string | undefined {
  if (err instanceof oauth.UnsupportedOperationError && /JWS/.test(err.message)) {
    const alg = (err.cause as { alg?: unknown } | undefined)?.alg;
    return `its signing algorithm ${serverText(alg, 20)} is not supported`;
  }
  if (!(err instanceof oauth.OperationProcessingError)) return undefined;
  if (!/\bJWT\b|ID Token|id_token/.test(err.message)) return undefined;
  const cause = (err.cause ?? {}) as {
    header?: { alg?: unknown };
    expected?: unknown;
    claim?: unknown;
  };
  if (/"alg"/.test(err.message)) {
    const expected = Array.isArray(cause.expected)
      ? cause.expected.join(', ')
      : String(cause.expected ?? 'RS256');
    return `it is signed with ${serverText(cause.header?.alg, 20)}, and the provider announced only ${serverText(expected, 80)}`;
  }
  if (/"aud"|"azp"/.test(err.message))
    return 'it was issued for another client (its audience is wrong)';
  if (/"iss"/.test(err.message)) return 'it was issued by another issuer';
  if (/"nonce"/.test(err.message)) return 'its nonce is missing or not the one this sign-in sent';
  if (err.code === oauth.JWT_TIMESTAMP_CHECK)
    return 'it is expired or not yet valid (check the clock)';
  const missing = /"(\w+)" \([^)]*\) claim missing/.exec(err.message)?.[1];
  if (missing !== undefined) return `it lacks the ${missing} claim`;
  return 'it is malformed';
}

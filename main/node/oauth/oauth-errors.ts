import * as oauth from 'oauth4webapi';
import { parseRetryAfter } from '../../common/backoff.js';
import { TokenTrayError } from '../../common/errors.js';
import { sentAs } from './http-client.js';
import { bareClientError, idTokenRejection, serverSaid } from './refusal-reasons.js';

/**
 * Classifies a failed token request (RFC 6749 §5.2) into what the user and the scheduler act on:
 * - `invalid_grant` means the refresh token is dead: sign in again, never retry (§5.2, RFC 9700 §4.14);
 * - `invalid_client` and other request errors are configuration errors;
 * - 5xx, 429, network errors and timeouts are transient: retry with backoff, honouring Retry-After;
 * - anything that is not a token response is a bad response, and nothing from it is kept.
 * Messages are ours; a library error's cause can hold the response body, so it is never rendered.
 */
/** invalid_grant (RFC 6749 §5.2), and GitHub's own name for a dead refresh token. */
const DEAD_GRANT_ERRORS = new Set(['invalid_grant', 'bad_refresh_token']);

/**
 * Classifies a failure at the end of a sign-in (code exchange, device poll), where there is no
 * account yet: a refused grant means this sign-in failed, not that an account needs another.
 */
export function classifySignInError(
  err: unknown,
  endpoint: string,
  now: number,
  role: EndpointRole = 'token endpoint',
): TokenTrayError {
  if (err instanceof oauth.ResponseBodyError) {
    const short = serverSaid(err);
    // Entra ID says authorization_declined where RFC 8628 §3.5 says access_denied.
    if (err.error === 'access_denied' || err.error === 'authorization_declined') {
      return new TokenTrayError('access_denied', `Sign-in was declined (${short}).`, {
        hint: 'Nothing was stored. Run the sign-in again and allow access when the provider asks.',
        oauthError: err.error,
      });
    }
    if (DEAD_GRANT_ERRORS.has(err.error) || err.error === 'bad_verification_code') {
      return new TokenTrayError(
        'sign_in_failed',
        `The provider refused to finish the sign-in (${short}).`,
        {
          hint: 'Nothing was stored. Start the sign-in again; if it repeats, check the client id and the redirect URI registered at the provider.',
          oauthError: err.error,
        },
      );
    }
  }
  return classifyTokenError(err, endpoint, now, role);
}

/** Which endpoint a request went to, as messages name it. */
export type EndpointRole =
  'token endpoint' | 'revocation endpoint' | 'device authorization endpoint' | 'discovery document';

/**
 * `grant` names the request that failed, where the answer's meaning depends on it (a bare 400
 * to a refresh, see bareClientError).
 */
export function classifyTokenError(
  err: unknown,
  endpoint: string,
  now: number,
  role: EndpointRole = 'token endpoint',
  grant?: 'refresh_token',
): TokenTrayError {
  if (err instanceof TokenTrayError) return err;
  // `where` starts a sentence; `there` goes mid-sentence.
  const there = originOf(endpoint, role);
  const where = there.charAt(0).toUpperCase() + there.slice(1);

  if (err instanceof oauth.ResponseBodyError) {
    const said = serverSaid(err);
    const status = sentAs(err.response).status;
    const retryAfterMs = parseRetryAfter(err.response.headers.get('retry-after'), now);
    if (DEAD_GRANT_ERRORS.has(err.error)) {
      return new TokenTrayError(
        'sign_in_required',
        `${where} no longer accepts this account's refresh token (${said}).`,
        {
          hint: 'The grant was revoked or expired. Sign in again: `tokentray remove <name>`, then `tokentray add` it anew.',
          oauthError: err.error,
          cause: err,
        },
      );
    }
    if (
      err.status >= 500 ||
      err.status === 429 ||
      err.error === 'temporarily_unavailable' ||
      err.error === 'server_error'
    ) {
      return transient(
        `${where} is temporarily unable to issue tokens (HTTP ${status}, ${said}).`,
        retryAfterMs,
        err,
      );
    }
    return new TokenTrayError('invalid_client', `${where} rejected the request (${said}).`, {
      hint:
        err.error === 'invalid_client' || err.error === 'unauthorized_client'
          ? 'Check the client id, the client secret and --auth-method (client_secret_basic or client_secret_post).'
          : 'Check the account settings: client id, scopes and token endpoint.',
      oauthError: err.error,
      cause: err,
    });
  }

  if (err instanceof oauth.WWWAuthenticateChallengeError) {
    return new TokenTrayError(
      'invalid_client',
      `${where} refused the client's credentials (HTTP ${sentAs(err.response).status}).`,
      {
        hint: 'Check the client id, the client secret and --auth-method.',
        cause: err,
      },
    );
  }

  const idToken = idTokenRejection(err);
  if (idToken !== undefined) {
    return new TokenTrayError(
      'bad_response',
      `${where} sent an ID token TokenTray rejected: ${idToken}.`,
      {
        hint: 'Nothing was stored. Report it to the provider, or check the client id and the issuer (the ID token must be for this client and from this issuer).',
        cause: err,
      },
    );
  }

  if (err instanceof oauth.OperationProcessingError) {
    const response = asResponse(err.cause);
    const bare = response === undefined ? undefined : bareClientError(where, response, err, grant);
    if (bare !== undefined) return bare;
    if (response !== undefined && (response.status >= 500 || response.status === 429)) {
      const page = (response.headers.get('content-type') ?? '').includes('html')
        ? ' with an HTML page'
        : '';
      const what =
        response.status === 429 ? 'is rate-limiting requests' : 'is temporarily unavailable';
      return transient(
        `${where} ${what}: it answered HTTP ${response.status}${page}.`,
        parseRetryAfter(response.headers.get('retry-after'), now),
        err,
      );
    }
    if (hasCode(err, 'UND_ERR_RES_EXCEEDED_MAX_SIZE')) return oversized(where, err);
    return new TokenTrayError(
      'bad_response',
      `${where} did not send a valid token response: ${describeProcessingError(err, response)}.`,
      {
        hint: 'Check that the token endpoint URL is right (an HTML page usually means a wrong URL or a login wall). Nothing was stored.',
        cause: err,
      },
    );
  }

  if (hasCode(err, 'UND_ERR_RES_EXCEEDED_MAX_SIZE')) return oversized(where, err);
  if (isNetworkError(err)) {
    return transient(`Could not reach ${there}: ${networkReason(err)}.`, undefined, err);
  }
  return new TokenTrayError('internal', `The request to ${there} failed unexpectedly.`, {
    cause: err,
  });
}

function transient(
  message: string,
  retryAfterMs: number | undefined,
  cause: unknown,
): TokenTrayError {
  return new TokenTrayError('transient', message, {
    hint:
      retryAfterMs !== undefined
        ? `The server asked to retry after ${Math.ceil(retryAfterMs / 1000)} s. Your current token, if still valid, keeps working.`
        : 'This is usually temporary; try again shortly. Your current token, if still valid, keeps working.',
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    cause,
  });
}

function oversized(where: string, cause: unknown): TokenTrayError {
  return new TokenTrayError(
    'bad_response',
    `${where} sent a response larger than TokenTray accepts.`,
    {
      hint: 'Check the token endpoint URL. Nothing was stored.',
      cause,
    },
  );
}

function describeProcessingError(
  err: oauth.OperationProcessingError,
  response: Response | undefined,
): string {
  switch (err.code) {
    case oauth.RESPONSE_IS_NOT_JSON:
    case oauth.PARSE_ERROR:
      return 'the body is not JSON';
    case oauth.RESPONSE_IS_NOT_CONFORM:
      return response === undefined
        ? 'unexpected response'
        : `unexpected HTTP status ${response.status}`;
    case oauth.INVALID_RESPONSE:
      if (/access_token/.test(err.message)) return 'it has no access_token';
      if (/expires_in/.test(err.message)) return 'its expires_in is not a positive number';
      if (/token_type/.test(err.message)) return 'it has no token_type';
      return 'a required field is missing or malformed';
    default:
      return 'it could not be processed';
  }
}

/** undici's Response is not the global one, so `instanceof Response` cannot be trusted here. */
function asResponse(value: unknown): Response | undefined {
  const r = value as Partial<Response> | null | undefined;
  return typeof r?.status === 'number' && typeof r.headers?.get === 'function'
    ? (r as Response)
    : undefined;
}

function causes(err: unknown): unknown[] {
  const chain: unknown[] = [];
  for (
    let e = err, i = 0;
    e !== undefined && e !== null && i < 6;
    e = (e as { cause?: unknown }).cause, i++
  )
    chain.push(e);
  return chain;
}

function hasCode(err: unknown, code: string): boolean {
  return causes(err).some((e) => (e as { code?: unknown }).code === code);
}

const NETWORK_CODES =
  /^(UND_ERR_|ECONN|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE|ECONNRESET)/;

function isNetworkError(err: unknown): boolean {
  return causes(err).some((e) => {
    const { code, name } = e as { code?: unknown; name?: unknown };
    return (
      (typeof code === 'string' && NETWORK_CODES.test(code)) ||
      name === 'TimeoutError' ||
      name === 'AbortError' ||
      (e instanceof TypeError && e.message === 'fetch failed')
    );
  });
}

function networkReason(err: unknown): string {
  for (const e of causes(err)) {
    const { code, name } = e as { code?: unknown; name?: unknown };
    if (
      name === 'TimeoutError' ||
      code === 'UND_ERR_HEADERS_TIMEOUT' ||
      code === 'UND_ERR_BODY_TIMEOUT' ||
      code === 'UND_ERR_CONNECT_TIMEOUT'
    )
      return 'the request timed out';
    if (code === 'ECONNREFUSED') return 'the connection was refused';
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the host name could not be resolved';
    if (typeof code === 'string' && NETWORK_CODES.test(code)) return `network error ${code}`;
  }
  return 'network error';
}

function originOf(endpoint: string, role: EndpointRole): string {
  try {
    return `the ${role} at ${new URL(endpoint).host}`;
  } catch {
    return `the ${role}`;
  }
}

/** Failures that happen before a request leaves this machine: nothing reached the server. */
const NOT_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * Whether a failed request may have been processed by the server although no answer came back:
 * a reset, a closed socket or a timeout after the request was sent. A refused connection or an
 * unknown host never left; an HTTP answer, even a 5xx, is the server's word. RFC 9700 §4.14.2
 * makes this matter: a rotated refresh token in a lost answer leaves ours spent.
 */
export function mayHaveReachedServer(error: TokenTrayError): boolean {
  if (error.code !== 'transient' || error.cause instanceof oauth.ResponseBodyError) return false;
  const chain = causes(error.cause);
  if (chain.some((e) => asResponse(e) !== undefined)) return false;
  if (chain.some((e) => NOT_SENT.has(String((e as { code?: unknown }).code)))) return false;
  return isNetworkError(error.cause);
}
